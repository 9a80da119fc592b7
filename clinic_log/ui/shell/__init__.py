"""The application around the pages: start-up, the main window, its tabs and menus.
"""
