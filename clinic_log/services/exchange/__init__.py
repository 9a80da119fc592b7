"""Data in and out: CSV import and export, FHIR, subject-access exports, demo data.
"""
