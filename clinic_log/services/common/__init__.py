"""Shared by every feature: the audit log, who may do what, the clock, private files, progress, strict CSV in and safe
CSV out.
"""
