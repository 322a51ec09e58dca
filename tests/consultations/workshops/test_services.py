"""Workshop services: sign-up capacity and idempotency, cancel and check-in counts, the
board's links, idempotent changes, optimistic locking, the dot budget, and the board's
texts as workshop answers."""

import uuid

import pytest

from consultations.models import Answer, Channel, Response
from consultations.workshops import selectors, services
from consultations.workshops.models import BoardChange, BoardItem, SignUp, Workshop
from tests.consultations.factories import open_consultation

from .factories import make_series, make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(process):
    return make_workshop(make_series(process), capacity=2)


def sign(workshop, key=None, **fields):
    return services.workshop_sign_up(
        workshop=workshop, idempotency_key=key or uuid.uuid4(), **fields
    )


def test_signing_up_counts_a_seat_and_a_double_submit_keeps_one(workshop):
    key = uuid.uuid4()
    first, created = sign(workshop, key, name="Kari", accessibility_needs="Rullestol")
    again, created_again = sign(workshop, key, name="Kari")
    assert created and not created_again and again.pk == first.pk
    workshop.refresh_from_db()
    assert workshop.signed_up == 1
    assert len(first.token) >= 40


def test_a_full_workshop_refuses_and_a_retry_of_a_seated_resident_still_gets_their_seat(
    workshop,
):
    key = uuid.uuid4()
    sign(workshop, key)
    sign(workshop)
    with pytest.raises(services.WorkshopError, match="full"):
        sign(workshop)
    assert sign(workshop, key)[1] is False


def test_cancel_frees_the_seat_once_and_check_in_counts_once(workshop):
    sign_up, _ = sign(workshop)
    services.sign_up_check_in(sign_up=sign_up, attended=True)
    services.sign_up_check_in(sign_up=sign_up, attended=True)
    workshop.refresh_from_db()
    assert workshop.attended == 1
    services.sign_up_cancel(sign_up=sign_up)
    services.sign_up_cancel(sign_up=sign_up)
    workshop.refresh_from_db()
    assert (workshop.signed_up, workshop.attended) == (0, 0)
    with pytest.raises(services.WorkshopError):
        services.sign_up_check_in(sign_up=sign_up, attended=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "x" * 121}, "at most 120"),
        ({"accessibility_needs": "y" * 1001}, "at most 1000"),
    ],
)
def test_too_long_sign_up_fields_are_refused(workshop, fields, message):
    with pytest.raises(services.WorkshopError, match=message):
        sign(workshop, **fields)
    assert not SignUp.objects.exists()


def test_markup_and_rtl_are_kept_as_text(workshop):
    sign_up, _ = sign(workshop, name="<script>alert(1)</script> مرحبا")
    assert sign_up.name == "<script>alert(1)</script> مرحبا"


def test_a_closed_or_past_workshop_takes_no_sign_ups(process):
    workshop = make_workshop(make_series(process), days=-1)
    with pytest.raises(services.WorkshopError, match="not taking"):
        sign(workshop)


def add(workshop, kind="need", text="Møteplasser", parent=None, key=None, staff=None):
    return services.board_add(
        workshop=workshop,
        idempotency_key=key or uuid.uuid4(),
        kind=kind,
        text=text,
        parent_pk=parent.pk if parent else None,
        by=staff,
    )


def test_the_board_links_needs_measures_and_solutions(workshop):
    need = add(workshop)
    measure = add(workshop, "measure", "Frivilligsentral", need)
    solution = add(workshop, "solution", "Bofellesskap", measure)
    board = selectors.board_of(workshop)
    assert [c.item for c in board.needs] == [need]
    assert [c.item for c in board.needs[0].children] == [measure]
    assert [c.item for c in board.needs[0].children[0].children] == [solution]
    with pytest.raises(services.WorkshopError):
        add(workshop, "solution", "Direkte", need)  # a solution hangs under a measure
    with pytest.raises(services.WorkshopError):
        add(workshop, "measure", "Uten behov")


def test_a_resent_add_is_applied_once(workshop):
    key = uuid.uuid4()
    assert add(workshop, key=key) is not None
    assert add(workshop, key=key) is None
    assert BoardItem.objects.count() == 1
    assert BoardChange.objects.filter(idempotency_key=key).count() == 1


def test_a_stale_edit_is_refused_and_a_resent_edit_is_a_no_op(workshop):
    item = add(workshop)
    key = uuid.uuid4()
    services.board_edit(
        workshop=workshop, idempotency_key=key, item_pk=item.pk, expected_version=1, text="Ny"
    )
    # The same POST again: no conflict, no second version.
    assert (
        services.board_edit(
            workshop=workshop, idempotency_key=key, item_pk=item.pk, expected_version=1, text="Ny"
        )
        is None
    )
    with pytest.raises(services.BoardConflict, match="now reads"):
        services.board_edit(
            workshop=workshop,
            idempotency_key=uuid.uuid4(),
            item_pk=item.pk,
            expected_version=1,
            text="Min",
        )
    item.refresh_from_db()
    assert (item.text, item.version) == ("Ny", 2)


def test_a_card_with_linked_cards_is_not_removed(workshop):
    need = add(workshop)
    add(workshop, "measure", "Tiltak", need)
    with pytest.raises(services.WorkshopError, match="linked"):
        services.board_remove(
            workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=need.pk, expected_version=1
        )


def test_dots_stop_at_the_series_budget_per_voter(process):
    workshop = make_workshop(make_series(process, dots_per_voter=2))
    need = add(workshop)
    for _ in range(2):
        services.dot_give(
            workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=need.pk, voter="Bord 1"
        )
    with pytest.raises(services.WorkshopError, match="all 2 dots"):
        services.dot_give(
            workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=need.pk, voter="Bord 1"
        )
    services.dot_give(
        workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=need.pk, voter="Bord 2"
    )
    services.dot_take_back(
        workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=need.pk, voter="Bord 1"
    )
    need.refresh_from_db()
    assert need.dots == 2
    key = uuid.uuid4()
    services.dot_give(workshop=workshop, idempotency_key=key, item_pk=need.pk, voter="Bord 1")
    assert (
        services.dot_give(workshop=workshop, idempotency_key=key, item_pk=need.pk, voter="Bord 1")
        is None
    )
    need.refresh_from_db()
    assert need.dots == 3


def test_board_texts_become_workshop_answers_once_and_follow_edits_and_removals(process, staff):
    consultation = open_consultation(process)
    workshop = make_workshop(make_series(process, consultation=consultation))
    need = add(workshop, text="Bedre kollektivtransport")
    other = add(workshop, text="Flere møteplasser")
    assert services.board_to_answers(workshop=workshop, by=staff) == 2
    assert services.board_to_answers(workshop=workshop, by=staff) == 2
    responses = Response.objects.filter(consultation=consultation, channel=Channel.WORKSHOP)
    assert responses.count() == 2
    services.board_edit(
        workshop=workshop,
        idempotency_key=uuid.uuid4(),
        item_pk=need.pk,
        expected_version=1,
        text="Buss hver time",
    )
    services.board_remove(
        workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=other.pk, expected_version=1
    )
    services.board_to_answers(workshop=workshop, by=staff)
    texts = set(
        Answer.objects.visible().filter(response__in=responses).values_list("text", flat=True)
    )
    assert texts == {"Buss hver time"}


def test_without_a_consultation_the_board_cannot_be_sent(workshop, staff):
    with pytest.raises(services.WorkshopError, match="consultation"):
        services.board_to_answers(workshop=workshop, by=staff)


def test_capacity_cannot_drop_below_the_signed_up(workshop):
    sign(workshop)
    sign(workshop)
    with pytest.raises(services.WorkshopError, match="2 people"):
        services.workshop_update(workshop=workshop, expected_version=1, capacity=1)
    assert Workshop.objects.get(pk=workshop.pk).capacity == 2


def test_the_demo_loads_jevnakers_three_evenings_twice_without_duplicates():
    from visionportal.demo import load_demo

    load_demo()
    load_demo()
    workshops = Workshop.objects.filter(series__process__municipality__slug="jevnaker")
    assert [w.attended for w in workshops] == [30, 27, 23]
    assert SignUp.objects.filter(workshop__in=workshops).count() == 80
    marked = BoardItem.objects.filter(for_decision_pack=True).values_list("text", flat=True)
    assert set(marked) == {"Boligfellesskap", "Informasjonskart for bedre inkludering"}
    assert Response.objects.filter(
        consultation__process__municipality__slug="jevnaker", channel=Channel.WORKSHOP
    ).count() == len(BoardItem.objects.filter(workshop__in=workshops))


def test_marked_solutions_join_the_decision_pack(process):
    from keywords.vision.contents import SECTIONS

    workshop = make_workshop(make_series(process))
    need = add(workshop, text="Ensomhet")
    measure = add(workshop, "measure", "Møteplasser", need)
    solution = add(workshop, "solution", "Bofellesskap", measure)
    add(workshop, "solution", "Ikke valgt", measure)
    section = next(s for s in SECTIONS if s.anchor == "workshops")

    class Source:
        class pack:  # noqa: N801 (stands in for the pack the section reads)
            pass

    Source.pack.process = process
    assert section.data(Source) is None
    services.board_mark(
        workshop=workshop, idempotency_key=uuid.uuid4(), item_pk=solution.pk, marked=True
    )
    rows = section.data(Source)["solutions"]
    assert [(r["text"], r["measure"], r["need"]) for r in rows] == [
        ("Bofellesskap", "Møteplasser", "Ensomhet")
    ]
