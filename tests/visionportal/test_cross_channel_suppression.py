"""Small groups stay hidden across the dashboard's channel views: no hidden count can be
worked out as "all channels minus the other channels" (visionportal.population)."""

import itertools

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
