"""Exports read the database in batches and stream: the number of queries does not grow with
the number of responses, every response is written once, in order, even across batches."""

import csv
import datetime
import io
import json
import uuid

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from consultations import exports, selectors
from consultations.models import Answer, Response

from .factories import open_consultation
from .staff_helpers import staff_url

UTC = datetime.UTC
SAME_TIME = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _bulk_responses(consultation, count, *, at=None):
    """`count` responses with an answer to every question, quickly."""
    questions = list(consultation.questions.all())
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            submitted_at=at or SAME_TIME + datetime.timedelta(seconds=i),
        )
        for i in range(count)
    )
    Answer.objects.bulk_create(
        Answer(response=r, question=q, text=f"Svar {r.pk} på {q.kind}: parken")
        for r in responses
        for q in questions
    )
    return responses


def _export_queries(client, consultation, fmt):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(staff_url("export", consultation, fmt))
        body = response.getvalue()
    assert response.status_code == 200
    return len(queries), body


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_queries_do_not_grow_with_the_number_of_responses(client, staff, process, fmt):
    small, large = open_consultation(process), open_consultation(process)
    _bulk_responses(small, 10)
    _bulk_responses(large, 300)
    client.force_login(staff)
    client.get(staff_url("export", small, fmt)).getvalue()  # session and caches warm
    small_queries, small_body = _export_queries(client, small, fmt)
    large_queries, large_body = _export_queries(client, large, fmt)
    assert small_queries == large_queries
    assert len(large_body) > len(small_body)


def _rows(consultation, batch_size):
    table, _ = selectors.export_table(consultation, batch_size=batch_size)
    return [row[0] for row in table.rows]


def test_export_batches_write_every_response_once_in_order_with_equal_times(process):
    consultation = open_consultation(process)
    # Seven responses at the same instant and two later: batches of two must page through
    # the tie by id without skipping or repeating a response.
    tied = _bulk_responses(consultation, 7, at=SAME_TIME)
    later = _bulk_responses(consultation, 2, at=SAME_TIME + datetime.timedelta(hours=1))
    expected = sorted(r.pk for r in tied) + sorted(r.pk for r in later)
    assert _rows(consultation, batch_size=2) == expected
    assert _rows(consultation, batch_size=3) == expected
    assert _rows(consultation, batch_size=1000) == expected


def test_export_batches_cost_three_queries_each(django_assert_num_queries, process):
    consultation = open_consultation(process)
    _bulk_responses(consultation, 5)
    table, _ = selectors.export_table(consultation, batch_size=2)
    # Three batches (2, 2, 1) of responses, visible answers and target groups.
    with django_assert_num_queries(9):
        assert len(list(table.rows)) == 5


@pytest.mark.parametrize(
    ("fmt", "kind"), [("csv", StreamingHttpResponse), ("json", StreamingHttpResponse)]
)
def test_csv_and_json_exports_are_streamed(client, staff, process, fmt, kind):
    consultation = open_consultation(process)
    _bulk_responses(consultation, 3)
    client.force_login(staff)
    response = client.get(staff_url("export", consultation, fmt))
    assert isinstance(response, kind)
    assert response.streaming
    assert response["Cache-Control"] == "no-store"


def test_xlsx_export_is_sent_from_a_file(client, staff, process):
    consultation = open_consultation(process)
    _bulk_responses(consultation, 3)
    client.force_login(staff)
    response = client.get(staff_url("export", consultation, "xlsx"))
    assert isinstance(response, FileResponse)
    assert int(response["Content-Length"]) == len(response.getvalue())


def test_exports_in_many_batches_and_chunks_equal_one_batch_and_chunk(
    client, staff, process, monkeypatch
):
    consultation = open_consultation(process)
    _bulk_responses(consultation, 25)
    client.force_login(staff)
    whole = {
        fmt: client.get(staff_url("export", consultation, fmt)).getvalue()
        for fmt in ("csv", "json")
    }
    monkeypatch.setattr(selectors, "EXPORT_BATCH_SIZE", 4)
    monkeypatch.setattr(exports, "CHUNK_CHARS", 300)
    for fmt in ("csv", "json"):
        response = client.get(staff_url("export", consultation, fmt))
        chunks = list(response.streaming_content)
        assert len(chunks) > 5
        assert b"".join(chunks) == whole[fmt]
    assert len(list(csv.reader(io.StringIO(whole["csv"].decode("utf-8-sig"))))) == 26
    assert len(json.loads(whole["json"])["responses"]) == 25
