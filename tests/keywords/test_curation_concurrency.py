"""Two staff members curating at once, on PostgreSQL: row locks make the second action wait
for the first and then act on what it committed, so merges stay one level deep and no edit
is silently lost. SQLite has no row locks (select_for_update is a no-op there)."""

import random
import threading

import pytest
from django.db import connection

from keywords.curation import services as curation
from keywords.curation.services import CurationError, StaleVersion
from keywords.models import Keyword, KeywordAction, KeywordStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update is a no-op on SQLite)",
    ),
]

WAIT = 10  # seconds; generous, but a hung lock fails the test instead of hanging it


def make(consultation, label):
    return Keyword.objects.create(consultation=consultation, label=label, base_form=label)


def in_thread(target):
    """Run `target` in a thread with its own database connection; collect its outcome."""
    outcome = {}

    def run():
        from django.db import connection as thread_connection

        try:
            outcome["result"] = target()
        except Exception as error:  # the test inspects it
            outcome["error"] = error
        finally:
            thread_connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def assert_one_level(consultation):
    chained = Keyword.objects.filter(
        consultation=consultation, merged_into__status=KeywordStatus.MERGED
    )
    assert not chained.exists(), list(chained.values("label", "merged_into__label"))
    inconsistent = (
        Keyword.objects.filter(consultation=consultation)
        .exclude(status=KeywordStatus.MERGED, merged_into__isnull=False)
        .exclude(merged_into__isnull=True)
    )
    assert not inconsistent.exists()


def _hold_merge(*, keywords, into, by, locked, release):
    """Merge inside an outer transaction and keep its locks until `release` is set."""
    from django.db import transaction

    with transaction.atomic():
        action = curation.keyword_merge(keywords=keywords, into=into, by=by)
        locked.set()
        assert release.wait(WAIT)
    return action


def test_a_merge_into_a_keyword_being_merged_away_waits_and_re_points(
    consultation, staff, admin_user
):
    a, b, c = (make(consultation, label) for label in ("a", "b", "c"))
    locked, release = threading.Event(), threading.Event()
    first, first_outcome = in_thread(
        lambda: _hold_merge(keywords=[a], into=b, by=staff, locked=locked, release=release)
    )
    assert locked.wait(WAIT)
    second, second_outcome = in_thread(
        lambda: curation.keyword_merge(keywords=[b], into=c, by=admin_user)
    )
    second.join(0.5)
    assert second.is_alive(), "the second merge did not wait for the first one's locks"
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert "error" not in first_outcome and "error" not in second_outcome, (
        first_outcome,
        second_outcome,
    )
    # b went into c, and a (merged into b a moment earlier) was re-pointed to c.
    assert Keyword.objects.get(pk=a.pk).merged_into_id == c.pk
    assert Keyword.objects.get(pk=b.pk).merged_into_id == c.pk
    assert_one_level(consultation)
    second_action = second_outcome["result"]
    assert set(second_action.keywords.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}


def test_a_merge_into_a_keyword_just_merged_away_is_refused(consultation, staff, admin_user):
    a, b, c = (make(consultation, label) for label in ("a", "b", "c"))
    locked, release = threading.Event(), threading.Event()
    first, first_outcome = in_thread(
        lambda: _hold_merge(keywords=[b], into=c, by=staff, locked=locked, release=release)
    )
    assert locked.wait(WAIT)
    second, second_outcome = in_thread(
        lambda: curation.keyword_merge(keywords=[a], into=b, by=admin_user)
    )
    second.join(0.5)
    assert second.is_alive()
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert "error" not in first_outcome
    assert isinstance(second_outcome.get("error"), CurationError)
    assert "has itself been merged" in second_outcome["error"].message
    assert Keyword.objects.get(pk=a.pk).status == KeywordStatus.CANDIDATE
    assert_one_level(consultation)
    assert KeywordAction.objects.count() == 1


def test_two_renames_from_the_same_version_one_wins_the_other_is_told(
    consultation, staff, admin_user
):
    park = make(consultation, "park")
    barrier = threading.Barrier(2)

    def rename(label, by):
        barrier.wait(WAIT)
        return curation.keyword_rename(keyword=park, label=label, version=1, by=by)

    threads = [
        in_thread(lambda: rename("Parken", staff)),
        in_thread(lambda: rename("Parker", admin_user)),
    ]
    for thread, _outcome in threads:
        thread.join(WAIT)
    outcomes = [outcome for _thread, outcome in threads]
    assert sorted("error" in o for o in outcomes) == [False, True]
    loser = next(o for o in outcomes if "error" in o)
    assert isinstance(loser["error"], StaleVersion)
    park.refresh_from_db()
    assert park.version == 2
    assert KeywordAction.objects.get().after[str(park.pk)]["label"] == park.label


def test_many_concurrent_merges_and_splits_keep_the_tree_consistent(
    consultation, staff, admin_user
):
    keywords = [make(consultation, f"k{i}") for i in range(8)]
    pks = [k.pk for k in keywords]
    barrier = threading.Barrier(2)

    def worker(seed, by):
        rng = random.Random(seed)  # noqa: S311 - test data, not security
        done = 0
        barrier.wait(WAIT)
        for _ in range(25):
            source, target = rng.sample(pks, 2)
            try:
                if rng.random() < 0.7:
                    curation.keyword_merge(
                        keywords=[Keyword(pk=source, consultation=consultation)],
                        into=Keyword.objects.get(pk=target),
                        by=by,
                    )
                else:
                    curation.keyword_split(keyword=Keyword.objects.get(pk=source), by=by)
                done += 1
            except CurationError:
                pass
        return done

    threads = [in_thread(lambda: worker(1, staff)), in_thread(lambda: worker(2, admin_user))]
    for thread, _outcome in threads:
        thread.join(60)
    for _thread, outcome in threads:
        assert "error" not in outcome, outcome
    assert_one_level(consultation)
    succeeded = sum(outcome["result"] for _thread, outcome in threads)
    assert KeywordAction.objects.count() == succeeded
    # Replaying the audit trail from the start gives exactly the current tree.
    replayed = {pk: None for pk in pks}
    for action in KeywordAction.objects.order_by("pk"):
        for pk, state in action.after.items():
            replayed[int(pk)] = state["merged_into"]
    current = dict(Keyword.objects.values_list("pk", "merged_into_id"))
    assert replayed == current
