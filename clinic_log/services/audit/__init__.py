"""Checking the record: the audit page's queries, the integrity check and the witness file.
"""
