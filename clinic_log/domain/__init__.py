"""Plain values and clinical rules: no I/O, no Qt, no SQLAlchemy."""
