"""Extraction: answers -> candidate keywords (extractor.py is pure text, no ORM) and the
services that store mentions and respondent counts, rebuild a consultation and sweep new
responses."""
