"""Crash soak: the real app in a real X server, driven by random user actions (#14).

    python -m tests.gui.soak --minutes 10 --seed 1 [--articles 3000] [--archive DIR]

The driver (this process) starts an Xvfb, generates an archive with
``bench/gen_corpus.py`` unless given one, and runs the app, ``gui.app.main`` as the
desktop entry does, again and again: each run (a *session*) performs random actions for
a while, then quits by Ctrl+Q; the next run starts on the same settings and data
folders (restore and reopen). Inside the app a monkey, seeded from (seed, session),
acts on the window through Qt's input events: typing queries (words, phrases,
``country:``, prefixes, junk), arrows, PageUp/Down, clicks on rows, facets, chips, the
timeline and entities in the text, sorting, back/forward, every dialog opened and closed
twice (by Escape or by its button), theme switches, a switch to the other archive and
back, index updates and window resizes.

Gate (exit status 0 only if all hold): every session exits with code 0 within its
time, no "Unexpected error" dialog, no Python exception or crash dump in the app's
log or output. The summary is printed as JSON; each session's actions are logged to
``--out`` so a failure can be followed step by step.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
BAD_OUTPUT = (
    "Traceback",
    "Fatal Python error",
    "Segmentation fault",
    "RuntimeError",
    "already deleted",
    "unhandled exception",
)
"""Words in the app's log or output that fail the soak."""
QUIT_FALLBACK_MS = 3000
"""After Ctrl+Q, how long before the window is closed by its close button instead."""
QUIT_TIMEOUT_S = 45.0
"""How long a session may take to start and, after its actions, to exit (more: a hang)."""
WORDS = [
    "vietnam", "kazakhstan", "trade", "minister", "cooperation", "president", "russia",
    "china", "investment", "talks", "agreement", "economic", "hanoi", "energy", "summit",
]  # fmt: skip
PIECES = [
    '"prime minister"', '"foreign affairs"', "country:VN", "country:KZ", "person:",
    "org:", "place:", "coop*", "minist*", "-trade", "OR", "AND", "NOT", "(", ")", '"',
    "~", "*", "date:2025", "source:VNA", "ñ", "Việt", "🙂", "\\", ":", "--", "tokayev~1",
]  # fmt: skip


# --- the monkey, inside the app ---------------------------------------------------------


class Monkey:
    """Random user actions on the main window, one every few tens of milliseconds."""

    def __init__(
        self,
        app: QApplication,
        window: MainWindow,
        rng: random.Random,
        seconds: float,
        archives: list[Path],
        log_path: Path,
    ) -> None:
        from PySide6.QtCore import QTimer

        self.app = app
        self.window = window
        self.rng = rng
        self.end = time.monotonic() + seconds
        self.archives = archives
        self.log = log_path.open("a", encoding="utf-8")
        self.actions = 0
        self.dialogs_closed = 0
        self.unexpected: list[str] = []
        """Texts of "Unexpected error" dialogs seen."""
        self.other_errors: list[str] = []
        """Titles and texts of the other error dialogs (a user error said in a box)."""
        self._pending_close = 0
        """Dialogs still to open-and-close in the current "twice" round."""
        self._pending_open: Callable[[], None] | None = None
        self._quitting = False
        self.quit_fallbacks = 0
        self.timer = QTimer(window)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start(500)

    def note(self, text: str) -> None:
        self.log.write(f"{time.strftime('%H:%M:%S')} {self.actions} {text}\n")
        self.log.flush()

    # -- the loop ----------------------------------------------------------------------
    def tick(self) -> None:
        """One step: handle what is on screen (dialogs, popups), else act at random.

        A modal dialog runs its own event loop inside the step that opened it; this
        timer fires in there too (it is started again before the step), so a step never
        waits for the one before it."""
        self.timer.start(self.rng.randint(20, 120))
        try:
            self._step()
        except Exception as exc:  # the monkey's own bug: say so and stop the run
            self.note(f"monkey failed: {exc!r}")
            raise
        if self._quitting:
            self.timer.stop()

    def _step(self) -> None:
        self._check_errors()
        if self._close_popup() or self._close_foreign():
            return
        if self._pending_open is not None and not self._others():
            opener, self._pending_open = self._pending_open, None
            opener()
            return
        if time.monotonic() > self.end:
            self._quit()
            return
        self.actions += 1
        action = self.rng.choices(ACTIONS, weights=[w for _, w in ACTIONS_W])[0]
        self.note(action.__name__)
        action(self)

    def _others(self) -> list[QWidget]:
        """Top-level windows on screen other than the main window."""
        from PySide6.QtWidgets import QApplication

        return [
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w is not self.window and not w.inherits("QMenu")
        ]

    def _check_errors(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        for widget in self._others():
            if isinstance(widget, QMessageBox) and widget.objectName() == "errorDialog":
                text = f"{widget.windowTitle()}: {widget.text()}"
                seen = self.unexpected if widget.windowTitle() == "Unexpected error" else None
                target = seen if seen is not None else self.other_errors
                if text not in target[-1:]:
                    target.append(text)
                    self.note(f"error dialog {text!r}")

    def _close_popup(self) -> bool:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        popup = QApplication.activePopupWidget()
        if popup is None:
            return False
        self.note(f"close popup {popup.metaObject().className()}")
        QTest.keyClick(popup, Qt.Key.Key_Escape)
        if QApplication.activePopupWidget() is popup:
            popup.close()
        return True

    def _close_foreign(self) -> bool:
        """Close one open dialog or window, by Escape or by its button (at random)."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QInputDialog

        others = self._others()
        if not others:
            return False
        widget = others[-1]
        name = widget.objectName() or widget.metaObject().className()
        if isinstance(widget, QInputDialog) and self.rng.random() < 0.5:
            self.note(f"answer {name} and press Enter")
            widget.setTextValue(f"soak {self.rng.randint(1, 5)}")
            QTest.keyClick(widget, Qt.Key.Key_Return)
            self.dialogs_closed += 1
            return True
        boxes = widget.findChildren(QDialogButtonBox)
        buttons = [b for box in boxes for b in box.findChildren(QAbstractButton) if b.isVisible()]
        rejects = [
            b
            for b in buttons
            if b.text().replace("&", "") in ("Close", "Cancel", "OK", "No", "Ok", "&OK")
        ]
        if rejects and self.rng.random() < 0.5:
            button = self.rng.choice(rejects)
            self.note(f"close {name} by its button {button.text()!r}")
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        else:
            self.note(f"close {name} by Escape")
            widget.activateWindow()
            QTest.keyClick(widget, Qt.Key.Key_Escape)
        if widget in self._others():  # a window Escape does not close: its title bar's X
            self.note(f"close {name} by close()")
            widget.close()
        self.dialogs_closed += 1
        return True

    def _quit(self) -> None:
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest

        self._quitting = True
        self.note(f"quit by Ctrl+Q (window active: {self.window.isActiveWindow()})")
        self.window.activateWindow()
        QTest.keyClick(self.window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        # A shortcut reaches only the active window, and X without a window manager may
        # leave none active after a dialog closed (a user would click the window first):
        # then close it as its title bar's button does. Both go through closeEvent.
        QTimer.singleShot(QUIT_FALLBACK_MS, self._quit_again)

    def _quit_again(self) -> None:
        if self.window.isVisible():
            self.quit_fallbacks += 1
            self.note("Ctrl+Q did not reach the window: close()")
            self.window.close()
        self.log.close()

    # -- helpers -----------------------------------------------------------------------
    def key(self, key: object, modifiers: object = None, widget: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        target = widget or self.app.focusWidget() or self.window
        QTest.keyClick(target, key, modifiers or Qt.KeyboardModifier.NoModifier)  # type: ignore[arg-type]

    def click(self, widget: QWidget, x: int, y: int, right: bool = False) -> None:
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        button = Qt.MouseButton.RightButton if right else Qt.MouseButton.LeftButton
        QTest.mouseClick(widget, button, Qt.KeyboardModifier.NoModifier, QPoint(x, y))

    def shortcut(self, text: str) -> None:
        """Press a shortcut as a user does: on the focused widget of the main window."""
        from PySide6.QtGui import QKeySequence
        from PySide6.QtTest import QTest

        combo = QKeySequence(text)[0]
        self.window.activateWindow()
        QTest.keyClick(
            self.app.focusWidget() or self.window, combo.key(), combo.keyboardModifiers()
        )

    def action(self, text: str) -> None:
        """Trigger the window's menu command whose text is ``text`` (without '&')."""
        for act in self.window.actions():
            if act.text().replace("&", "") == text:
                act.trigger()
                return
        raise LookupError(text)

    def twice(self, opener: Callable[[], None], what: str) -> None:
        """Open a dialog, let the loop close it, open it again, close it again."""
        self.note(f"open {what}")
        opener()

        def again() -> None:
            self.note(f"open {what} again")
            opener()

        self._pending_open = again


# --- actions ----------------------------------------------------------------------------


def type_text(widget: QWidget, text: str) -> None:
    """Key presses with ``text``, one a character: QTest.keyClicks takes ASCII only."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    none = Qt.KeyboardModifier.NoModifier
    for char in text:
        key = ord(char.upper()) if char.isascii() and char.isprintable() else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, none, char))


def type_query(m: Monkey) -> None:
    field = m.window.search_field
    field.setFocus()
    if m.rng.random() < 0.5:
        field.selectAll()
    words = [
        m.rng.choice(WORDS if m.rng.random() < 0.7 else PIECES) for _ in range(m.rng.randint(1, 3))
    ]
    text = " ".join(words)
    if m.rng.random() < 0.3:
        text = text[: m.rng.randint(1, len(text))]  # a word being typed
    type_text(field, text)
    if m.rng.random() < 0.3:
        m.key(_key("Return"), widget=field)


def backspace(m: Monkey) -> None:
    m.window.search_field.setFocus()
    for _ in range(m.rng.randint(1, 6)):
        m.key(_key("Backspace"), widget=m.window.search_field)


def arrows(m: Monkey) -> None:
    keys = ["Down", "Up", "PageDown", "PageUp", "Home", "End", "Left", "Right"]
    target = m.rng.choice([m.window.search_field, m.window.list_view, m.window.reader.browser])
    target.setFocus()
    for _ in range(m.rng.randint(1, 5)):
        m.key(_key(m.rng.choice(keys)), widget=target)


def click_row(m: Monkey) -> None:
    view = m.window.list_view
    rows = m.window.model.rowCount()
    if not rows:
        return
    index = m.window.model.index(m.rng.randrange(min(rows, 12)), 0)
    rect = view.visualRect(index)
    if rect.isValid() and view.viewport().rect().intersects(rect):
        m.click(view.viewport(), rect.center().x(), rect.center().y())


def click_facet(m: Monkey) -> None:
    sidebar = m.window.sidebar
    facets = m.rng.choice([sidebar.countries, sidebar.people, sidebar.orgs])
    view = facets.view
    rows = view.model().rowCount()
    if not rows or not view.isVisible():
        return
    rect = view.visualRect(view.model().index(m.rng.randrange(min(rows, 5)), 0))
    if rect.isValid() and view.viewport().rect().intersects(rect):
        sidebar.ensureWidgetVisible(view)
        m.click(view.viewport(), rect.left() + 8, rect.center().y())


def type_in_facet_search(m: Monkey) -> None:
    facets = m.rng.choice([m.window.sidebar.people, m.window.sidebar.orgs])
    if facets.search.isVisible():
        facets.search.setFocus()
        facets.search.selectAll()
        type_text(facets.search, m.rng.choice(["a", "vi", "nă", "", "zz"]))


def click_chip(m: Monkey) -> None:
    from PySide6.QtWidgets import QToolButton

    chips = [c for c in m.window.chips.findChildren(QToolButton) if c.isVisible()]
    if chips:
        chip = m.rng.choice(chips)
        m.click(chip, chip.width() // 2, chip.height() // 2)


def click_entity(m: Monkey) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    browser = m.window.reader.browser
    doc = browser.document()
    spots = []
    block = doc.begin()
    while block.isValid() and len(spots) < 200:
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isAnchor():
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position() + min(1, fragment.length() - 1))
                rect = browser.cursorRect(cursor)
                if browser.viewport().rect().contains(rect.center()):
                    spots.append(rect.center())
            it += 1
        block = block.next()
    if not spots:
        m.key(_key("PageDown"), widget=browser)
        return
    spot = m.rng.choice(spots)
    alt = m.rng.random() < 0.15
    modifier = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, modifier, spot)


def drag_timeline(m: Monkey) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    timeline = m.window.sidebar.dates.timeline
    if not timeline.isVisible() or timeline.width() < 20:
        return
    m.window.sidebar.ensureWidgetVisible(timeline)
    y = timeline.height() // 2
    a, b = (m.rng.randrange(4, timeline.width() - 4) for _ in range(2))
    QTest.mousePress(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(a, y)
    )
    QTest.mouseMove(timeline, QPoint((a + b) // 2, y))
    QTest.mouseMove(timeline, QPoint(b, y))
    QTest.mouseRelease(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(b, y)
    )


def keys_in_reader(m: Monkey) -> None:
    m.shortcut(
        m.rng.choice(["F3", "Shift+F3", "F4", "Shift+F4", "Alt+Left", "Alt+Right", "Ctrl+R"])
    )


def sort(m: Monkey) -> None:
    m.shortcut(f"Ctrl+{m.rng.randint(1, 3)}")


def clear_filters(m: Monkey) -> None:
    if m.rng.random() < 0.5:
        m.shortcut("Ctrl+Shift+Del")
    else:
        button = m.window.sidebar.clear_button
        if button.isEnabled():
            m.window.sidebar.ensureWidgetVisible(button)
            m.click(button, button.width() // 2, button.height() // 2)


def dialog(m: Monkey) -> None:
    """One of the app's dialogs, opened and closed twice."""
    choices: list[tuple[str, Callable[[], None]]] = [
        ("Search Syntax (F1)", lambda: m.shortcut("F1")),
        ("Search Syntax (? button)", lambda: m.click(m.window.help_button, 5, 5)),
        ("Keyboard Shortcuts", lambda: m.shortcut("Ctrl+/")),
        ("About", lambda: m.action("About Archive Browser")),
        ("Who Appears With Whom", lambda: m.shortcut("Ctrl+G")),
        ("Country Pairs by Month", lambda: m.shortcut("Ctrl+Shift+G")),
        ("Save Search", lambda: m.shortcut("Ctrl+S")),
        ("Export Results", lambda: m.shortcut("Ctrl+E")),
        ("Open Archive Folder", lambda: m.shortcut("Ctrl+O")),
        ("Entity Page", lambda: m.shortcut("F6")),
        ("History menu", lambda: m.click(m.window.history_button, 5, 5)),
    ]
    if m.window.session.skipped_button.isVisible():
        choices.append(("Skipped files", m.window.session.skipped_button.click))
    what, opener = m.rng.choice(choices)
    m.twice(opener, what)


def theme(m: Monkey) -> None:
    m.action(m.rng.choice(["Follow the System", "Light", "Dark"]))


def switch_archive(m: Monkey) -> None:
    if m.window.session.busy and m.rng.random() < 0.7:
        return  # mostly let an open finish; sometimes switch in the middle of it
    current = m.window.archive.root if m.window.archive else None
    others = [a for a in m.archives if a != current]
    m.window.session.open(m.rng.choice(others or m.archives))


def update_index(m: Monkey) -> None:
    m.shortcut("F5")


def resize(m: Monkey) -> None:
    m.window.resize(*m.rng.choice([(1280, 720), (1400, 900), (1920, 1080), (1024, 700)]))


def idle(m: Monkey) -> None:
    """Let the window catch up (what a user reading does)."""


def _key(name: str) -> object:
    from PySide6.QtCore import Qt

    return getattr(Qt.Key, f"Key_{name}")


ACTIONS_W: list[tuple[Callable[[Monkey], None], float]] = [
    (type_query, 14),
    (backspace, 5),
    (arrows, 12),
    (click_row, 10),
    (click_facet, 8),
    (type_in_facet_search, 2),
    (click_chip, 3),
    (click_entity, 8),
    (drag_timeline, 3),
    (keys_in_reader, 6),
    (sort, 2),
    (clear_filters, 3),
    (dialog, 6),
    (theme, 1.5),
    (switch_archive, 0.6),
    (update_index, 0.8),
    (resize, 1),
    (idle, 4),
]
ACTIONS = [action for action, _ in ACTIONS_W]


def child(args: argparse.Namespace) -> int:
    """One session: the app as the desktop entry starts it, with the monkey on it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import gui.app
    from gui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    rng = random.Random(f"{args.seed}/{args.session}")
    archives = [Path(a).resolve() for a in args.archives]
    stats: dict[str, object] = {}

    def install() -> None:
        window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        monkey = Monkey(app, window, rng, args.seconds, archives, Path(args.actions_log))
        stats["monkey"] = monkey
        monkey.note(f"session {args.session} starts")
        monkey.start()

    QTimer.singleShot(0, install)
    first = [] if args.session % 2 else ["--archive", str(archives[0])]  # else: the last one
    code = gui.app.main(first)
    monkey = stats.get("monkey")
    if isinstance(monkey, Monkey):
        result = {
            "actions": monkey.actions,
            "dialogs_closed": monkey.dialogs_closed,
            "quit_fallbacks": monkey.quit_fallbacks,
            "unexpected": monkey.unexpected,
            "other_errors": monkey.other_errors,
        }
        Path(args.result).write_text(json.dumps(result), encoding="utf-8")
    return code


# --- the driver -------------------------------------------------------------------------


@dataclass
class Session:
    number: int
    code: int | None
    seconds: float
    actions: int = 0
    dialogs_closed: int = 0
    quit_fallbacks: int = 0
    """Sessions whose Ctrl+Q found no active window (closed by close() instead)."""
    unexpected: list[str] = field(default_factory=list)
    other_errors: list[str] = field(default_factory=list)
    bad_lines: list[str] = field(default_factory=list)


@dataclass
class Summary:
    seed: int
    seconds: float
    sessions: list[Session] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.sessions) and all(
            s.code == 0 and not s.unexpected and not s.bad_lines for s in self.sessions
        )

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "seed": self.seed,
            "seconds": round(self.seconds, 1),
            "sessions": len(self.sessions),
            "actions": sum(s.actions for s in self.sessions),
            "dialogs_closed": sum(s.dialogs_closed for s in self.sessions),
            "exit_codes": [s.code for s in self.sessions],
            "quit_fallbacks": sum(s.quit_fallbacks for s in self.sessions),
            "unexpected_error_dialogs": sum(len(s.unexpected) for s in self.sessions),
            "other_error_dialogs": sorted({e for s in self.sessions for e in s.other_errors}),
            "bad_lines": [line for s in self.sessions for line in s.bad_lines][:40],
            "per_session": [asdict(s) for s in self.sessions],
        }


def start_xvfb(out: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A private Xvfb on a free display, once it accepts connections."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("soak: needs Xvfb (apt-get install xvfb)")
    for number in random.Random().sample(range(600, 6000), 8):
        said = out / "xvfb-display"
        with said.open("wb") as sink:
            server = subprocess.Popen(
                [
                    xvfb,
                    f":{number}",
                    "-displayfd",
                    str(sink.fileno()),
                    "-screen",
                    "0",
                    "1920x1080x24",
                    "-nolisten",
                    "tcp",
                ],
                pass_fds=(sink.fileno(),),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 20
        while server.poll() is None and time.monotonic() < deadline:
            if said.read_text().strip() == str(number):
                return server, f":{number}"
            time.sleep(0.05)
        server.kill()
        server.wait(10)
    raise SystemExit("soak: Xvfb did not start")


def generate(articles: int, seed: int, folder: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_corpus.py"),
            str(folder),
            str(articles),
            "--seed",
            str(seed),
            "--workers",
            "1",
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return folder


def run(
    seconds: float,
    seed: int,
    archive: Path,
    out: Path,
    session_seconds: float = 90.0,
) -> Summary:
    """Sessions of the app until ``seconds`` have passed; the driver's half of the soak."""
    from search.api import default_archive_path

    out.mkdir(parents=True, exist_ok=True)
    home = out / "home"
    server, display = start_xvfb(out)
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "ARCHIVE_BROWSER_DATA_DIR": str(out / "data"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "share"),
        "XDG_STATE_HOME": str(home / "state"),
        "PYTHONPATH": str(ROOT),
        "PYTHONFAULTHANDLER": "1",
    }
    env.pop("XAUTHORITY", None)
    summary = Summary(seed, 0.0)
    started = time.monotonic()
    log_file = out / "data" / "logs" / "archive-browser.log"
    try:
        number = 0
        while (left := seconds - (time.monotonic() - started)) > 5 or number == 0:
            session_s = min(session_seconds, max(left - 5, 5.0))
            result = out / f"session-{number}.json"
            output = out / f"session-{number}.out"
            logged_before = _log_text(log_file)
            t0 = time.monotonic()
            with output.open("wb") as sink:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.gui.soak",
                        "--child",
                        "--session",
                        str(number),
                        "--seed",
                        str(seed),
                        "--seconds",
                        str(session_s),
                        "--result",
                        str(result),
                        "--actions-log",
                        str(out / "actions.log"),
                        "--archives",
                        str(archive),
                        str(default_archive_path()),
                    ],
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=ROOT,
                )
                try:
                    code: int | None = process.wait(session_s + QUIT_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    # A hang: SIGABRT has the fault handler write every thread's stack
                    # into the log (and the output), then it is killed.
                    process.send_signal(signal.SIGABRT)
                    try:
                        process.wait(10)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait(10)
                    code = None
            session = Session(number, code, round(time.monotonic() - t0, 1))
            if result.is_file():
                data = json.loads(result.read_text(encoding="utf-8"))
                session.actions = data["actions"]
                session.dialogs_closed = data["dialogs_closed"]
                session.quit_fallbacks = data["quit_fallbacks"]
                session.unexpected = data["unexpected"]
                session.other_errors = data["other_errors"]
            logged = _log_text(log_file)[len(logged_before) :]
            text = output.read_text(encoding="utf-8", errors="replace") + logged
            session.bad_lines = [
                f"session {number}: {line.strip()}"
                for line in text.splitlines()
                if any(bad in line for bad in BAD_OUTPUT) or " ERROR " in line
            ]
            summary.sessions.append(session)
            print(
                json.dumps(
                    {
                        "session": number,
                        "code": code,
                        "actions": session.actions,
                        "bad": len(session.bad_lines),
                    }
                ),
                flush=True,
            )
            number += 1
    finally:
        server.terminate()
        server.wait(10)
    summary.seconds = time.monotonic() - started
    return summary


def _log_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--archive", type=Path, help="archive folder (default: generated)")
    parser.add_argument("--out", type=Path, help="where logs go (default: a temp folder)")
    parser.add_argument("--session-seconds", type=float, default=90.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--session", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=60.0, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--actions-log", help=argparse.SUPPRESS)
    parser.add_argument("--archives", nargs="+", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    out = args.out or Path(tempfile.mkdtemp(prefix="soak-"))
    archive = args.archive or generate(args.articles, args.seed, out / "archive")
    summary = run(args.minutes * 60, args.seed, archive, out, args.session_seconds)
    print(json.dumps(summary.to_json(), indent=1))
    print(f"soak: logs in {out}", file=sys.stderr)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
