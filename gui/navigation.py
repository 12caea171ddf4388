"""Back and forward over what the reader showed: articles and entity pages.

Apart from the window so the rule is one small value, tested without Qt: a new
visit drops the forward part (as in a browser), the same visit twice in a row is
kept once, and the trail is capped so a long session does not grow it forever.
"""

from __future__ import annotations

Visit = str | tuple[str, str]
"""What back/forward walk: an article id, or an entity page's (type, name)."""


class Visits:
    """The reader's trail and where in it the user is."""

    def __init__(self, limit: int = 200) -> None:
        self._limit = limit
        self._trail: list[Visit] = []
        self._at = -1

    def record(self, visit: Visit) -> None:
        """The reader shows ``visit`` because the user went there (not by back/forward)."""
        if 0 <= self._at < len(self._trail) and self._trail[self._at] == visit:
            return
        self._trail = [*self._trail[: self._at + 1], visit][-self._limit :]
        self._at = len(self._trail) - 1

    def back(self) -> Visit | None:
        """The visit before the current one (and go there), or None at the start."""
        if self._at <= 0:
            return None
        self._at -= 1
        return self._trail[self._at]

    def forward(self) -> Visit | None:
        """The visit after the current one (and go there), or None at the end."""
        if self._at >= len(self._trail) - 1:
            return None
        self._at += 1
        return self._trail[self._at]

    def clear(self) -> None:
        """Forget the trail (its archive closed: its ids mean nothing in the next)."""
        self._trail, self._at = [], -1
