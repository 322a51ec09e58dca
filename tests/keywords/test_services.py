"""Extraction into keywords and mentions: idempotent, distinct respondents, and staff
curation that survives a rebuild."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from consultations.models import Answer
from consultations.services import response_submit
from keywords import tallies
from keywords.curation.selectors import keyword_table
from keywords.extraction import services
from keywords.models import ExtractionRun, Keyword, KeywordMention, KeywordStatus, RunStatus

from .factories import answer_ids, respond


def _snapshot():
    keywords = sorted(Keyword.objects.values_list("pk", "base_form", "label", "status"))
    mentions = sorted(KeywordMention.objects.values_list("keyword_id", "answer_id", "surface_form"))
    return keywords, mentions


def _rebuild(consultation):
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    return services.keywords_rebuild(run=run, chunk_size=2)


def test_extraction_links_base_forms_to_the_answers_they_came_from(consultation):
    respond(consultation, keep="Parkerna och kollektivtrafiken", miss="Fler cykelvägar")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    park = Keyword.objects.get(consultation=consultation, base_form="park")
    assert park.label == "park"
    assert park.status == KeywordStatus.CANDIDATE
    mention = park.mentions.get()
    assert mention.surface_form == "parkerna"
    assert mention.answer.text == "Parkerna och kollektivtrafiken"
    assert Keyword.objects.filter(base_form="cykelväg").exists()


def test_extracting_twice_changes_nothing(consultation):
    respond(consultation, keep="Parkerna och kollektivtrafiken", leave="Bilköerna i centrum")
    respond(consultation, keep="Kollektivtrafik!", miss="Grönområden och parker")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    first = _snapshot()
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    assert _snapshot() == first


def test_an_edited_answer_loses_the_mentions_it_no_longer_makes(consultation):
    respond(consultation, keep="Parkerna")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    Answer.objects.update(text="Kollektivtrafiken")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    assert list(KeywordMention.objects.values_list("keyword__base_form", flat=True)) == [
        "kollektivtrafik"
    ]


def test_re_extraction_keeps_a_staff_link_and_the_mentions_it_finds_again(consultation):
    respond(consultation, keep="Parkerna och bussarna")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    answer = Answer.objects.get()
    own = Keyword.objects.create(
        consultation=consultation, base_form="grönska", label="Grönska", created_by_staff=True
    )
    KeywordMention.objects.create(keyword=own, answer=answer, surface_form="Parkerna")
    # An existing mention keeps the form it was first written in.
    KeywordMention.objects.filter(keyword__base_form="park").update(surface_form="parken")
    Answer.objects.update(text="Parkerna och torget")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    assert sorted(KeywordMention.objects.values_list("keyword__base_form", "surface_form")) == [
        ("grönska", "Parkerna"),
        ("park", "parken"),
        ("torg", "torget"),
    ]


def test_two_answers_of_one_respondent_count_once(consultation):
    respond(consultation, keep="Parkerna", miss="Fler parker")
    respond(consultation, leave="Parken är sliten")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    assert KeywordMention.objects.filter(keyword__base_form="park").count() == 3
    row = next(r for r in keyword_table(consultation) if r.keyword.base_form == "park")
    assert row.respondents == 2
    assert row.by_kind == {"keep": 1, "leave": 1, "miss": 1}


def test_a_rebuild_keeps_renames_strikes_and_merges(consultation):
    respond(consultation, keep="Parkerna och kollektivtrafiken", leave="Bilköerna i centrum")
    respond(consultation, keep="Grönområden", miss="Kollektivtrafik")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    park = Keyword.objects.get(base_form="park")
    green = Keyword.objects.get(base_form="grönområde")
    queue = Keyword.objects.get(base_form="bilkö")
    transit = Keyword.objects.get(base_form="kollektivtrafik")
    Keyword.objects.filter(pk=transit.pk).update(label="Kollektivtrafik", status=KeywordStatus.KEPT)
    Keyword.objects.filter(pk=queue.pk).update(status=KeywordStatus.STRUCK)
    Keyword.objects.filter(pk=green.pk).update(status=KeywordStatus.MERGED, merged_into=park)
    # Counted as keyword_merge counts: a rebuild recounts only what its extraction changes.
    tallies.keyword_tallies_recount(consultation_id=consultation.pk, keyword_ids=[green.pk])
    staff_added = Keyword.objects.create(
        consultation=consultation, base_form="trygghet", label="Trygghet", created_by_staff=True
    )
    before = {k.pk: (k.label, k.status, k.merged_into_id) for k in Keyword.objects.all()}

    run = _rebuild(consultation)

    assert run.status == RunStatus.DONE
    assert (run.processed, run.total) == (4, 4)
    after = {k.pk: (k.label, k.status, k.merged_into_id) for k in Keyword.objects.all()}
    assert after == before
    assert Keyword.objects.get(pk=transit.pk).kept_for_sorting
    assert Keyword.objects.filter(pk=staff_added.pk).exists()
    # The merged keyword's respondent counts toward its target, once.
    rows = {r.keyword.base_form: r for r in keyword_table(consultation)}
    assert "grönområde" not in rows
    assert rows["park"].respondents == 2
    assert [k.pk for k in rows["park"].merged] == [green.pk]
    assert rows["bilkö"].is_struck


def test_a_rebuild_drops_uncurated_keywords_nobody_mentions_any_more(consultation):
    respond(consultation, keep="Parkerna", leave="Bilköerna")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    Keyword.objects.filter(base_form="bilkö").update(label="Bilköer")
    Answer.objects.all().delete()
    respond(consultation, keep="Kollektivtrafiken")
    _rebuild(consultation)
    assert sorted(Keyword.objects.values_list("base_form", flat=True)) == [
        "bilkö",
        "kollektivtrafik",
    ]


def test_a_finished_rebuild_run_again_does_nothing(consultation):
    respond(consultation, keep="Parkerna")
    run = _rebuild(consultation)
    finished_at = run.finished_at
    run = services.keywords_rebuild(run=run)
    assert run.finished_at == finished_at


def test_a_rebuild_gives_the_planner_fresh_statistics_of_the_keyword_tables(consultation):
    """A rebuild rewrites many rows at once; with stale statistics PostgreSQL chose a nested
    loop for the workbench's search that took minutes at 100,000 keywords."""
    from django.db import connection

    from tests.conftest import require_service

    require_service(connection.vendor == "postgresql", "planner statistics are PostgreSQL's")
    for text in ("Parkerna", "Biblioteket", "Cykelvägar och bussar", "Torget"):
        respond(consultation, keep=text)
    _rebuild(consultation)
    with connection.cursor() as cursor:
        # ANALYZE writes the row estimate into pg_class, visible in this transaction.
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [["keywords_keyword", "keywords_keywordmention"]],
        )
        estimates = dict(cursor.fetchall())
    assert estimates["keywords_keyword"] == Keyword.objects.count()
    assert estimates["keywords_keywordmention"] == KeywordMention.objects.count()


def test_a_failed_rebuild_is_recorded_on_the_run(consultation, monkeypatch):
    respond(consultation, keep="Parkerna")

    def boom(*args, **kwargs):
        raise RuntimeError("lemma tables missing")

    monkeypatch.setattr(services, "extract_batch", boom)
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    with pytest.raises(RuntimeError):
        services.keywords_rebuild(run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "lemma tables missing" in run.error
    assert run.finished_at is not None


def test_a_submitted_response_is_extracted_once_it_commits(
    consultation, django_capture_on_commit_callbacks
):
    questions = {q.kind: q.pk for q in consultation.questions.all()}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response_submit(
            consultation=consultation,
            idempotency_key=uuid.uuid4(),
            answers={str(questions["keep"]): "Parkerna", str(questions["miss"]): "Cykelvägar"},
        )
    assert callbacks
    assert set(
        KeywordMention.objects.filter(answer__response__consultation=consultation).values_list(
            "keyword__base_form", flat=True
        )
    ) == {"park", "cykelväg"}


def test_a_rolled_back_response_sends_nothing(consultation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                respond(consultation, keep="Parkerna")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []


def test_the_database_refuses_a_second_keyword_with_the_same_base_form(consultation):
    Keyword.objects.create(consultation=consultation, base_form="park", label="park")
    with pytest.raises(IntegrityError), transaction.atomic():
        Keyword.objects.create(consultation=consultation, base_form="park", label="Parker")


def test_the_database_refuses_a_merge_without_a_target(consultation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Keyword.objects.create(
            consultation=consultation, base_form="park", label="park", status="merged"
        )


def test_the_database_refuses_a_second_mention_of_a_keyword_in_one_answer(consultation):
    respond(consultation, keep="Parkerna")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    mention = KeywordMention.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        KeywordMention.objects.create(
            keyword=mention.keyword, answer=mention.answer, surface_form="parken"
        )
