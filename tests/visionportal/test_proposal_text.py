"""The vision text's sanitiser and the readable diff between two versions (pure)."""

import pytest

from visionportal.proposals.diff import Block, Segment, text_blocks, version_diff
from visionportal.proposals.sanitise import has_text, sanitise_vision_text, visible_text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ett Norrköping\n\nsom växer", "<p>Ett Norrköping</p><p>som växer</p>"),
        ("rad ett\nrad två", "<p>rad ett<br>rad två</p>"),
        ("- hamnen\n- parken", "<ul><li>hamnen</li><li>parken</li></ul>"),
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        (
            '<p onclick="x()" style="color:red">Vi <em>växer</em></p>',
            "<p>Vi <em>växer</em></p>",
        ),
        ("<p>x<script>alert(1)</script></p>", "<p>x</p>"),
        ('<p><img src="https://evil.test/a.png" onerror="x()">bild</p>', "<p>bild</p>"),
        ('<p><a href="javascript:alert(1)">länk</a></p>', "<p>länk</p>"),
        ("<p>\u0645\u0631\u062d\u0628\u0627 😀</p>", "<p>\u0645\u0631\u062d\u0628\u0627 😀</p>"),
        ("<ol><li><strong>ett</strong></li></ol>", "<ol><li><strong>ett</strong></li></ol>"),
        ("<p>a<!-- hidden --></p>", "<p>a</p>"),
        ("   ", ""),
    ],
)
def test_only_paragraphs_emphasis_and_lists_survive(typed, stored):
    assert sanitise_vision_text(typed) == stored


def test_visible_text_and_emptiness():
    assert visible_text("<p>a &amp; <em>b</em></p>") == "a & b"
    assert not has_text("<p> </p><ul><li></li></ul>")
    assert has_text("<p>x</p>")


def test_text_blocks_are_paragraphs_and_list_items():
    assert text_blocks("<p>Ett  <em>två</em></p><ul><li>tre</li></ul><p>a<br>b</p>") == [
        "Ett två",
        "tre",
        "a",
        "b",
    ]


def test_diff_marks_changed_words_and_whole_paragraphs():
    old = "<p>Norrköping växer hållbart.</p><p>Hamnen lever.</p><p>Borttagen.</p>"
    new = "<p>Norrköping växer snabbt och hållbart.</p><p>Hamnen lever.</p>"
    assert version_diff(old, new) == [
        Block(
            "change",
            (
                Segment("same", "Norrköping växer "),
                Segment("insert", "snabbt och "),
                Segment("same", "hållbart."),
            ),
        ),
        Block("same", (Segment("same", "Hamnen lever."),)),
        Block("delete", (Segment("delete", "Borttagen."),)),
    ]


def test_diff_of_a_replaced_word_and_an_added_paragraph():
    assert version_diff("<p>en stad</p>", "<p>en kommun</p><p>Ny.</p>") == [
        Block(
            "change",
            (Segment("same", "en "), Segment("delete", "stad"), Segment("insert", "kommun")),
        ),
        Block("insert", (Segment("insert", "Ny."),)),
    ]


def test_markup_in_the_text_stays_text_in_the_diff():
    old = sanitise_vision_text("<div>x</div> & y")
    assert version_diff(old, old) == [Block("same", (Segment("same", "<div>x</div> & y"),))]
