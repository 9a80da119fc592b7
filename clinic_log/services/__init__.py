"""Use cases: each takes plain values, runs one transaction and returns frozen dataclasses."""
