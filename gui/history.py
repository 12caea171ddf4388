"""Recent searches and saved searches, both stored in the settings as JSON states."""

from __future__ import annotations

from gui.settings import S, Settings
from gui.state import SearchState


class SearchHistory:
    """The last searches the user ran (newest first, no duplicates)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def entries(self) -> list[SearchState]:
        return [SearchState.loads(raw) for raw in self._settings.get(S.history)]

    def add(self, state: SearchState) -> None:
        """Remember ``state``; empty searches are not worth a history entry."""
        if state.is_empty:
            return
        raw = state.dumps()
        kept = [r for r in self._settings.get(S.history) if r != raw]
        size = max(1, self._settings.get(S.history_size))
        self._settings.set(S.history, [raw, *kept][:size])

    def clear(self) -> None:
        self._settings.set(S.history, [])


class SavedSearches:
    """Searches saved under a name; restoring one restores query, filters and sort."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def names(self) -> list[str]:
        saved: dict[str, str] = self._settings.get(S.saved)
        return sorted(saved, key=str.casefold)

    def get(self, name: str) -> SearchState | None:
        saved: dict[str, str] = self._settings.get(S.saved)
        raw = saved.get(name)
        return SearchState.loads(raw) if raw is not None else None

    def save(self, name: str, state: SearchState) -> None:
        saved: dict[str, str] = self._settings.get(S.saved).copy()
        saved[name] = state.dumps()
        self._settings.set(S.saved, saved)

    def remove(self, name: str) -> None:
        saved: dict[str, str] = self._settings.get(S.saved).copy()
        saved.pop(name, None)
        self._settings.set(S.saved, saved)
