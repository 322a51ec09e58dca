"""The keyword table: distinct respondents overall and per question, filters, order,
merges rolled into their target, and a bounded number of queries."""

import pytest

from keywords.curation.selectors import keyword_table
from keywords.extraction import services
from keywords.models import Keyword, KeywordStatus
from keywords.tallies import keyword_tallies_recount

from .factories import answer_ids, respond


def _extracted(consultation):
    respond(consultation, keep="Parkerna", miss="Fler parker och cykelvägar", age_band="16-24")
    respond(consultation, keep="Parken", leave="Bilköerna", channel="workshop", age_band="65-79")
    respond(consultation, miss="Cykelvägar", channel="workshop", age_band="65-79")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))


def _counts(rows):
    return {r.keyword.base_form: r.respondents for r in rows}


def test_rows_count_distinct_respondents_overall_and_per_question(consultation):
    _extracted(consultation)
    rows = {r.keyword.base_form: r for r in keyword_table(consultation)}
    assert rows["park"].respondents == 2
    assert rows["park"].kind_counts == [("keep", 2), ("leave", 0), ("miss", 1)]
    assert rows["cykelväg"].respondents == 2
    assert rows["bilkö"].kind_counts == [("keep", 0), ("leave", 1), ("miss", 0)]


def test_filters_narrow_the_respondents_counted(consultation):
    _extracted(consultation)
    by_question = _counts(keyword_table(consultation, question_kind="miss"))
    assert by_question["park"] == 1
    assert by_question["cykelväg"] == 2
    assert "bilkö" not in by_question
    by_channel = _counts(keyword_table(consultation, channel="workshop"))
    assert by_channel["park"] == 1
    assert by_channel["cykelväg"] == 1
    assert by_channel["bilkö"] == 1
    by_age = _counts(keyword_table(consultation, age_band="16-24"))
    assert "bilkö" not in by_age
    assert by_age["park"] == 1


def test_rows_are_ordered_by_respondents_or_by_label(consultation):
    _extracted(consultation)
    by_count = keyword_table(consultation)
    assert [r.respondents for r in by_count] == sorted(
        (r.respondents for r in by_count), reverse=True
    )
    by_label = [r.keyword.label for r in keyword_table(consultation, order="label")]
    assert by_label == sorted(by_label, key=str.casefold)


def test_a_respondent_mentioning_a_keyword_and_its_merged_one_counts_once(consultation):
    respond(consultation, keep="Parkerna", miss="Grönområden")
    respond(consultation, keep="Grönområden")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    park = Keyword.objects.get(base_form="park")
    Keyword.objects.filter(base_form="grönområde").update(
        status=KeywordStatus.MERGED, merged_into=park
    )
    # Counted as the curation services count after a merge.
    keyword_tallies_recount(
        consultation_id=consultation.pk,
        keyword_ids=Keyword.objects.values_list("pk", flat=True),
    )
    rows = {r.keyword.base_form: r for r in keyword_table(consultation)}
    assert rows["park"].respondents == 2
    assert rows["park"].kind_counts == [("keep", 2), ("leave", 0), ("miss", 1)]
    assert "grönområde" not in rows


def test_examples_are_short_excerpts_of_the_first_answers(consultation):
    long_text = "Parkerna " + "och gröna stråk " * 30
    respond(consultation, keep=long_text)
    respond(consultation, keep="Parken")
    respond(consultation, keep="Parker")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    row = next(r for r in keyword_table(consultation) if r.keyword.base_form == "park")
    assert len(row.examples) == 2
    assert row.examples[0].endswith("…")
    assert len(row.examples[0]) <= 160
    assert row.examples[1] == "Parken"


def test_the_table_takes_a_fixed_number_of_queries(consultation, django_assert_max_num_queries):
    for _ in range(10):
        _extracted(consultation)
    # The page, its total, the merged keywords, the example answers and their text.
    with django_assert_max_num_queries(5):
        rows = keyword_table(consultation, order="label")
    assert rows


def test_answers_hidden_by_a_moderator_count_nowhere_and_are_not_quoted(consultation):
    from consultations.models import Answer

    if "hidden_at" not in {f.name for f in Answer._meta.get_fields()}:
        pytest.skip("consultations has no moderation yet")
    from consultations.services import answer_hide

    respond(consultation, keep="Parkerna är fina")
    respond(consultation, keep="Parken, dumma idioter")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    for answer in Answer.objects.filter(text__contains="idioter"):
        answer_hide(answer=answer, by=None, reason="Insult")
    row = next(r for r in keyword_table(consultation) if r.keyword.base_form == "park")
    assert row.respondents == 1
    assert row.examples == ["Parkerna är fina"]
