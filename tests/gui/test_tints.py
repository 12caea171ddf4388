"""Entity tints: readable (WCAG AA) and told apart also by colour-blind readers.

Contrast is WCAG 2.x: relative luminance of linearised sRGB, (L1 + 0.05) / (L2 + 0.05).
Colour blindness is simulated with the Machado, Oliveira & Fernandes (2009) matrices at
severity 1.0, applied to linear RGB; distance is CIE76 ΔE in CIELAB (D65).
"""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QPalette

from gui.markup import entity_colour, hit_colours
from gui.theme import dark_palette, light_palette
from search.model import ENTITY_TYPES

Matrix = tuple[tuple[float, float, float], ...]
Rgb = tuple[float, float, float]

SIMULATIONS: dict[str, Matrix] = {
    "normal vision": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
MIN_CONTRAST = 4.5
MIN_DELTA_E = 10.0


def linear(hex_colour: str) -> Rgb:
    h = hex_colour.lstrip("#")
    out = []
    for i in (0, 2, 4):
        c = int(h[i : i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return out[0], out[1], out[2]


def luminance(hex_colour: str) -> float:
    r, g, b = linear(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def simulate(rgb: Rgb, matrix: Matrix) -> Rgb:
    r, g, b = (
        min(1.0, max(0.0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2])) for row in matrix
    )
    return r, g, b


def lab(rgb: Rgb) -> Rgb:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: Rgb, b: Rgb) -> float:
    return float(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5)


def text_colour(dark: bool) -> str:
    palette = dark_palette() if dark else light_palette()
    return palette.color(QPalette.ColorRole.Text).name()


def swatches(dark: bool) -> dict[str, str]:
    tints = {kind: entity_colour(kind, dark) for kind in ENTITY_TYPES}
    tints["hit"] = hit_colours(dark)[0]
    return tints


def page(dark: bool) -> str:
    palette = dark_palette() if dark else light_palette()
    return palette.color(QPalette.ColorRole.Base).name()


def test_the_contrast_formula_is_the_wcag_one() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_body_text_on_every_tint_meets_wcag_aa(dark: bool) -> None:
    text = text_colour(dark)
    low = {kind: round(contrast(text, tint), 2) for kind, tint in swatches(dark).items()}
    hit_bg, hit_fg = hit_colours(dark)
    low["hit"] = round(contrast(hit_fg, hit_bg), 2)
    assert all(value >= MIN_CONTRAST for value in low.values()), low


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("vision", list(SIMULATIONS))
def test_tints_stay_apart_and_off_the_page_under_colour_blindness(dark: bool, vision: str) -> None:
    seen = {
        kind: lab(simulate(linear(tint), SIMULATIONS[vision]))
        for kind, tint in {**swatches(dark), "page": page(dark)}.items()
    }
    close = {
        f"{a}/{b}": round(delta_e(seen[a], seen[b]), 1)
        for a, b in itertools.combinations(seen, 2)
        if delta_e(seen[a], seen[b]) < MIN_DELTA_E
    }
    assert not close, f"too alike for {vision}: {close}"
