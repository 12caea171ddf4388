"""User settings as one typed, declarative table, stored with QSettings.

Every setting is declared once below with its type, default and purpose; code
reads and writes them through ``Settings.get``/``Settings.set`` so a typo is an
AttributeError, not a silently new key. Values are stored as JSON text, which
reads back the same from INI files, the registry and macOS plists alike.
Window geometry and splitter sizes are state, not settings: they live apart
under ``state/`` as the raw bytes Qt gives us.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger("archive_browser.settings")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One entry of the table: stored under ``key``; ``default`` also fixes the type."""

    key: str
    default: T
    doc: str


class S:
    """The table. Add a setting here and nowhere else."""

    last_archive: Setting[str] = Setting("archive/last", "", "Folder opened last; '' = sample")
    last_index_dir: Setting[str] = Setting("archive/index_dir", "", "Index folder given for it")
    last_shared: Setting[str] = Setting(
        "archive/last_shared", "", "Shared archive opened last (its address)"
    )
    recent_archives: Setting[list[str]] = Setting("archive/recent", [], "Recently opened folders")
    watch_folder: Setting[bool] = Setting(
        "archive/watch", True, "Watch the open folder and update the index on changes"
    )
    last_search: Setting[str] = Setting("search/last", "", "Query, filters and sort (JSON)")
    last_search_archive: Setting[str] = Setting(
        "search/last_archive",
        "",
        "Archive folder (resolved) the last search belongs to; '' = the last archive",
    )
    history: Setting[list[str]] = Setting("search/history", [], "Recent searches (JSON states)")
    saved: Setting[dict[str, str]] = Setting("search/saved", {}, "Saved searches: name -> state")
    debounce_ms: Setting[int] = Setting(
        "search/debounce_ms",
        0,
        "Extra delay before search-as-you-type (keys typed during a search are merged anyway)",
    )
    page_size: Setting[int] = Setting("search/page_size", 100, "Hits fetched per page")
    highlight_types: Setting[list[str]] = Setting(
        "reader/highlight", ["PERSON", "ORG", "COUNTRY", "PLACE", "DATE"], "Entity types shown"
    )
    show_copies: Setting[bool] = Setting(
        "view/show_copies", False, "List every copy of a story, not one row per story"
    )
    theme: Setting[str] = Setting(
        "view/theme", "system", "Colours: 'system', 'light' or 'dark' (--dark wins for one run)"
    )
    history_size: Setting[int] = Setting("search/history_size", 25, "Searches kept in history")
    recent_size: Setting[int] = Setting("archive/recent_size", 8, "Folders kept in File > Recent")


def all_settings() -> list[Setting[object]]:
    """Every declared setting, for documentation and tests."""
    return [v for v in vars(S).values() if isinstance(v, Setting)]


class Settings:
    """Typed access to the table over one QSettings object."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    def get(self, setting: Setting[T]) -> T:
        raw = self.store.value(setting.key)
        if raw is None:
            return setting.default
        try:
            value = json.loads(str(raw))
        except ValueError:
            log.warning("ignoring unreadable setting %s=%r", setting.key, raw)
            return setting.default
        if not isinstance(value, type(setting.default)):
            log.warning("ignoring setting %s of wrong type: %r", setting.key, value)
            return setting.default
        result: T = value
        return result

    def set(self, setting: Setting[T], value: T) -> None:
        self.store.setValue(setting.key, json.dumps(value, ensure_ascii=False))

    # -- window state, apart from settings -------------------------------------------
    def state_bytes(self, name: str) -> QByteArray | None:
        raw = self.store.value(f"state/{name}")
        return raw if isinstance(raw, QByteArray) and not raw.isEmpty() else None

    def set_state_bytes(self, name: str, value: QByteArray) -> None:
        self.store.setValue(f"state/{name}", value)

    def sync(self) -> None:
        self.store.sync()
