"""Widgets and plumbing every page uses: the operations pipeline and its worker, UserSession (who is logged
in; the shell owns the one instance), autosave of typing, typed fields, table models, progress, icons and fonts.
"""
