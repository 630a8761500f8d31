"""WCAG 2.x contrast of the HTML report's colours, computed from its CSS.

Relative luminance and contrast ratio as defined in WCAG 2.2 ("relative luminance",
"contrast ratio"; sRGB channel linearisation with the 0.04045 threshold of IEC
61966-2-1). AA asks 4.5:1 for normal text (the badges are 12 px bold, which is not
"large text") and 3:1 for focus indicators and other non-text parts.
"""

from __future__ import annotations

import re

from osaudit.report.html import COLOURS, CSS

AA_TEXT = 4.5
AA_NON_TEXT = 3.0


def parse_colour(value: str) -> tuple[int, int, int]:
    """``#rgb`` or ``#rrggbb`` -> (r, g, b) in 0..255."""
    v = value.strip().lstrip("#")
    if len(v) == 3:
        v = "".join(c * 2 for c in v)
    assert re.fullmatch(r"[0-9a-fA-F]{6}", v), value
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), lighter over darker: 1..21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rule(selector: str) -> str:
    """The declarations of the first CSS rule for exactly ``selector`` (screen styles)."""
    m = re.search(r"(?:^|[}\n])" + re.escape(selector) + r"\{([^}]*)\}", CSS)
    assert m, selector
    return m.group(1)


def _prop(selector: str, prop: str) -> str:
    m = re.search(r"(?:^|;)" + re.escape(prop) + r":([^;]+)", _rule(selector))
    assert m, (selector, prop)
    return m.group(1).strip()


def _var(name: str) -> str:
    m = re.search(re.escape(name) + r":(#[0-9a-fA-F]{3,6})", _rule(":root"))
    assert m, name
    return m.group(1)


def test_formula_reproduces_the_measured_old_badge_contrasts():
    """The colours before the fix measured 3.0, 3.2, 3.7 and 3.9 : 1 against white text."""
    white = parse_colour("#fff")
    old = {"medium": "#c58a00", "low": "#7a9a2e", "unknown": "#7b8794", "high": "#d2601a"}
    got = {lv: round(contrast(parse_colour(c), white), 1) for lv, c in old.items()}
    assert got == {"medium": 3.0, "low": 3.2, "unknown": 3.7, "high": 3.9}
    assert round(contrast(parse_colour("#000"), white), 2) == 21.0


def test_every_level_badge_meets_aa_in_the_css():
    text = parse_colour(_prop(".badge", "color"))
    assert _prop(".badge", "background") == "var(--b)"
    for level, colour in COLOURS.items():
        declared = re.search(r"\.l-" + level + r"\{--b:(#[0-9a-fA-F]{6})\}", CSS)
        assert declared and declared.group(1) == colour, level
        ratio = contrast(parse_colour(colour), text)
        assert ratio >= AA_TEXT, f"{level}: {ratio:.2f}:1"


def test_verdict_colours_and_text_meet_aa():
    for verdict in ("pass", "justify", "fail", "unknown"):
        m = re.search(r"\.v-" + verdict + r"\{--v:(#[0-9a-fA-F]{6})\}", CSS)
        assert m, verdict
        # the verdict bar is a non-text part against the white card
        assert contrast(parse_colour(m.group(1)), parse_colour("#fff")) >= AA_NON_TEXT
    card, page = parse_colour(_var("--card")), parse_colour(_var("--bg"))
    for name in ("--fg", "--muted", "--accent"):
        for bg in (card, page, parse_colour("#eef2f7"), parse_colour("#e4ebf3")):
            assert contrast(parse_colour(_var(name)), bg) >= AA_TEXT, (name, bg)
    # white header text on the accent colour
    assert contrast(parse_colour("#fff"), parse_colour(_var("--accent"))) >= AA_TEXT


def test_focus_is_visible_and_not_unset():
    """``all:unset`` on the sort buttons removed their focus ring; a 3 px outline replaces it."""
    assert "all:unset" not in CSS
    focus = _rule(":focus-visible")
    m = re.search(r"outline:(\d+)px solid (#[0-9a-fA-F]{6})", focus)
    assert m and int(m.group(1)) >= 2
    for bg in (_var("--card"), "#eef2f7", "#e4ebf3", _var("--bg")):
        assert contrast(parse_colour(m.group(2)), parse_colour(bg)) >= AA_NON_TEXT
