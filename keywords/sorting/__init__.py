"""The sorting game: residents, kiosks and workplace meetings prioritise a published keyword
list; ranking.py holds its statistics (pure, no ORM)."""
