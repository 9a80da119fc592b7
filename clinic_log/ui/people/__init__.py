"""Practitioners, users, logging in, the idle lock and passwords.
"""
