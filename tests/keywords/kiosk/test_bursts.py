"""The pure detection of implausible voting (keywords/sorting/bursts.py): exact findings."""

import datetime

from keywords.sorting.bursts import (
    Burst,
    IdenticalSequence,
    detect_bursts,
    detect_identical_sequences,
)

T0 = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)


def minute(n):
    return T0 + datetime.timedelta(minutes=n)


def test_minutes_at_or_under_the_limit_are_no_burst():
    rows = [("kiosk:1", minute(0), 100), ("kiosk:1", minute(1), 30), ("online", minute(0), 99)]
    assert detect_bursts(rows, limit=100) == []


def test_consecutive_minutes_over_the_limit_are_one_burst_with_totals():
    rows = [
        ("kiosk:1", minute(2), 150),
        ("kiosk:1", minute(0), 101),
        ("kiosk:1", minute(1), 400),
        ("kiosk:1", minute(3), 20),  # back to a person's pace: ends the run
    ]
    [burst] = detect_bursts(rows, limit=100)
    assert burst == Burst("kiosk:1", minute(0), minute(2), 651, 400)
    assert burst.minutes == 3
    assert burst.ends == minute(3)


def test_a_gap_splits_bursts_and_sources_are_kept_apart():
    rows = [
        ("kiosk:2", minute(0), 300),
        ("kiosk:2", minute(5), 200),
        ("online", minute(0), 500),
        ("kiosk:1", minute(1), 120),
    ]
    assert detect_bursts(rows, limit=100) == [
        Burst("kiosk:1", minute(1), minute(1), 120, 120),
        Burst("kiosk:2", minute(0), minute(0), 300, 300),
        Burst("kiosk:2", minute(5), minute(5), 200, 200),
        Burst("online", minute(0), minute(0), 500, 500),
    ]


def test_identical_sequences_need_enough_players_of_one_source_and_length():
    yes10 = (1,) * 10
    pattern = (1, -1) * 6
    sequences = {
        1: ("kiosk:1", yes10),
        2: ("kiosk:1", yes10),
        3: ("kiosk:1", yes10),
        4: ("kiosk:2", yes10),  # same answers, other kiosk: its own group of one
        5: ("online", pattern),
        6: ("online", pattern),
        7: ("online", (1,) * 9),  # too short to count
        8: ("online", (1,) * 9),
        9: ("online", (1,) * 9),
        10: ("online", pattern[:-1]),  # differs in length: not the same sequence
    }
    found = detect_identical_sequences(sequences, min_players=2, min_length=10)
    assert found == [
        IdenticalSequence("kiosk:1", yes10, (1, 2, 3)),
        IdenticalSequence("online", pattern, (5, 6)),
    ]
    assert detect_identical_sequences(sequences, min_players=4, min_length=10) == []
    assert detect_identical_sequences(sequences, min_players=3, min_length=9) == [
        IdenticalSequence("kiosk:1", yes10, (1, 2, 3)),
        IdenticalSequence("online", (1,) * 9, (7, 8, 9)),
    ]


def test_nothing_in_nothing_out():
    assert detect_bursts([], limit=1) == []
    assert detect_identical_sequences({}, min_players=1, min_length=0) == []
