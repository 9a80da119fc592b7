"""The audit trail page.
"""
