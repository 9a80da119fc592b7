"""Clinic Log: a treatment logbook for clinics that perform microneedling."""

__version__ = "0.1.0"
