"""What counts as visible text, one rule for residents' answers (consultations) and for
keyword labels and reasons (keywords). Pure: no database access."""

import unicodedata

# Joiners are part of some scripts (ZWNJ in Persian) and of emoji sequences (ZWJ); every
# other format character (bidi overrides that spoof text, zero-width spaces, soft hyphens)
# is dropped, so two labels that look the same are the same.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def _is_invisible(char: str) -> bool:
    """Whitespace (also no-break spaces), control and format characters (zero-width space,
    joiners, BOM, bidi marks): nothing a reader sees on its own."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def has_visible_text(text: str | None) -> bool:
    """False for text made only of invisible characters, such as "\\u00a0\\u200b": an
    answer like that is as empty as one of spaces."""
    return any(not _is_invisible(char) for char in text or "")


def clean_text(text: str | None) -> str:
    """NFC; whitespace and control characters collapsed to single spaces; format characters
    other than the joiners dropped.

    Markup is kept as typed: it is stored as text and escaped wherever it is shown.
    """
    text = unicodedata.normalize("NFC", text or "")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category == "Cc":
            kept.append(" ")  # so words a control character separated stay apart
        elif category == "Cf" and char not in _KEPT_FORMAT_CHARACTERS:
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())
