"""Widgets and plumbing every page uses: the operations pipeline and its worker, the signed-in user, autosave of
typing, typed fields, table models, progress.
"""
