"""The Clients tab and the client page: details, consents, consultation, decisions, timeline, sheets printed for the
client.
"""
