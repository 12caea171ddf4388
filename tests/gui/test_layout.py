"""The window's layout at the sizes people use (#14, item 16): nothing cut or overlapped.

Geometry, not pixels: each test resizes the real window, lets Qt lay it out and checks
where the widgets ended up. They run offscreen and, with ``QT_QPA_PLATFORM=xcb`` under
Xvfb, in a real X server (whose fonts and window sizes can differ).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionButton, QWidget
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from search.api import default_archive_path

SIZES = [(1280, 720), (1400, 900), (1920, 1080)]


@pytest.fixture
def sample(make_window: Callable[..., MainWindow]) -> MainWindow:
    """The window on the bundled sample, as a first start shows it (its lists are fuller
    than the tiny test archive's)."""
    return make_window(default_archive_path())


def _sized(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    """``window`` at ``width`` x ``height``, laid out (also where the screen is smaller: the
    offscreen screen is 800x800 and X without a window manager lets a window be larger)."""
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    QApplication.processEvents()  # the layouts' own posted requests


def _full_lists(window: MainWindow) -> None:
    """Every facet list as long as it gets, with its search-within box (a big archive)."""
    many = {f"Name {i}": 100 - i for i in range(40)}
    codes = ["VN", "KZ", "RU", "US", "CN", "FR", "DE", "GB", "JP", "KR", "IN", "BR"]
    window.sidebar.countries.set_counts(dict.fromkeys(codes, 5), ())
    window.sidebar.people.set_counts(many, ())
    window.sidebar.orgs.set_counts(many, ())


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_legend_is_one_line_with_every_type_in_view(
    qtbot: QtBot, sample: MainWindow, width: int, height: int
) -> None:
    window = sample
    _sized(qtbot, window, width, height)
    reader = window.reader
    window.set_query("Vietnam")  # the hits' key shows too
    qtbot.waitUntil(window.is_idle)
    keys = list(reader._checks.values())
    assert [box.text() for box in keys[:2]] == ["People", "Organisations"]
    for key in [*keys, reader._hits_key]:
        assert key.isVisible()
        place = _rect_in(key, reader)
        assert reader.rect().contains(place), f"{key.text()} at {place} outside {reader.rect()}"
        assert key.width() >= key.sizeHint().width(), f"{key.text()} squeezed"
    assert len({key.mapTo(reader, QPoint(0, 0)).y() for key in keys}) == 1, "the legend wraps"
    legend = keys[0].parentWidget()
    tallest = max(key.height() for key in keys)
    assert legend.height() <= tallest + 8, "the legend takes more than one line"


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_history_button_has_room_for_its_arrow_beside_its_text(
    qtbot: QtBot, sample: MainWindow, width: int, height: int
) -> None:
    window = sample
    _sized(qtbot, window, width, height)
    button = window.history_button
    style = button.style()
    option = QStyleOptionButton()
    option.initFrom(button)
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, button)
    text = button.fontMetrics().horizontalAdvance(button.text())
    assert button.menu() is window.history_menu
    assert button.width() >= text + arrow + 8, (button.width(), text, arrow)


@pytest.mark.parametrize(("width", "height"), [(1400, 900), (1920, 1080)])
def test_the_saved_searches_hint_is_whole_in_view_without_scrolling(
    qtbot: QtBot, sample: MainWindow, width: int, height: int
) -> None:
    window = sample
    _full_lists(window)
    _sized(qtbot, window, width, height)
    hint = window.sidebar.saved_hint
    assert hint.isVisible()
    viewport = window.sidebar.viewport()
    place = _rect_in(hint, viewport)
    assert viewport.rect().contains(place), f"hint at {place}, sidebar shows {viewport.rect()}"
    assert hint.height() >= hint.heightForWidth(hint.width())  # no line of it cut off


def test_the_saved_searches_hint_is_whole_once_scrolled_to_at_1280x720(
    qtbot: QtBot, sample: MainWindow
) -> None:
    window = sample
    _full_lists(window)
    _sized(qtbot, window, 1280, 720)
    hint = window.sidebar.saved_hint
    window.sidebar.ensureWidgetVisible(hint, 0, 0)
    viewport = window.sidebar.viewport()
    qtbot.waitUntil(lambda: viewport.rect().contains(_rect_in(hint, viewport)))
    assert hint.height() >= hint.heightForWidth(hint.width())
    assert hint.text().rstrip().endswith(".")  # a whole sentence, and a short one
    assert len(hint.text()) <= 45
