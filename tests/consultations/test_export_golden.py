"""The streamed exports give exactly the bytes (CSV, JSON) and cells (XLSX) the in-memory
exports gave before streaming, for a small consultation with masking and formula cases.

EXPECTED_* were recorded from the in-memory implementation (commit 440a1a6) on this fixture;
only the response ids, which the database assigns, are filled in."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from consultations import services
from consultations.models import Answer, Response

from .factories import open_consultation
from .staff_helpers import XSS, staff_url, submit

UTC = datetime.UTC


@pytest.fixture
def golden(process):
    consultation = open_consultation(process, areas="-Hageby\nHageby", ask_preferred_language=True)
    first = submit(
        consultation,
        "Parkerna, mejla anna@example.se eller ring 070-123 45 67",
        '=HYPERLINK("http://evil")',
        XSS,
        channel="focus_group",
        group_label="=Ungdomsrådet",
        participants=8,
        age_band="16-24",
        area="-Hageby",
        target_groups=["young", "student"],
        preferred_language="ar",
    )
    second = submit(
        consultation,
        "Dölj mig 19811224-1234",
        'Åar och "citat", med komma\noch ny rad',
        channel="interview",
    )
    services.answer_hide(answer=second.answers.get(text__startswith="Dölj"), by=None, reason="Namn")
    only_hidden = submit(consultation, "Helt dold")
    services.answer_hide(answer=only_hidden.answers.get(), by=None, reason="Namn")
    third = submit(consultation, "الحدائق والمكتبة", "", "@SUM(A1) & <b>fet</b>")
    # Imported before text was cleaned: a control character that XLSX cannot hold.
    Answer.objects.filter(response=third, text="الحدائق والمكتبة").update(text="\x01=1+1 الحدائق")
    for response, minute in ((first, 1), (second, 2), (only_hidden, 3), (third, 2)):
        Response.objects.filter(pk=response.pk).update(
            submitted_at=datetime.datetime(2026, 5, 4, 12, minute, 30, tzinfo=UTC)
        )
    return consultation, {"r1": first.pk, "r2": second.pk, "r3": third.pk}


def _body(client, staff, consultation, fmt):
    client.force_login(staff)
    response = client.get(staff_url("export", consultation, fmt))
    assert response.status_code == 200
    return response.getvalue()


EXPECTED_CSV = (
    "\ufeffresponse,submitted_at,channel,group_label,participants,keep,leave,miss,age_band,"
    "area,target_groups,preferred_language\r\n"
    "{r1},2026-05-04T12:01:30+00:00,focus_group,'=Ungdomsrådet,8,"
    '"Parkerna, mejla [email] eller ring [phone]","\'=HYPERLINK(""http://evil"")",'
    '"<script>alert(""x"")</script><img src=x onerror=alert(1)>",16-24,\'-Hageby,'
    "young;student,ar\r\n"
    '{r2},2026-05-04T12:02:30+00:00,interview,,,,"Åar och ""citat"", med komma\noch ny rad",'
    ",,,,\r\n"
    "{r3},2026-05-04T12:02:30+00:00,online,,,\x01=1+1 الحدائق,,'@SUM(A1) & <b>fet</b>,,,,\r\n"
)

EXPECTED_JSON = (
    '{{\n "questions": {{\n  "keep": "{q_keep}",\n  "leave": "{q_leave}",\n'
    '  "miss": "{q_miss}"\n }},\n "responses": [\n'
    '  {{\n   "response": {r1},\n   "submitted_at": "2026-05-04T12:01:30+00:00",\n'
    '   "channel": "focus_group",\n   "group_label": "=Ungdomsrådet",\n'
    '   "participants": 8,\n   "age_band": "16-24",\n   "area": "-Hageby",\n'
    '   "target_groups": "young;student",\n   "preferred_language": "ar",\n'
    '   "answers": {{\n    "keep": "Parkerna, mejla [email] eller ring [phone]",\n'
    '    "leave": "=HYPERLINK(\\"http://evil\\")",\n'
    '    "miss": "\\u003cscript\\u003ealert(\\"x\\")\\u003c/script\\u003e'
    '\\u003cimg src=x onerror=alert(1)\\u003e"\n   }}\n  }},\n'
    '  {{\n   "response": {r2},\n   "submitted_at": "2026-05-04T12:02:30+00:00",\n'
    '   "channel": "interview",\n   "group_label": "",\n   "participants": null,\n'
    '   "age_band": "",\n   "area": "",\n   "target_groups": "",\n'
    '   "preferred_language": "",\n'
    '   "answers": {{\n    "leave": "Åar och \\"citat\\", med komma\\noch ny rad"\n   }}\n  }},\n'
    '  {{\n   "response": {r3},\n   "submitted_at": "2026-05-04T12:02:30+00:00",\n'
    '   "channel": "online",\n   "group_label": "",\n   "participants": null,\n'
    '   "age_band": "",\n   "area": "",\n   "target_groups": "",\n'
    '   "preferred_language": "",\n'
    '   "answers": {{\n    "keep": "\\u0001=1+1 الحدائق",\n'
    '    "miss": "@SUM(A1) \\u0026 \\u003cb\\u003efet\\u003c/b\\u003e"\n   }}\n  }}\n ]\n}}'
)

# (value, data type) of every cell as openpyxl reads it back. "inlineStr" marks an empty
# string cell; "\x01=1+1" lost its control character and stays a string, not a formula.
_EMPTY, _NONE = (None, "inlineStr"), (None, "n")
EXPECTED_XLSX = [
    [(h, "s") for h in EXPECTED_CSV[1:].split("\r\n", 1)[0].split(",")],
    [
        ("{r1}", "n"),
        ("2026-05-04T12:01:30+00:00", "s"),
        ("focus_group", "s"),
        ("'=Ungdomsrådet", "s"),
        (8, "n"),
        ("Parkerna, mejla [email] eller ring [phone]", "s"),
        ('\'=HYPERLINK("http://evil")', "s"),
        ('<script>alert("x")</script><img src=x onerror=alert(1)>', "s"),
        ("16-24", "s"),
        ("'-Hageby", "s"),
        ("young;student", "s"),
        ("ar", "s"),
    ],
    [
        ("{r2}", "n"),
        ("2026-05-04T12:02:30+00:00", "s"),
        ("interview", "s"),
        _EMPTY,
        _NONE,
        _EMPTY,
        ('Åar och "citat", med komma\noch ny rad', "s"),
        *[_EMPTY] * 5,
    ],
    [
        ("{r3}", "n"),
        ("2026-05-04T12:02:30+00:00", "s"),
        ("online", "s"),
        _EMPTY,
        _NONE,
        ("=1+1 الحدائق", "s"),
        _EMPTY,
        ("'@SUM(A1) & <b>fet</b>", "s"),
        *[_EMPTY] * 4,
    ],
]


def test_csv_export_is_byte_for_byte_the_in_memory_one(client, staff, golden):
    consultation, ids = golden
    assert _body(client, staff, consultation, "csv") == EXPECTED_CSV.format(**ids).encode()


def test_json_export_is_byte_for_byte_the_in_memory_one(client, staff, golden):
    consultation, ids = golden
    questions = {f"q_{q.kind}": q.text for q in consultation.questions.all()}
    expected = EXPECTED_JSON.format(**ids, **questions)
    assert _body(client, staff, consultation, "json") == expected.encode()


def test_xlsx_export_has_the_in_memory_ones_cells(client, staff, golden):
    consultation, ids = golden
    sheet = load_workbook(io.BytesIO(_body(client, staff, consultation, "xlsx"))).active
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]
    expected = [
        [
            (ids[v[1:-1]], t) if isinstance(v, str) and v in ("{r1}", "{r2}", "{r3}") else (v, t)
            for v, t in row
        ]
        for row in EXPECTED_XLSX
    ]
    assert cells == expected
    assert sheet.title == "Answers"
