"""Text cleaning and tokens: markup, URLs and e-mail addresses out, letters-only words in."""

from __future__ import annotations

import html
import re
import unicodedata

# A pattern, not str.translate: translate looks every character up in a dict, and most
# answers hold none of these.
_ZERO_WIDTH = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,2000}>")
# A URL ends before trailing punctuation of the sentence it stands in.
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+?(?=[.,;:!?)\]]*(?:\s|$))", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Letters only, hyphenated compounds kept together ("e-tjänster"); a trailing hyphen marks
# the first part of a coordinated compound ("gång- och cykelvägar").
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(-?)")
# An emoji often stands where a full stop would ("i bygda ⚽ Trenerne er frivillige").
_SENTENCE_END = re.compile(r"[.!?…:\n\u2600-\u27bf\U0001f300-\U0001faff]")


def clean_text(text: str) -> str:
    """Markup-, URL- and e-mail-free, NFC-normalised text (case kept)."""
    if not text:
        return ""
    text = html.unescape(text)
    # Most answers hold no markup or address: those patterns only run on text with the
    # character each needs to match.
    if "<" in text:
        text = _SCRIPT_STYLE.sub(" ", text)
        text = _TAG.sub(" ", text)
    # Entities decoded from the markup can themselves spell tags ("&lt;b&gt;").
    text = html.unescape(text)
    text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    return _ZERO_WIDTH.sub("", text)


def tokens(text: str) -> list[tuple[str, int, bool, bool]]:
    """(word as written, group, truncated, sentence start) for each word of ``text``.

    Groups split at anything but whitespace. A word starts a sentence when it is the first or
    when what precedes it since the last word ends a sentence or a line (". ! ? … :", a line
    break as in a bulleted list, or an emoji): only there is a capital no sign of a name.
    """
    out: list[tuple[str, int, bool, bool]] = []
    append = out.append
    group = 0
    last_end = -1
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if last_end < 0:
            sentence_start = True
        else:
            gap = text[last_end:start]
            if gap == " ":  # by far the most common gap
                sentence_start = False
            elif gap.isspace():
                sentence_start = "\n" in gap
            else:
                sentence_start = _SENTENCE_END.search(gap) is not None
                group += 1
        word = match.group()
        last_end = end
        # The letters never end in a hyphen: one at the end is the pattern's last group.
        if word[-1] == "-":
            append((word[:-1], group, True, sentence_start))
            group += 1
        else:
            append((word, group, False, sentence_start))
    return out
