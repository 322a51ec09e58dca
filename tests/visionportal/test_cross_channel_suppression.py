"""Small groups stay hidden across the dashboard's channel views: no hidden count can be
worked out as "all channels minus the other channels" (visionportal.population)."""

import itertools
import random
from fractions import Fraction

import pytest

from visionportal.population import ALL_CHANNELS, suppressed_cells


def _views(**channels):
    groups = list(next(iter(channels.values())))
    every = {g: sum(counts[g] for counts in channels.values()) for g in groups}
    return {ALL_CHANNELS: every, **channels}


def test_the_docstring_example():
    views = _views(online={"a": 6, "b": 12}, interview={"a": 3, "b": 8})
    assert suppressed_cells(views) == {
        ALL_CHANNELS: set(),
        "online": {"a", "b"},
        "interview": {"a", "b"},
    }


def test_nothing_small_hides_nothing():
    views = _views(online={"a": 6, "b": 12}, interview={"a": 5, "b": 0})
    assert suppressed_cells(views) == {ALL_CHANNELS: set(), "online": set(), "interview": set()}


def test_a_group_hidden_in_one_channel_is_hidden_in_another_channel_too():
    """Target groups (not a partition): only the channels' sums link the counts."""
    views = _views(online={"student": 40}, interview={"student": 2}, exhibition={"student": 7})
    hidden = suppressed_cells(views, partition=False)
    assert hidden["interview"] == {"student"}
    assert hidden["exhibition"] == {"student"}  # 7 is the smallest other channel
    assert hidden["online"] == set()
    assert hidden[ALL_CHANNELS] == set()


def test_when_no_other_channel_can_hide_it_the_total_is_hidden():
    views = _views(online={"student": 3})
    hidden = suppressed_cells(views, partition=False)
    assert hidden == {ALL_CHANNELS: {"student"}, "online": {"student"}}


def test_two_small_hidden_channels_that_add_up_to_a_small_group_hide_a_third():
    views = _views(online={"a": 30}, interview={"a": 1}, workshop={"a": 2})
    hidden = suppressed_cells(views, partition=False)
    assert hidden["interview"] == {"a"} and hidden["workshop"] == {"a"}
    assert hidden["online"] == {"a"} or hidden[ALL_CHANNELS] == {"a"}


def _derivable(views, hidden, partition):
    """Cells an onlooker can work out from single-unknown sums, repeatedly."""
    known = {(v, g) for v, counts in views.items() for g in counts if g not in hidden[v]}
    sums = []
    channels = [v for v in views if v != ALL_CHANNELS]
    groups = list(views[ALL_CHANNELS])
    for group in groups:
        sums.append([(ALL_CHANNELS, group), *[(c, group) for c in channels]])
    if partition:
        # A view's total is shown (shares are of it): it is a known term of the sum.
        for view, counts in views.items():
            sums.append([(view, g) for g in counts])
    learned = set()
    progress = True
    while progress:
        progress = False
        for cells in sums:
            unknown = [c for c in cells if c not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                learned.add(unknown[0])
                progress = True
    return learned


@pytest.mark.parametrize("partition", [True, False])
def test_no_hidden_cell_can_be_worked_out_in_any_small_table(partition):
    """Every table of two channels by two groups with counts 0-6: whatever an onlooker
    solves from the sums, no small count becomes known."""
    for a1, a2, b1, b2 in itertools.product(range(7), repeat=4):
        views = _views(online={"a": a1, "b": b1}, interview={"a": a2, "b": b2})
        hidden = suppressed_cells(views, partition=partition)
        for view, counts in views.items():
            for group, count in counts.items():
                if 0 < count < 5:
                    assert group in hidden[view], (views, hidden)
        learned = _derivable(views, hidden, partition)
        leaked = [(v, g) for v, g in learned if 0 < views[v][g] < 5]
        assert not leaked, (views, hidden, leaked)


def test_combining_sums_across_views_reveals_no_single_respondent():
    """Found in review: one channel's total (given away by a count and its share), minus
    two groups' sums over the channels, gave a hidden group of 1."""
    views = _views(
        c0={"g0": 8, "g1": 5, "g2": 20, "g3": 20, "g4": 0},
        c1={"g0": 1, "g1": 0, "g2": 2, "g3": 2, "g4": 12},
        c2={"g0": 5, "g1": 12, "g2": 4, "g3": 4, "g4": 6},
        c3={"g0": 12, "g1": 4, "g2": 0, "g3": 0, "g4": 0},
    )
    hidden = suppressed_cells(views)
    assert not _solvable_small_cells(views, hidden, partition=True)


def _rank(rows):
    rows = [list(r) for r in rows]
    rank, cols = 0, len(rows[0]) if rows else 0
    for col in range(cols):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col]:
                f = Fraction(rows[r][col], rows[rank][col])
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def _solvable_small_cells(views, hidden, partition):
    """Small hidden counts an onlooker can solve for: e_j lies in the row space of the sums'
    coefficients exactly when adding it leaves the rank unchanged (independent of the
    elimination in visionportal.population)."""
    unknowns = [(v, g) for v, counts in views.items() for g in counts if g in hidden[v]]
    if not unknowns:
        return []
    channels = [v for v in views if v != ALL_CHANNELS]
    sums = [[(ALL_CHANNELS, g), *[(c, g) for c in channels]] for g in views[ALL_CHANNELS]]
    signs = [[1] + [-1] * len(channels) for _ in views[ALL_CHANNELS]]
    if partition:
        for view, counts in views.items():
            sums.append([(view, g) for g in counts])
            signs.append([1] * len(counts))
    matrix = []
    for cells, sign in zip(sums, signs, strict=True):
        row = [0] * len(unknowns)
        for cell, s in zip(cells, sign, strict=True):
            if cell in unknowns:
                row[unknowns.index(cell)] += s
        if any(row):
            matrix.append(row)
    base = _rank(matrix)
    found = []
    for j, (view, group) in enumerate(unknowns):
        unit = [1 if i == j else 0 for i in range(len(unknowns))]
        if _rank([*matrix, unit]) == base and 0 < views[view][group] < 5:
            found.append((view, group))
    return found


@pytest.mark.parametrize("partition", [True, False])
def test_no_small_count_can_be_solved_for_in_random_tables(partition):
    rng = random.Random(2035)
    for _ in range(150):
        channels = {
            f"c{k}": {f"g{g}": rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 12, 20]) for g in range(5)}
            for k in range(4)
        }
        views = _views(**channels)
        hidden = suppressed_cells(views, partition=partition)
        assert not _solvable_small_cells(views, hidden, partition), views
