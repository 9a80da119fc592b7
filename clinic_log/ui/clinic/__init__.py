"""The clinic's settings and content editors: clinic settings, first start, aftercare and consent templates, reference
data.
"""
