"""Writes of the corrections app: reports and their review (reports.py), the weekly digest (digests.py)."""
