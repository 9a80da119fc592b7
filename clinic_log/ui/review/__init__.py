"""The owner's review pages: dashboard and recall.
"""
