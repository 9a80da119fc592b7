"""The Sessions tab and everything about one session: starting one, viewing, amending.
"""
