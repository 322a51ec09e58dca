"""Exact oracles for consultations.masking: what is masked, and what must stay."""

import pytest

from consultations.masking import mask_personal_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mejla anna.berg@example.se", "Mejla [email]"),
        ("a.b+c@sub.example.co.uk!", "[email]!"),
        ("https://bob:secret@example.com/x", "https://[user]@example.com/x"),
        ("ftp://anna@files.example.org", "ftp://[user]@files.example.org"),
        ("see https://example.com/a?b=1", "see https://example.com/a?b=1"),
    ],
)
def test_emails_and_url_user_info_are_masked(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring 070-123 45 67 nu", "ring [phone] nu"),
        ("0701234567", "[phone]"),
        ("08-123 456 78", "[phone]"),
        ("011-15 00 00", "[phone]"),
        ("tel. 040-12 34 56.", "tel. [phone]."),
        ("+46 70 123 45 67", "[phone]"),
        ("+46701234567", "[phone]"),
        ("+46 (0)70-123 45 67", "[phone]"),
        ("0046 70 123 45 67", "[phone]"),
        ("+45 12 34 56 78", "[phone]"),
        ("tlf 22 34 56 78", "tlf [phone]"),
        ("tlf 22-34-56-78", "tlf [phone]"),
        ("tlf 22345678", "tlf [phone]"),
        ("+47 123 45 678", "[phone]"),
        ("ring 912 34 567", "ring [phone]"),
    ],
)
def test_nordic_phone_numbers_are_masked(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pnr 850709-1234 ok", "pnr [id number] ok"),
        ("850709+1234", "[id number]"),
        ("198507091234", "[id number]"),
        ("19850709-1234", "[id number]"),
        ("samordningsnummer 850769-1234", "samordningsnummer [id number]"),
        ("CPR 010285-1234", "CPR [id number]"),
        ("fnr 01028512345", "fnr [id number]"),
        ("D-nummer 41028512345", "D-nummer [id number]"),
        ("8507091234", "[id number]"),
    ],
)
def test_nordic_identity_numbers_are_masked(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Norrköping 2035",
        "Bygg 300 bostäder 2030-2040",
        "1 000 000 kr och 10 000 000 kr",
        "7 000 invånare sedan 2015-04-01",
        "datum 20240101",
        "linje 123 och 45",
        "12.5 procent",
        "kod 999999-9999",
        "",
        "<script>alert(1)</script>",
    ],
)
def test_ordinary_text_and_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


def test_several_kinds_in_one_answer():
    text = "Jag heter Anna, anna@example.se, 070-123 45 67, pnr 19850709-1234."
    assert mask_personal_data(text) == "Jag heter Anna, [email], [phone], pnr [id number]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Without an "@" or a digit nothing can be masked, and the text comes back as it is.
        ("Parkerna och biblioteket, vi ses där!", "Parkerna och biblioteket, vi ses där!"),
        ("mejla mig (at) example.se", "mejla mig (at) example.se"),
        # Digits of any script still go through every pattern.
        ("ring ٠٧٠١٢٣٤٥٦٧", "ring ٠٧٠١٢٣٤٥٦٧"),
        ("ring 0701234567", "ring [phone]"),
        ("x@y.se", "[email]"),
    ],
)
def test_text_without_at_sign_or_digit_skips_the_patterns(text, expected):
    assert mask_personal_data(text) == expected
