"""The clinic's own settings and reviewable content: clinic settings, aftercare and consent templates, indications and
the reference data files.
"""
