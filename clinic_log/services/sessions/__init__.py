"""Treatment sessions: the facts the clinical rules read, saving, signing, amending and voiding, content seals,
decisions instead of treatment, autosaved typing, the session lists and the first screen's reader.
"""
