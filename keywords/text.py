"""How keyword labels and the reasons given for them are cleaned, one rule for curation and
the councillors' round. The rule lives in visionportal.text, shared with residents' answers
(consultations may not import keywords)."""

from visionportal.text import clean_text

__all__ = ["clean_text"]
