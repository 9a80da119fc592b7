"""Opening and upgrading the database, backups and restores, the start-up check.
"""
