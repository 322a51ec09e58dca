"""Mask personal data in free-text answers before staff lists, councillors or exports see them.

Pure text in, text out; no ORM. Conservative on purpose: it masks what clearly looks like an
email address, a Nordic phone number or a Nordic personal identity number, and leaves years,
amounts and ordinary numbers alone. Stored answers are never changed; masking happens on the
way out.
"""

import re

EMAIL = "[email]"
PHONE = "[phone]"
ID_NUMBER = "[id number]"
USER_INFO = "[user]"

# Not a digit, letter or '+' before; not a digit or letter after: a number standing alone.
_START = r"(?<![\w+])"
_END = r"(?![\w])"

# scheme://user:password@host — the user info is masked, the rest of the address kept.
_URL_USER_INFO = re.compile(r"\b([a-z][a-z0-9+.-]*://)[^\s/?#@]+@", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)

_SEP = r"[ \-]?"
# Personnummer/samordningsnummer with the century: YYYYMMDD-XXXX or YYYYMMDDXXXX.
_ID_LONG = re.compile(_START + r"(?:19|20)\d{6}[-+ ]?\d{4}" + _END)
# Six digits, a separator, four digits: Swedish YYMMDD-XXXX or Danish CPR DDMMYY-XXXX.
_ID_SHORT = re.compile(_START + r"\d{6}[-+]\d{4}" + _END)
# Norwegian fødselsnummer/D-nummer: eleven digits, DDMMYY then five.
_ID_NO = re.compile(_START + r"\d{6} ?\d{5}" + _END)
# Ten digits without a separator and not starting with 0 (0 starts a Swedish phone number).
_ID_BARE = re.compile(_START + r"[1-9]\d{9}" + _END)

_PHONE_PATTERNS = [
    # International: +46 70 123 45 67, +45 12 34 56 78, 0047 123 45 678, +46 (0)70-123 45 67.
    re.compile(
        r"(?<![\w+])(?:\+|00)\s?(?:46|45|47|358|354)[ \-]?(?:\(0\)[ \-]?)?\d(?:[ \-]?\d){5,10}"
        + _END
    ),
    # Swedish national: 070-123 45 67, 08-123 456 78, 011-15 00 00, 0701234567.
    re.compile(_START + r"0\d{1,3}[ \-/]?\d(?:[ \-]?\d){4,7}" + _END),
    # Danish/Norwegian eight digits in pairs: 12 34 56 78, 12-34-56-78.
    re.compile(_START + r"[2-9]\d(?:[ \-]\d\d){3}" + _END),
    # Norwegian 123 45 678.
    re.compile(_START + r"[2-9]\d\d[ \-]\d\d[ \-]\d{3}" + _END),
]
# Eight digits in a row: a Danish or Norwegian phone number unless it reads as YYYYMMDD.
_EIGHT_DIGITS = re.compile(_START + r"[2-9]\d{7}" + _END)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _plausible_day_month(day: int, month: int) -> bool:
    # Swedish samordningsnummer add 60 to the day, Norwegian D-numbers add 40.
    return 1 <= month <= 12 and (1 <= day <= 31 or 41 <= day <= 71 or 61 <= day <= 91)


def _is_yymmdd(digits: str) -> bool:
    return _plausible_day_month(int(digits[4:6]), int(digits[2:4]))


def _is_ddmmyy(digits: str) -> bool:
    return _plausible_day_month(int(digits[0:2]), int(digits[2:4]))


def _is_yyyymmdd(digits: str) -> bool:
    return digits[:2] in {"19", "20"} and _plausible_day_month(int(digits[6:8]), int(digits[4:6]))


def _mask_ids(text: str) -> str:
    def long_id(match):
        return ID_NUMBER if _is_yyyymmdd(_digits(match.group())[:8]) else match.group()

    def short_id(match):
        digits = _digits(match.group())
        return ID_NUMBER if _is_yymmdd(digits) or _is_ddmmyy(digits) else match.group()

    def norwegian(match):
        return ID_NUMBER if _is_ddmmyy(_digits(match.group())) else match.group()

    text = _ID_LONG.sub(long_id, text)
    text = _ID_SHORT.sub(short_id, text)
    text = _ID_NO.sub(norwegian, text)
    return _ID_BARE.sub(short_id, text)


def _mask_phones(text: str) -> str:
    for pattern in _PHONE_PATTERNS:
        text = pattern.sub(PHONE, text)

    def eight(match):
        return match.group() if _is_yyyymmdd(match.group()) else PHONE

    return _EIGHT_DIGITS.sub(eight, text)


# Every pattern above needs an "@" (emails, user info) or a digit (numbers): a text with
# neither is returned as it is, without running them. Most answers are such texts, and an
# export masks hundreds of thousands of them.
_MAYBE_PERSONAL = re.compile(r"[\d@]")


def mask_personal_data(text: str) -> str:
    """`text` with email addresses, phone numbers and identity numbers replaced by markers."""
    if not text or not _MAYBE_PERSONAL.search(text):
        return text
    text = _URL_USER_INFO.sub(lambda m: f"{m.group(1)}{USER_INFO}@", text)
    text = _EMAIL.sub(EMAIL, text)
    text = _mask_ids(text)
    return _mask_phones(text)
