"""What several apps share, each in one place: abuse guards, organiser permissions, the spreadsheet-safe CSV
writer, the read-only admin, the once-only guard, and the one door every email leaves by.

common imports no other app of the project: it is the lowest layer.
"""
