"""Clients and what the client page shows: records, search, consents, findings, the timeline, and the sheets printed
for them (aftercare, pre-treatment, referral letter).
"""
