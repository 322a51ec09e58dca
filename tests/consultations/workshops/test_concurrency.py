"""Capacity and the board under concurrent requests, on PostgreSQL: the last seat goes to
one of many residents sending at once; two staff adding cards at once both keep theirs; one
voter's dots never exceed the budget from two tablets; the same key sent twice at once is
applied once."""

import threading
import uuid

import pytest
from django.db import connection

from consultations.workshops import services
from consultations.workshops.models import BoardChange, BoardItem, DotVote, SignUp, Workshop

from .factories import make_series, make_workshop

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_together(calls):
    """Run each call in its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 (the outcome is what the test checks)
            outcomes[index] = ("error", error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_the_last_seats_go_to_exactly_capacity_residents(process):
    workshop = make_workshop(make_series(process), capacity=3)
    outcomes = run_together(
        [
            lambda: services.workshop_sign_up(workshop=workshop, idempotency_key=uuid.uuid4())
            for _ in range(8)
        ]
    )
    assert sum(1 for kind, _ in outcomes if kind == "ok") == 3
    refused = [value for kind, value in outcomes if kind == "error"]
    assert len(refused) == 5
    assert all(isinstance(e, services.WorkshopError) for e in refused)
    assert SignUp.objects.filter(workshop=workshop).count() == 3
    assert Workshop.objects.get(pk=workshop.pk).signed_up == 3


def test_the_same_sign_up_sent_twice_at_once_is_one_seat(process):
    workshop = make_workshop(make_series(process), capacity=5)
    key = uuid.uuid4()
    outcomes = run_together(
        [
            lambda: services.workshop_sign_up(workshop=workshop, idempotency_key=key)
            for _ in range(4)
        ]
    )
    assert all(kind == "ok" for kind, _ in outcomes)
    assert SignUp.objects.filter(workshop=workshop).count() == 1
    assert Workshop.objects.get(pk=workshop.pk).signed_up == 1


def test_two_staff_adding_at_once_keep_both_cards_and_a_resent_key_adds_one(process):
    workshop = make_workshop(make_series(process))
    key = uuid.uuid4()

    def add(text, k):
        return lambda: services.board_add(
            workshop=workshop, idempotency_key=k, kind="need", text=text
        )

    outcomes = run_together(
        [add("A", uuid.uuid4()), add("B", uuid.uuid4()), add("C", key), add("C", key)]
    )
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert sorted(BoardItem.objects.values_list("text", flat=True)) == ["A", "B", "C"]
    assert BoardChange.objects.filter(workshop=workshop).count() == 3


def test_one_voters_dots_never_exceed_the_budget_from_two_tablets(process):
    workshop = make_workshop(make_series(process, dots_per_voter=3))
    need = services.board_add(
        workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="Behov"
    )
    outcomes = run_together(
        [
            lambda: services.dot_give(
                workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=need.pk, voter="Bord 4"
            )
            for _ in range(6)
        ]
    )
    assert sum(1 for kind, _ in outcomes if kind == "ok") == 3
    assert DotVote.objects.filter(voter="Bord 4").count() == 3
    need.refresh_from_db()
    assert need.dots == 3


def test_two_staff_editing_one_card_at_once_one_wins_the_other_is_told(process):
    workshop = make_workshop(make_series(process))
    need = services.board_add(
        workshop=workshop, idempotency_key=uuid.uuid4(), kind="need", text="Behov"
    )
    outcomes = run_together(
        [
            lambda text=text: services.board_edit(
                workshop=workshop,
                idempotency_key=uuid.uuid4(),
                item_pk=need.pk,
                expected_version=1,
                text=text,
            )
            for text in ("Først", "Andre")
        ]
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"]
    assert isinstance(next(v for k, v in outcomes if k == "error"), services.BoardConflict)
    need.refresh_from_db()
    assert need.version == 2
