"""The main window on a real (tiny) archive: search, filters, reader, keyboard, live updates."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox, QTextBrowser
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.markup import entity_colour
from gui.sidebar import FacetRole
from gui.state import SearchState
from search.model import SearchRequest, SearchResult, Sort

from .conftest import wait_idle


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_query(text)
    wait_idle(qtbot, window)


def show(qtbot: QtBot, window: MainWindow, article_id: str) -> None:
    """Select ``article_id`` in the list and wait until the reader shows it."""
    row = window.model.row_of(article_id)
    assert row >= 0, article_id
    window.list_view.setCurrentIndex(window.model.index(row, 0))
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == article_id,
        timeout=10_000,
    )
    wait_idle(qtbot, window)


def test_opening_shows_all_articles_and_the_first_one(window: MainWindow) -> None:
    assert window.model.rowCount() == 4
    assert window.count_label.text() == "4 articles"
    assert window.reader.article is not None
    assert "archive" in window.session.archive_label.text()
    assert "4 articles" in window.session.archive_label.text()


def test_typing_a_query_updates_the_list_and_count(qtbot: QtBot, window: MainWindow) -> None:
    window.search_field.setFocus()
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.keyClicks(window.search_field, "Kazakhstan")
    wait_idle(qtbot, window)
    assert window.model.total == 2
    assert window.count_label.text() == "2 of 4 articles"
    ids = {window.model.hit(r).id for r in range(window.model.rowCount())}  # type: ignore[union-attr]
    assert ids == {"kz-trade.txt", "undated.txt"}
    # Rows come without snippets; the rows drawn get theirs, with the query marked.
    qtbot.waitUntil(lambda: all(h.snippet for h in window.model.hits), timeout=10_000)
    hit = window.model.hits[0]
    assert {hit.snippet[s:e].lower() for s, e in hit.snippet_marks} == {"kazakhstan"}
    wait_idle(qtbot, window)


def test_keys_typed_during_a_search_are_merged_into_the_next(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = window.archive
    assert archive is not None
    gate = threading.Event()
    search = archive.search

    def slow_search(request: SearchRequest, **kwargs: Any) -> SearchResult:
        gate.wait(5)
        return search(request, **kwargs)

    monkeypatch.setattr(archive, "search", slow_search)
    received: list[SearchResult] = []
    window.search_applied.connect(received.append)
    qtbot.keyClick(window.search_field, "H")
    qtbot.waitUntil(lambda: window.searcher.searching, timeout=5000)
    qtbot.keyClicks(window.search_field, "anoi")  # typed while "H" is searched
    assert not window.is_idle()
    gate.set()
    qtbot.waitUntil(lambda: len(received) == 2, timeout=10_000)
    wait_idle(qtbot, window)
    # The first key's result shows, then one search for everything typed since
    # (the word being typed searched as a prefix too, from its third letter on).
    assert [r.request.text for r in received] == ["H", "(Hanoi* OR Hanoi)"]
    assert window.model.total == search(SearchRequest(text="Hanoi")).total > 0


def test_country_filter_and_date_range_narrow_the_list(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "cooperation")
    assert window.model.total == 4
    countries = {i.key: i.count for i in window.sidebar.countries.model.items()}
    assert countries["KZ"] == 2 and countries["RU"] == 1

    # Click "Russia" in the country list.
    view = window.sidebar.countries.view
    row = next(
        r
        for r in range(view.model().rowCount())
        if view.model().index(r, 0).data(FacetRole.KEY) == "RU"
    )
    rect = view.visualRect(view.model().index(row, 0))
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_idle(qtbot, window)
    assert window.state.countries == ("RU",)
    assert window.model.total == 1
    assert window.model.hit(0).id == "ru-talks.txt"  # type: ignore[union-attr]
    # Other countries keep their counts (multi-select), Russia stays visible and checked.
    items = {i.key: i for i in window.sidebar.countries.model.items()}
    assert items["RU"].selected and items["KZ"].count == 2
    # People follow the current hits only.
    people = {i.key for i in window.sidebar.people.model.items()}
    assert not any("Tokayev" in p for p in people)

    # A date range on top: January 2025 has no Russian article.
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_state(window.state.with_dates(date(2025, 1, 1), date(2025, 1, 31)))
    wait_idle(qtbot, window)
    assert window.model.total == 0
    assert window.empty_label.isVisible()
    assert "filter" in window.empty_label.text()

    # Clear all filters: back to everything the query matches.
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.sidebar.clear_button.click()
    wait_idle(qtbot, window)
    assert window.model.total == 4


def test_timeline_click_and_date_fields_set_the_range(qtbot: QtBot, window: MainWindow) -> None:
    timeline = window.sidebar.dates.timeline
    assert timeline.months == ["2025-01", "2025-02", "2025-03"]
    assert timeline.undated == 1
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=timeline.bar_center(1))
    wait_idle(qtbot, window)
    assert (window.state.date_from, window.state.date_to) == (date(2025, 2, 1), date(2025, 2, 28))
    assert window.model.total == 2  # February plus the undated one
    # The timeline still shows every month, so the range can be moved.
    assert timeline.months == ["2025-01", "2025-02", "2025-03"]
    assert timeline.counts["2025-01"] == 1 and timeline.counts["2025-03"] == 1
    assert window.sidebar.dates.from_edit.text() == "2025-02-01"

    undated = window.sidebar.dates.undated
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        undated.setChecked(False)
    wait_idle(qtbot, window)
    assert window.model.total == 1

    fields = window.sidebar.dates
    fields.from_edit.setText("2025-01")
    fields.to_edit.setText("2025-03")
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        fields.to_edit.editingFinished.emit()
    wait_idle(qtbot, window)
    assert window.state.date_to == date(2025, 3, 31)
    assert window.model.total == 3

    fields.from_edit.setText("March")
    fields.from_edit.editingFinished.emit()
    assert not fields.error.isHidden()
    assert "not a date" in fields.error.text()


def test_selecting_a_row_shows_the_article_with_entities_and_hits(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "Kazakhstan trade")
    show(qtbot, window, "kz-trade.txt")
    article = window.reader.article
    assert article is not None and article.id == "kz-trade.txt"
    html = window.reader.html()
    kinds = {e.type for e in article.entities}
    assert "COUNTRY" in kinds
    for kind in kinds:
        assert entity_colour(kind, dark=False) in html, kind
    assert 'title="Country: Kazakhstan (KZ)"' in html
    assert window.reader.hit_count >= 2  # Kazakhstan, trade
    assert "font-weight:bold" in html
    assert window.reader.hit_label.text().startswith("Hit 1 of")
    # F3 steps to the next hit.
    window.reader.browser.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.reader.current_hit == 1


def test_clicking_an_entity_filters_and_alt_click_excludes(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    show(qtbot, window, "kz-trade.txt")
    article = window.reader.article
    assert article is not None
    index = next(
        i for i, e in enumerate(article.entities) if e.type == "COUNTRY" and e.norm == "VN"
    )
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.reader.browser.anchorClicked.emit(QUrl(f"entity:{index}"))
    wait_idle(qtbot, window)
    assert window.state.countries == ("VN",)
    assert window.reader.selected_entity == ("COUNTRY", "VN")
    mentions = [e for e in article.entities if (e.type, e.norm) == ("COUNTRY", "VN")]
    before = window.reader.mention_index
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert window.reader.mention_index == (before + 1) % len(mentions)

    # Alt+click on a Kazakhstan mention excludes it.
    kz = next(i for i, e in enumerate(article.entities) if e.norm == "KZ")
    monkeypatch.setattr(
        QApplication, "keyboardModifiers", staticmethod(lambda: Qt.KeyboardModifier.AltModifier)
    )
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.reader.browser.anchorClicked.emit(QUrl(f"entity:{kz}"))
    wait_idle(qtbot, window)
    assert window.state.exclude_countries == ("KZ",)
    assert window.state.countries == ("VN",)
    assert window.model.total == 2  # Vietnam articles not about Kazakhstan
    chips = [c.text() for c in window.chips.findChildren(type(window.help_button))]
    assert any("not Kazakhstan" in c for c in chips)


def test_hovering_an_entity_says_what_it_is(qtbot: QtBot, window: MainWindow) -> None:
    show(qtbot, window, "ru-talks.txt")
    article = window.reader.article
    assert article is not None
    ru = next(i for i, e in enumerate(article.entities) if e.norm == "RU")
    window.reader.browser.highlighted.emit(QUrl(f"entity:{ru}"))
    assert window.statusBar().currentMessage().startswith("Country: Russia (RU)")
    person = next(i for i, e in enumerate(article.entities) if e.type == "PERSON")
    window.reader.browser.highlighted.emit(QUrl(f"entity:{person}"))
    assert window.statusBar().currentMessage().startswith("Person: ")


def test_keyboard_moves_through_the_list_from_the_search_field(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "Vietnam")
    show(qtbot, window, window.model.hit(0).id)  # type: ignore[union-attr]
    window.focus_search()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert window.list_view.currentIndex().row() == 1
    second = window.reader.article.id  # type: ignore[union-attr]
    assert second == window.model.hit(1).id  # type: ignore[union-attr]
    assert window.search_field.hasFocus()
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.list_view.currentIndex().row() == window.model.rowCount() - 1
    # Back and forward through viewed articles.
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.reader.article.id == second  # type: ignore[union-attr]
    with qtbot.waitSignal(window.article_shown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    # Enter in the list focuses the reader; Escape in the field clears it.
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Return)
    assert window.reader.browser.hasFocus()
    window.focus_search()
    with qtbot.waitSignal(window.search_applied, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    wait_idle(qtbot, window)


def test_every_menu_action_with_a_shortcut_is_in_the_sheet(window: MainWindow) -> None:
    from gui.help import shortcuts_html

    sheet = shortcuts_html(window.all_actions())
    for keys in ("Ctrl+L", "Ctrl+F", "F3", "Shift+F3", "Alt+Left", "Ctrl+O", "Ctrl+E"):
        assert keys in sheet, keys


def test_a_file_added_to_the_open_archive_appears(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    search(qtbot, window, "Mongolia")
    assert window.model.total == 0
    with qtbot.waitSignal(window.session.updated, timeout=15_000):
        (archive_dir / "sub").mkdir()
        (archive_dir / "sub" / "mn.txt").write_text(
            "Mongolia and Vietnam\nMongolia and Vietnam signed a trade deal.\n", encoding="utf-8"
        )
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=10_000)
    assert window.model.hit(0).id == "sub/mn.txt"  # type: ignore[union-attr]
    wait_idle(qtbot, window)
    # Removing it makes it disappear again.
    with qtbot.waitSignal(window.session.updated, timeout=15_000):
        (archive_dir / "sub" / "mn.txt").unlink()
    qtbot.waitUntil(lambda: window.model.total == 0, timeout=10_000)
    wait_idle(qtbot, window)


def test_a_missing_folder_shows_a_message_not_a_crash(
    qtbot: QtBot, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window = make_window()
    with qtbot.waitSignal(window.session.open_failed, timeout=10_000):
        window.session.open(tmp_path / "no-such-folder")
    dialogs = [d for d in window.dialogs() if isinstance(d, QMessageBox)]
    assert dialogs and "does not exist" in dialogs[0].text()
    assert window.archive is None
    wait_idle(qtbot, window)


def test_a_damaged_index_offers_a_rebuild_that_works(
    qtbot: QtBot, make_window: Callable[..., MainWindow], archive_dir: Path, tmp_path: Path
) -> None:
    import json

    from search.store.schema import SCHEMA_VERSION

    index_dir = tmp_path / "index"
    (index_dir / "whoosh").mkdir(parents=True)
    (index_dir / "whoosh" / "_MAIN_1.toc").write_bytes(b"\x00garbage")
    meta = {"schema_version": SCHEMA_VERSION, "archive_root": str(archive_dir.resolve())}
    (index_dir / "archive.json").write_text(json.dumps(meta))  # intact metadata, damaged index
    window = make_window()
    with qtbot.waitSignal(window.session.open_failed, timeout=10_000):
        window.session.open(archive_dir, index_dir)
    box = next(d for d in window.dialogs() if d.objectName() == "rebuildDialog")
    assert isinstance(box, QMessageBox)
    assert "cannot be read" in box.text()
    rebuild = next(b for b in box.buttons() if b.text() == "Rebuild Index")
    with qtbot.waitSignal(window.session.updated, timeout=15_000):
        rebuild.click()
    qtbot.waitUntil(lambda: window.model.total == 4, timeout=10_000)
    wait_idle(qtbot, window)


def test_a_locked_index_shows_a_message(qtbot: QtBot, window: MainWindow) -> None:
    import fcntl

    assert window.archive is not None
    # Hold the index's update lock the way another process would (flock).
    lock = (window.archive.index_dir / "update.lock").open("a")
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        window.session.start_update()
        qtbot.waitUntil(
            lambda: any(d.objectName() == "errorDialog" for d in window.dialogs()), timeout=10_000
        )
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    box = next(d for d in window.dialogs() if d.objectName() == "errorDialog")
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == "Archive in use"
    # the reason stays in the status bar once the dialog is closed
    assert window.session.index_label.text().startswith("Index not updated: Another")
    wait_idle(qtbot, window)


def test_skipped_files_are_listed_with_their_reason(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    root = write_archive()
    (root / "broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary junk \x00" * 50)
    window = make_window()
    with qtbot.waitSignal(window.session.updated, timeout=15_000):
        window.session.open(root, show_report=True)
    wait_idle(qtbot, window)
    skipped = window.session.skipped_files()
    assert [name for name, _reason in skipped] == ["broken.txt"]
    assert window.session.skipped_button.isVisible()
    sheet = next(d for d in window.dialogs() if d.objectName() == "skippedDialog")
    text = sheet.findChild(QTextBrowser)
    assert text is not None and "broken.txt" in text.toPlainText()


def test_hostile_article_text_is_shown_as_text(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    hostile = (
        "<b>Bold</b> headline <script>alert(1)</script>\n"
        "Vietnam <img src=http://x/y.png> text <a href='http://evil'>link</a> "
        "<style>body{display:none}</style> &amp; <qt>rich</qt> <table><tr><td>cell\n"
    )
    root = write_archive({"evil.txt": hostile})
    window = make_window(root)
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=10_000)
    wait_idle(qtbot, window)
    html = window.reader.html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img src=http://x/y.png&gt;" in html
    assert "<style>" not in html and "<qt>" not in html and "<table><tr>" not in html
    plain = window.reader.browser.toPlainText()
    assert "<script>alert(1)</script>" in plain
    assert "<img src=http://x/y.png>" in plain
    assert window.reader.browser.loaded_resources == []
    # The list row and its tooltip show the title as text, too.
    assert "<b>Bold</b>" in window.model.hit(0).title  # type: ignore[union-attr]


def test_saved_search_restores_query_filters_and_sort(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_state(SearchState(text="cooperation", countries=("KZ",), sort=Sort.NEWEST))
    wait_idle(qtbot, window)
    window.save_search("Kazakh cooperation")
    assert window.sidebar.saved.count() == 1
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_state(SearchState())
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.sidebar.saved.itemClicked.emit(window.sidebar.saved.item(0))
    wait_idle(qtbot, window)
    assert window.state == SearchState(text="cooperation", countries=("KZ",), sort=Sort.NEWEST)
    assert window.search_field.text() == "cooperation"
    assert window.sort_box.currentText() == "Newest first"
    assert window.model.total == 2
    # And history remembers it, with its filters, in the History menu.
    assert window.history.entries()[0].countries == ("KZ",)
    window.history_menu.aboutToShow.emit()
    labels = [a.text() for a in window.history_menu.actions()]
    assert labels[0] == "“cooperation” · Kazakhstan · newest"


def test_export_writes_all_hits_as_csv_and_json(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, archive_dir: Path
) -> None:
    search(qtbot, window, "Vietnam")
    with qtbot.waitSignal(window.exporter.exported, timeout=10_000) as blocker:
        window.exporter.export_to(tmp_path / "out.json")
    assert blocker.args == [3]
    rows = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in rows} == {"kz-trade.txt", "ru-talks.txt", "ke-envoy.txt"}
    assert set(rows[0]) == {"id", "title", "date", "countries", "source", "path"}
    assert Path(rows[0]["path"]).parent == archive_dir.resolve()
    with qtbot.waitSignal(window.exporter.exported, timeout=10_000):
        window.exporter.export_to(tmp_path / "out.csv")
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "id,title,date,countries,source,path" and len(lines) == 4
    wait_idle(qtbot, window)


def test_command_keys_typed_in_the_search_box_run_their_command(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On X11 a plain QLineEdit takes Ctrl+E as "end of line" and Export never ran
    # (the real-X-server pass of these tests sees it; offscreen has no such binding).
    search(qtbot, window, "Vietnam")
    target = tmp_path / "keys.csv"
    monkeypatch.setattr(
        "gui.export.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)")
    )
    window.search_field.setFocus()
    with qtbot.waitSignal(window.exporter.exported, timeout=10_000) as blocker:
        qtbot.keyClick(window.search_field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [3]
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == 4
    # Editing keys stay with the text: Ctrl+A selects it, it runs no command.
    qtbot.keyClick(window.search_field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.selectedText() == "Vietnam"
    wait_idle(qtbot, window)


def test_settings_remember_archive_search_and_layout(
    qtbot: QtBot, make_window: Callable[..., MainWindow], archive_dir: Path
) -> None:
    window = make_window(archive_dir)
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_state(SearchState(text="trade", countries=("VN",)))
    wait_idle(qtbot, window)
    window.splitter.setSizes([200, 500, 700])
    window.close()
    again = make_window()
    assert again.state == SearchState(text="trade", countries=("VN",))
    assert again.search_field.text() == "trade"
    from gui.settings import S

    assert again.settings.get(S.last_archive) == str(archive_dir)
    assert again.settings.get(S.recent_archives)[0] == str(archive_dir)


def test_indexing_shows_progress_and_can_be_cancelled(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    many = {
        f"batch/{n:03d}.txt": f"Report {n}\nVietnam and Kazakhstan, note {n}.\n" for n in range(60)
    }
    root = write_archive(many)
    window = make_window()
    window.session.open(root)
    qtbot.waitUntil(window.session.cancel_button.isVisible, timeout=10_000)
    assert window.session.progress.isVisible()
    assert window.search_field.isEnabled()  # the window stays usable
    with qtbot.waitSignal(window.session.updated, timeout=20_000) as blocker:
        window.session.cancel_button.click()
    report = blocker.args[0]
    assert not window.session.progress.isVisible() and not window.session.cancel_button.isVisible()
    if report.cancelled:
        assert "cancelled" in window.session.index_label.text()
    wait_idle(qtbot, window)


def test_unexpected_errors_are_logged_and_shown(
    qtbot: QtBot, window: MainWindow, _private_data_dir: Path
) -> None:
    from gui import errors

    errors.setup_logging()
    try:
        raise RuntimeError("kaboom")
    except RuntimeError as exc:
        errors.excepthook(RuntimeError, exc, exc.__traceback__)
    box = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "errorDialog" and w.isVisible()
    )
    assert isinstance(box, QMessageBox)
    assert "kaboom" in box.text() and "Traceback" not in box.text()
    box.close()


def test_menu_commands_sort_and_list_recent_archives(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    newest = next(a for a in window.all_actions() if a.text() == "Newest first")
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        newest.trigger()
    wait_idle(qtbot, window)
    assert window.state.sort is Sort.NEWEST
    assert window.sort_box.currentText() == "Newest first"
    recent = next(
        m
        for m in window.menuBar().findChildren(type(window.history_menu))
        if m.title() == "Recent &Archives"
    )
    recent.aboutToShow.emit()
    assert [a.text() for a in recent.actions()] == [str(archive_dir)]


def test_about_names_version_archive_index_and_log(window: MainWindow) -> None:
    from search.api import __version__

    window.show_about()
    box = next(d for d in window.dialogs() if d.objectName() == "aboutDialog")
    assert isinstance(box, QMessageBox)
    text = box.text()
    assert __version__ in text
    assert window.archive is not None
    assert str(window.archive.root) in text
    assert str(window.archive.index_dir) in text
    assert "Log file" in text
    box.close()


def test_after_reindex_the_window_shows_the_rebuilt_index(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    removed = window.model.hit(0)
    assert removed is not None
    (archive_dir / removed.id).unlink()
    (archive_dir / "zanzibar.txt").write_text("Zanzibar\nCloves from Zanzibar.", encoding="utf-8")
    with qtbot.waitSignal(
        window.session.updated, timeout=15_000, check_params_cb=lambda r: r.rebuilt
    ):
        window.session.reindex()
    wait_idle(qtbot, window)
    search(qtbot, window, "zanzibar")
    assert window.model.total == 1
    search(qtbot, window, "")
    assert window.model.total == 4
    assert window.model.row_of(removed.id) < 0


def test_verify_index_rereads_files_whose_signature_did_not_change(
    qtbot: QtBot, window: MainWindow, archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search.update import index as engine_index

    # no sign of change
    monkeypatch.setattr(engine_index, "signature_unchanged", lambda _old, _new: True)
    hit = window.model.hit(0)
    assert hit is not None
    (archive_dir / hit.id).write_text("Quokka\nA quokka census.", encoding="utf-8")
    with qtbot.waitSignal(window.session.updated, timeout=15_000) as signal:
        window.session.start_update()
    assert signal.args is not None and signal.args[0].updated == 0
    with qtbot.waitSignal(window.session.updated, timeout=15_000) as signal:
        window.session.start_update(verify=True)
    assert signal.args is not None and signal.args[0].updated == 1
    wait_idle(qtbot, window)
    search(qtbot, window, "quokka")
    assert window.model.total == 1


def test_opening_another_archive_while_an_update_will_not_stop_keeps_the_window_free(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    write_archive: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from search.api import Archive

    first = write_archive(name="first")
    second = write_archive(name="second")
    window = make_window(first)
    release = threading.Event()
    closed: list[Path] = []
    real_update, real_close = Archive.update, Archive.close

    def stuck_update(self: Archive, *args: object, **kwargs: object) -> object:
        release.wait(30)  # a long commit that no cancel can shorten
        return real_update(self, *args, **kwargs)  # type: ignore[arg-type]

    def recorded_close(self: Archive) -> None:
        closed.append(self.root)
        real_close(self)

    monkeypatch.setattr(Archive, "update", stuck_update)
    monkeypatch.setattr(Archive, "close", recorded_close)
    window.session.start_update()
    qtbot.waitUntil(lambda: window.tasks.pending("write") > 0, timeout=5_000)
    window.session.open(second)  # returns at once: nothing waits for the stuck update
    assert window.session.archive is None and not release.is_set()
    assert first not in closed  # closed after its update, on the write lane
    release.set()
    qtbot.waitUntil(
        lambda: window.archive is not None and window.archive.root == second, timeout=20_000
    )
    assert closed[0] == first
    wait_idle(qtbot, window)
