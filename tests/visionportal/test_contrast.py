"""WCAG 2.1 contrast: exact oracles (hand-computed from the WCAG definitions)."""

import pytest

from visionportal.contrast import contrast_ratio, darken, parse_hex, relative_luminance


def test_black_and_white_are_the_extremes():
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#ffffff") == 1.0
    assert contrast_ratio("#000000", "#ffffff") == 21.0
    assert contrast_ratio("#ffffff", "#000000") == 21.0
    assert contrast_ratio("#777777", "#777777") == 1.0


def test_pure_primaries_weigh_by_the_wcag_coefficients():
    assert relative_luminance("#ff0000") == pytest.approx(0.2126, abs=1e-12)
    assert relative_luminance("#00ff00") == pytest.approx(0.7152, abs=1e-12)
    assert relative_luminance("#0000ff") == pytest.approx(0.0722, abs=1e-12)


def test_known_ratios():
    # #767676 is the lightest grey that passes 4.5:1 on white; #777777 just fails.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.5422, abs=1e-4)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.4781, abs=1e-4)
    # A low channel is linear (c / 12.92): #010101 -> L = (1/255)/12.92.
    assert relative_luminance("#010101") == pytest.approx((1 / 255) / 12.92, abs=1e-15)
    # Red on white: (1.05) / (0.2126 + 0.05).
    assert contrast_ratio("#ff0000", "#ffffff") == pytest.approx(1.05 / 0.2626, abs=1e-12)
    # Visionportal's own brand on white.
    assert contrast_ratio("#0b4f6c", "#ffffff") == pytest.approx(8.9393, abs=1e-4)


def test_only_six_digit_hex_is_a_colour():
    assert parse_hex("#0B4f6c") == (11, 79, 108)
    for bad in ["0b4f6c", "#fff", "#0b4f6cz", "red", "", "#0b4f6c; color: red"]:
        with pytest.raises(ValueError):
            parse_hex(bad)


def test_darkening_keeps_a_passing_colour_passing():
    assert darken("#0b4f6c", 0.7) == "#08374c"
    assert contrast_ratio(darken("#0b4f6c", 0.7), "#ffffff") > contrast_ratio("#0b4f6c", "#ffffff")
