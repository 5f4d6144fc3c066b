"""Letters as PDF: WeasyPrint with a fetcher that only reads the project's static files.

fetcher.py and engine.py do not import Django, so the render worker processes start light.
"""
