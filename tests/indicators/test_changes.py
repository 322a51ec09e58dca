"""Exact oracles for "what changed since the last follow-up" (indicators.changes)."""

from indicators.changes import (
    ADDED,
    NEW_VALUE,
    REMOVED,
    REVISED,
    STATUS,
    VALUE_GONE,
    Change,
    Item,
    by_object,
    changes_between,
)


def area(pk, status, title="Område"):
    return Item("area", pk, title, status)


def goal(pk, status, title="Mål"):
    return Item("goal", pk, title, status)


def indicator(pk, status, values=(), title="Nyckeltal"):
    return Item("indicator", pk, title, status, tuple(values))


def test_nothing_changed_gives_no_change():
    side = [
        area(1, "mixed"),
        goal(2, "on_track"),
        indicator(3, "on_track", [(2022, "1", None, None)]),
    ]
    assert changes_between(side, list(side)) == []


def test_status_changes_of_every_level_in_the_current_order():
    before = [area(1, "mixed"), goal(2, "on_track"), indicator(3, "on_track")]
    after = [area(1, "on_track"), goal(2, "on_track", "Nytt namn"), indicator(3, "off_track")]
    assert changes_between(before, after) == [
        Change(STATUS, "area", 1, "Område", before="mixed", after="on_track"),
        Change(STATUS, "indicator", 3, "Nyckeltal", before="on_track", after="off_track"),
    ]


def test_a_new_year_a_revised_value_and_a_gone_value():
    before = [
        indicator(
            3,
            "mixed",
            [(2020, "70", "71", "69"), (2021, "80.1", "82", "78.3"), (2022, "81.5", None, None)],
        )
    ]
    after = [
        indicator(
            3,
            "mixed",
            [
                (2021, "80.10", "82", None),  # window moved past 2020; men's value withdrawn
                (2022, "81.7", None, None),  # revised
                (2023, "83", "84", "82"),  # new year
            ],
        )
    ]
    t = "Nyckeltal"
    assert changes_between(before, after) == [
        Change(VALUE_GONE, "indicator", 3, t, before="78.3", after=None, year=2021, series="men"),
        Change(REVISED, "indicator", 3, t, before="81.5", after="81.7", year=2022, series="total"),
        Change(NEW_VALUE, "indicator", 3, t, before=None, after="83", year=2023, series="total"),
        Change(NEW_VALUE, "indicator", 3, t, before=None, after="84", year=2023, series="women"),
        Change(NEW_VALUE, "indicator", 3, t, before=None, after="82", year=2023, series="men"),
    ]


def test_a_value_where_there_was_none_is_new():
    before = [indicator(3, "no_data", [(2022, None, None, None)])]
    after = [indicator(3, "on_track", [(2022, "5", None, None)])]
    assert changes_between(before, after) == [
        Change(STATUS, "indicator", 3, "Nyckeltal", before="no_data", after="on_track"),
        Change(NEW_VALUE, "indicator", 3, "Nyckeltal", after="5", year=2022, series="total"),
    ]


def test_added_and_removed_items_have_no_other_changes():
    before = [area(1, "mixed"), indicator(3, "on_track", [(2022, "1", None, None)])]
    after = [area(1, "mixed"), indicator(4, "off_track", [(2022, "9", None, None)])]
    assert changes_between(before, after) == [
        Change(ADDED, "indicator", 4, "Nyckeltal"),
        Change(REMOVED, "indicator", 3, "Nyckeltal"),
    ]


def test_levels_with_the_same_id_are_different_objects():
    before = [area(7, "mixed")]
    after = [goal(7, "mixed")]
    assert [c.kind for c in changes_between(before, after)] == [ADDED, REMOVED]


def test_an_indicator_without_values_now_reports_no_value_changes():
    before = [indicator(3, "mixed", [(2022, "1", None, None)])]
    after = [indicator(3, "mixed", [])]
    assert changes_between(before, after) == []


def test_short_value_rows_from_old_snapshots_are_padded():
    before = [indicator(3, "mixed", [(2022, "1")])]
    after = [indicator(3, "mixed", [(2022, "1", None, None)])]
    assert changes_between(before, after) == []


def test_changes_group_per_object_in_order():
    changes = changes_between(
        [area(1, "mixed"), indicator(3, "on_track", [(2022, "1", None, None)])],
        [area(1, "on_track"), indicator(3, "off_track", [(2022, "2", None, None)])],
    )
    grouped = by_object(changes)
    assert list(grouped) == [("area", 1), ("indicator", 3)]
    assert [c.kind for c in grouped[("indicator", 3)]] == [STATUS, REVISED]


def test_change_lines_show_two_decimals_unless_the_revision_is_smaller(settings):
    from django.utils import translation

    from indicators.templatetags.follow_up import change_text

    small = Change(REVISED, "indicator", 3, "N", before="78.26087", after="78.2612", year=2022)
    big = Change(REVISED, "indicator", 3, "N", before="78.26087", after="80.5", year=2022)
    gone = Change(VALUE_GONE, "indicator", 3, "N", before="7.5", year=2021, series="women")
    with translation.override("sv"):
        assert change_text(big) == "2022: reviderat från 78,26 till 80,50."
        assert change_text(small) == "2022: reviderat från 78,26087 till 78,2612."
        assert change_text(gone) == "2021, kvinnor: värdet 7,50 publiceras inte längre."
