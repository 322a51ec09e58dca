"""Respondent counts kept in the database (keywords.tallies) always equal a recount from the
mentions, whatever happened before: extraction, edits, merges, splits, undo, hiding,
rebuilds. The oracle below recounts in plain Python, independently of the SQL."""

import random
from collections import defaultdict

import pytest

from consultations import services as consultation_services
from consultations.models import Answer, ResponseTargetGroup
from keywords import tallies
from keywords.curation import services as curation
from keywords.curation.undo import action_undo
from keywords.extraction import services
from keywords.models import ExtractionRun, Keyword, KeywordAction, KeywordMention, KeywordTally

from .factories import answer_ids, respond

TEXTS = [
    "Parkerna och cykelvägarna",
    "Fler parker",
    "Bilköerna i centrum",
    "Biblioteket och parken",
    "Cykelvägar till skolan",
    "Skolorna och biblioteket",
    "Centrum är tomt",
    "Bättre bussar och cykelvägar",
]


def _expected(consultation):
    """{(root, channel, age_band, group): (respondents, keep, leave, miss)} from mentions."""
    mentioned = defaultdict(lambda: defaultdict(set))  # root -> response -> question kinds
    for keyword_id, merged_into, response_id, kind in KeywordMention.objects.filter(
        keyword__consultation=consultation, answer__hidden_at__isnull=True
    ).values_list(
        "keyword_id", "keyword__merged_into_id", "answer__response_id", "answer__question__kind"
    ):
        mentioned[merged_into or keyword_id][response_id].add(kind)
    groups = defaultdict(list)
    for response_id, group in ResponseTargetGroup.objects.values_list("response_id", "group"):
        groups[response_id].append(group)
    profile = {r.pk: (r.channel, r.age_band) for r in consultation.responses.all()}
    cells = defaultdict(lambda: [0, 0, 0, 0])
    for root, responses in mentioned.items():
        for response_id, kinds in responses.items():
            channel, age_band = profile[response_id]
            for group in ["", *groups[response_id]]:
                cell = cells[(root, channel, age_band, group)]
                cell[0] += 1
                for i, kind in enumerate(("keep", "leave", "miss"), start=1):
                    cell[i] += kind in kinds
    return {key: tuple(value) for key, value in cells.items()}


def _stored(consultation):
    return {
        (t.keyword_id, t.channel, t.age_band, t.target_group): (
            t.respondents,
            t.keep,
            t.leave,
            t.miss,
        )
        for t in KeywordTally.objects.filter(consultation=consultation)
    }


def _assert_counts_match(consultation):
    expected = _expected(consultation)
    assert _stored(consultation) == expected
    totals = defaultdict(lambda: (0, 0, 0, 0))
    for (root, _channel, _age, group), cell in expected.items():
        if group == "":
            totals[root] = tuple(a + b for a, b in zip(totals[root], cell, strict=True))
    for keyword in Keyword.objects.filter(consultation=consultation):
        assert (
            keyword.respondents,
            keyword.respondents_keep,
            keyword.respondents_leave,
            keyword.respondents_miss,
        ) == totals.get(keyword.pk, (0, 0, 0, 0)), keyword.label


def _respond(consultation, rng, groups=()):
    kinds = rng.sample(["keep", "leave", "miss"], rng.randint(1, 3))
    response = respond(
        consultation,
        channel=rng.choice(["online", "workshop", "interview"]),
        age_band=rng.choice(["", "16-24", "65-79"]),
        **{kind: rng.choice(TEXTS) for kind in kinds},
    )
    for group in groups:
        ResponseTargetGroup.objects.create(response=response, group=group)
    return response


def test_extraction_keeps_counts_per_cell_and_per_keyword(consultation):
    rng = random.Random(1)
    for i in range(12):
        _respond(consultation, rng, groups=["young"] if i % 3 == 0 else [])
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    _assert_counts_match(consultation)
    park = Keyword.objects.get(consultation=consultation, base_form="park")
    assert park.respondents > 0


def test_re_extracting_the_same_answers_changes_no_count(consultation):
    rng = random.Random(2)
    for _ in range(8):
        _respond(consultation, rng)
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    before = _stored(consultation)
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    assert _stored(consultation) == before


def test_counts_follow_any_sequence_of_curation_moderation_and_rebuilds(
    consultation, staff, moderator
):
    rng = random.Random(3)
    for i in range(15):
        _respond(consultation, rng, groups=["young", "senior"][: i % 3])
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    _assert_counts_match(consultation)
    done = set()
    for _step in range(60):
        roots = list(Keyword.objects.filter(consultation=consultation, merged_into__isnull=True))
        merged = list(Keyword.objects.filter(consultation=consultation, merged_into__isnull=False))
        choice = rng.choice(["merge", "split", "undo", "hide", "unhide", "edit", "new", "rebuild"])
        if choice == "merge" and len(roots) >= 3:
            into, *others = rng.sample(roots, 3)
            curation.keyword_merge(keywords=others, into=into, by=staff)
        elif choice == "split" and merged:
            curation.keyword_split(keyword=rng.choice(merged), by=staff)
        elif choice == "undo":
            action = KeywordAction.objects.filter(consultation=consultation).last()
            if action is not None:
                try:
                    action_undo(action=action, by=staff)
                except curation.CurationError:
                    pass
        elif choice in ("hide", "unhide"):
            answers = Answer.objects.filter(
                response__consultation=consultation, hidden_at__isnull=choice == "hide"
            )
            answer = rng.choice(list(answers.order_by("pk")) or [None])
            if answer is not None and choice == "hide":
                consultation_services.answer_hide(answer=answer, by=moderator, reason="Spam")
            elif answer is not None:
                consultation_services.answer_unhide(answer=answer)
        elif choice == "edit":
            answer = rng.choice(
                list(Answer.objects.filter(response__consultation=consultation).order_by("pk"))
            )
            answer.text = rng.choice(TEXTS)
            answer.save()
            services.pending_responses_extract()
        elif choice == "new":
            _respond(consultation, rng, groups=["young"])
            services.pending_responses_extract()
        elif choice == "rebuild":
            run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
            services.keywords_rebuild(run=run)
        else:
            continue
        done.add(choice)
        _assert_counts_match(consultation)
    assert done == {"merge", "split", "undo", "hide", "unhide", "edit", "new", "rebuild"}


@pytest.mark.django_db(transaction=True)
def test_a_merge_moves_counts_to_the_target_and_a_split_moves_them_back(consultation, staff):
    respond(consultation, keep="Parkerna", miss="Grönområden")
    respond(consultation, keep="Grönområden")
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    park = Keyword.objects.get(consultation=consultation, base_form="park")
    green = Keyword.objects.get(consultation=consultation, base_form="grönområde")
    assert (park.respondents, green.respondents) == (1, 2)
    curation.keyword_merge(keywords=[park], into=green, by=staff)
    park.refresh_from_db()
    green.refresh_from_db()
    # The first respondent mentions both: still one respondent of the merged keyword.
    assert (park.respondents, green.respondents, green.respondents_keep) == (0, 2, 2)
    curation.keyword_split(keyword=park, by=staff)
    park.refresh_from_db()
    green.refresh_from_db()
    assert (park.respondents, green.respondents) == (1, 2)


def test_a_rebuild_in_parts_recounts_only_the_responses_whose_mentions_change(
    consultation, monkeypatch
):
    rng = random.Random(5)
    for i in range(12):
        _respond(consultation, rng, groups=["young", "senior"][: i % 3])
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    # Texts changed behind extraction's back (no sweep): only a rebuild sees them.
    changed = list(Answer.objects.filter(response__consultation=consultation).order_by("pk")[:3])
    Answer.objects.filter(pk=changed[0].pk).update(text="Simhallen och skateparken")
    Answer.objects.filter(pk=changed[1].pk).update(text="")
    Answer.objects.filter(pk=changed[2].pk).update(text="Biblioteket och parken")
    recounted = []
    recount = tallies.responses_recounted
    monkeypatch.setattr(
        tallies,
        "responses_recounted",
        lambda *, consultation_id, response_ids: (
            recounted.append(sorted(set(response_ids)))
            or recount(consultation_id=consultation_id, response_ids=response_ids)
        ),
    )

    def rebuild_in_parts():
        run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
        for part in services.keywords_rebuild_split(run=run, parts=2):
            services.rebuild_part_extract(part=part, chunk_size=4)
        run.refresh_from_db()
        assert run.status == "done"
        assert not run.recount_at_end

    rebuild_in_parts()
    _assert_counts_match(consultation)
    # The changed answers' responses and no other (the third only if its text changed).
    expected = {changed[0].response_id, changed[1].response_id}
    if changed[2].text != "Biblioteket och parken":
        expected.add(changed[2].response_id)
    assert {r for ids in recounted for r in ids} == expected
    assert Keyword.objects.get(consultation=consultation, base_form="simhall").respondents == 1

    # Nothing changed since: a second rebuild recounts nobody and leaves every count.
    recounted.clear()
    before = _stored(consultation)
    rebuild_in_parts()
    assert all(ids == [] for ids in recounted)
    assert _stored(consultation) == before
    _assert_counts_match(consultation)


def test_a_rebuild_that_changes_most_responses_recounts_the_consultation_at_its_end(
    consultation, monkeypatch
):
    rng = random.Random(7)
    for i in range(12):
        _respond(consultation, rng, groups=["young", "senior"][: i % 3])
    services.answer_keywords_extract(answer_ids=answer_ids(consultation))
    # A new extractor, as it were: every answer reads differently now.
    for answer in Answer.objects.filter(response__consultation=consultation):
        Answer.objects.filter(pk=answer.pk).update(text=rng.choice(TEXTS[::-1]) + " och torget")
    monkeypatch.setattr(services, "RECOUNT_AT_END_MIN_RESPONSES", 0)
    run = ExtractionRun.objects.create(consultation=consultation, kind="rebuild")
    for part in services.keywords_rebuild_split(run=run, parts=2):
        services.rebuild_part_extract(part=part, chunk_size=6)
    run.refresh_from_db()
    assert (run.status, run.recount_at_end) == ("done", True)
    _assert_counts_match(consultation)
