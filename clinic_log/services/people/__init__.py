"""Practitioners, users, logins and passwords.
"""
