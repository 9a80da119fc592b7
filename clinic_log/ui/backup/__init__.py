"""Backups and the start-up check.
"""
