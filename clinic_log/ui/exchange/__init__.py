"""Import and export dialogs.
"""
