"""WCAG 2.1 contrast, pure (no ORM): relative luminance and contrast ratio of sRGB colours.

Formulas from WCAG 2.1's definitions of "relative luminance" and "contrast ratio". The
threshold for linearising a channel is 0.04045 (the sRGB standard's value; WCAG 2.1 quotes
0.03928, which gives the same result for every 8-bit channel value).
"""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# WCAG 2.1 AA for normal text (1.4.3).
AA_TEXT = 4.5


def parse_hex(colour: str) -> tuple[int, int, int]:
    """'#0b4f6c' -> (11, 79, 108). Only the six-digit form: what a colour input sends."""
    if not HEX_COLOUR.match(colour or ""):
        raise ValueError(f"Not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = parse_hex(colour)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(a: str, b: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1.0 (same) to 21.0 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def darken(colour: str, factor: float) -> str:
    """Each channel scaled by `factor` (0..1): a darker shade for hover states. Darkening
    never lowers the contrast against white, so a colour that passes keeps passing."""
    r, g, b = parse_hex(colour)
    return "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (r, g, b)))
