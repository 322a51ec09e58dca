"""Population margins: parsing (the real SCB file's format and the simple one), re-binning
into our age bands, and representation gaps with small groups suppressed. Exact oracles."""

from decimal import Decimal
from pathlib import Path

import pytest

from visionportal.population import (
    MarginsError,
    parse_band,
    parse_margins,
    rebin_ages,
    representation_gaps,
    respondent_shares,
    suppressed_groups,
)

FIXTURE = Path(__file__).parents[2] / "visionportal/fixtures/population-norrkoping-2022-age.csv"

# Worked by hand from the file (see the rule in visionportal.population):
# 0-17 (31,068) splits 16/18 and 2/18; 75+ (14,195) counts as 75-84 and splits 5/10, 5/10,
# the half person going to the younger band (largest remainder, tie to the younger band).
NORRKOPING_2022 = {
    "0-15": 27616,
    "16-24": 3452 + 12069,
    "25-44": 20781 + 18166,
    "45-64": 17747 + 17051,
    "65-79": 14043 + 7098,
    "80+": 7097,
}


def test_the_real_norrkoping_file_is_rebinned_into_our_bands():
    margins = parse_margins(FIXTURE.read_bytes())
    assert margins == {"age_band": NORRKOPING_2022}
    assert sum(margins["age_band"].values()) == 145_120


def test_the_repository_copy_equals_the_shared_file_when_present():
    shared = Path(__file__).parents[3] / "shared/data/population-norrkoping-2022-age.csv"
    if not shared.exists():
        pytest.skip("shared data not present")
    assert shared.read_bytes() == FIXTURE.read_bytes()


def test_simple_format_with_both_dimensions_bom_and_semicolons():
    text = (
        "\ufeffdimension;group;population\nage_band;25-44;100\narea;Inre staden;30\narea;Eneby;20\n"
    )
    margins = parse_margins(text.encode())
    assert margins["area"] == {"Inre staden": 30, "Eneby": 20}
    assert margins["age_band"] == {
        "0-15": 0,
        "16-24": 0,
        "25-44": 100,
        "45-64": 0,
        "65-79": 0,
        "80+": 0,
    }


def test_our_own_bands_pass_through_unchanged():
    rows = "\n".join(f"age_band,{band},{n}" for band, n in NORRKOPING_2022.items())
    assert parse_margins("dimension,group,population\n" + rows) == {"age_band": NORRKOPING_2022}


def test_single_years_and_five_year_bands_aggregate():
    single = [((age, age), 10) for age in range(0, 100)]
    assert rebin_ages(single) == {
        "0-15": 160,
        "16-24": 90,
        "25-44": 200,
        "45-64": 200,
        "65-79": 150,
        "80+": 200,
    }
    five = [((start, start + 4), 5) for start in range(0, 95, 5)] + [((95, None), 7)]
    result = rebin_ages(five)
    # 15-19 crosses 15/16: one year of five to 0-15, four to 16-24.
    assert result["0-15"] == 15 + 1
    assert result["16-24"] == 4 + 5
    assert result["80+"] == 15 + 7
    assert sum(result.values()) == 19 * 5 + 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [("17", (17, 17)), ("25-34", (25, 34)), ("25–34", (25, 34)), ("75+", (75, None))],
)
def test_band_notation(text, expected):
    assert parse_band(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "34-25", "-5", "130", "5-200", "75 +x"])
def test_bad_band_notation(text):
    assert parse_band(text) is None


def _errors(data):
    with pytest.raises(MarginsError) as caught:
        parse_margins(data)
    return [(error.row, error.message) for error in caught.value.errors]


def test_malformed_rows_are_all_listed_with_their_row_numbers():
    data = (
        "dimension,group,population\n"
        "age_band,25-44,100\n"
        "age_band,twenty,5\n"
        "area,,5\n"
        "planet,Mars,1\n"
        "area,Eneby,-3\n"
        "area,Eneby,1.5\n"
        "area,Eneby\n"
        "area,Ljura,4\n"
        "area,LJURA,4\n"
    )
    rows = [row for row, _message in _errors(data)]
    assert rows == [3, 4, 5, 6, 7, 8, 10]


def test_overlapping_age_bands_are_refused():
    errors = _errors("group,band,population\nage,0-17,10\nage,15-24,10\n")
    assert errors[0][0] == 3
    assert "overlaps" in errors[0][1]


@pytest.mark.parametrize(
    "data",
    [b"", b"\n", b"name,count\nx,1\n", "a,b,c".encode("utf-16"), b"dimension,group,population\n"],
)
def test_files_that_are_not_margins(data):
    assert _errors(data)


def test_huge_files_and_huge_groups_are_refused():
    assert _errors(b"dimension,group,population\n" + b"area,x,1\n" * 200_000)
    many = "dimension,group,population\n" + "".join(f"area,a{i},1\n" for i in range(3000))
    assert _errors(many)
    assert _errors(f"dimension,group,population\narea,{'x' * 121},1\n")
    assert _errors("dimension,group,population\narea,x,999999999999\n")


# --- representation gaps -------------------------------------------------------------


def test_gaps_exact_oracle_biggest_under_representation_first():
    population = {"young": 300, "middle": 500, "old": 200}
    respondents = {"young": 10, "middle": 60, "old": 30}
    rows = representation_gaps(respondents, population)
    # Equal gaps keep the order of the population figures.
    assert [
        (r.group, r.respondents, r.respondent_share, r.population_share, r.gap) for r in rows
    ] == [
        ("young", 10, Decimal("10.0"), Decimal("30.0"), Decimal("-20.0")),
        ("middle", 60, Decimal("60.0"), Decimal("50.0"), Decimal("10.0")),
        ("old", 30, Decimal("30.0"), Decimal("20.0"), Decimal("10.0")),
    ]


def test_gaps_on_norrkoping_with_rounding():
    respondents = {"0-15": 0, "16-24": 20, "25-44": 10, "45-64": 3, "65-79": 7, "80+": 6}
    rows = representation_gaps(respondents, NORRKOPING_2022)
    assert [
        (r.group, r.respondents, r.respondent_share, r.population_share, r.gap) for r in rows
    ] == [
        # 45-64 has 3; alone hidden, 46 (from 10 / 21.7 %) minus the rest would give it
        # away, so the next smallest, 80+ (6), is hidden too.
        ("45-64", None, None, Decimal("24.0"), None),
        ("80+", None, None, Decimal("4.9"), None),
        ("0-15", 0, Decimal("0.0"), Decimal("19.0"), Decimal("-19.0")),
        ("25-44", 10, Decimal("21.7"), Decimal("26.8"), Decimal("-5.1")),
        ("65-79", 7, Decimal("15.2"), Decimal("14.6"), Decimal("0.6")),
        ("16-24", 20, Decimal("43.5"), Decimal("10.7"), Decimal("32.8")),
    ]


@pytest.mark.parametrize(("count", "suppressed"), [(0, False), (1, True), (4, True), (5, False)])
def test_groups_below_the_threshold_are_suppressed(count, suppressed):
    rows = representation_gaps({"a": count, "b": 50, "c": 60}, {"a": 1, "b": 1, "c": 1})
    row = next(r for r in rows if r.group == "a")
    assert row.suppressed is suppressed
    if suppressed:
        assert (row.respondents, row.respondent_share, row.gap) == (None, None, None)
        assert rows[0].group == "a"
    else:
        assert row.respondents == count


def test_threshold_is_configurable_and_unknown_groups_are_left_out():
    rows = representation_gaps(
        {"a": 9, "b": 10, "c": 30, "undisclosed": 100}, {"a": 1, "b": 3, "c": 1}, 10
    )
    # a (9) is below 10; alone it could be derived, so b (10), the next smallest, goes too.
    assert [(r.group, r.suppressed, r.respondents) for r in rows] == [
        ("b", True, None),
        ("a", True, None),
        ("c", False, 30),
    ]
    assert rows[2].respondent_share == Decimal("61.2")  # 30 / 49, "undisclosed" not counted


def test_no_respondents_and_no_population():
    rows = representation_gaps({}, {"a": 1, "b": 1})
    assert [r.gap for r in rows] == [Decimal("-50.0"), Decimal("-50.0")]
    assert representation_gaps({"a": 3}, {}) == []


# --- secondary suppression: exact oracles ------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"a": 3, "b": 10, "c": 20}, {"a", "b"}),  # one hidden: hide the next smallest too
        ({"a": 1, "b": 2, "c": 30}, {"a", "b", "c"}),  # 1 + 2 < 5: hide more
        ({"a": 2, "b": 4, "c": 30}, {"a", "b"}),  # two hidden summing to 6: enough
        ({"a": 3, "b": 0, "c": 0}, {"a", "b", "c"}),  # only zeros left: hide the table
        ({"a": 0, "b": 7, "c": 9}, set()),  # nothing small
        ({"a": 4, "b": 0, "c": 8, "d": 8}, {"a", "c"}),  # zeros do not protect; tie: first
        ({"a": 4}, {"a"}),  # a table of one group
        ({"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 50}, {"a", "b", "c", "d", "e"}),
        ({}, set()),
    ],
)
def test_secondary_suppression_oracle(counts, hidden):
    assert suppressed_groups(counts, 5) == hidden


def _derivable(counts, hidden, k=5):
    """What an attacker learns from the shown cells and the table's total (always
    derivable from a shown count and its share): the hidden cells' sum."""
    if not hidden:
        return True
    return len(hidden) >= 2 and sum(counts[g] for g in hidden) >= k or len(hidden) == len(counts)


def test_no_small_cell_can_be_derived_from_the_total_in_any_small_table():
    import itertools

    values = [0, 1, 2, 3, 4, 5, 6, 9]
    for size in (1, 2, 3, 4):
        for combo in itertools.product(values, repeat=size):
            counts = {f"g{i}": n for i, n in enumerate(combo)}
            hidden = suppressed_groups(counts, 5)
            assert {g for g, n in counts.items() if 0 < n < 5} <= hidden, counts
            assert _derivable(counts, hidden), counts


def test_gaps_hide_the_same_groups_whatever_the_share_rounding():
    rows = representation_gaps({"a": 3, "b": 10, "c": 20}, {"a": 10, "b": 10, "c": 10})
    assert [(r.group, r.suppressed) for r in rows] == [
        ("a", True),
        ("b", True),
        ("c", False),
    ]
    shown = rows[2]
    assert (shown.respondents, shown.respondent_share) == (20, Decimal("60.6"))


def test_counts_without_population_partition_exact_oracle():
    rows = respondent_shares({"Hageby": 3, "Eneby": 12, "Krokek": 0, "Ljura": 25})
    assert [(r.group, r.suppressed, r.respondents, r.share) for r in rows] == [
        ("Hageby", True, None, None),
        ("Eneby", True, None, None),
        ("Krokek", False, 0, Decimal("0.0")),
        ("Ljura", False, 25, Decimal("62.5")),
    ]


def test_target_groups_are_not_a_partition_so_only_small_groups_are_hidden():
    rows = respondent_shares(
        {"student": 3, "older": 12, "young": 0, "working": 25}, total=30, partition=False
    )
    assert [(r.group, r.suppressed, r.respondents, r.share) for r in rows] == [
        ("student", True, None, None),
        ("young", False, 0, Decimal("0.0")),
        ("older", False, 12, Decimal("40.0")),
        ("working", False, 25, Decimal("83.3")),
    ]
