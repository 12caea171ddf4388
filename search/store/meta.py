"""``archive.json``: what an index was built from, checked before anything trusts it.

A metadata file that does not validate (wrong types, a JSON list, a folder in
its place) never crashes a command: it reads as `INVALID`, and an index
without trustworthy metadata is rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from search.store.schema import SCHEMA_VERSION

log = logging.getLogger("archive_browser.engine.store")


@dataclass(slots=True)
class Meta:
    schema_version: int = SCHEMA_VERSION
    archive_root: str = ""
    last_update: str | None = None
    skipped: dict[str, list[Any]] = field(default_factory=dict)
    """id -> [size, mtime_ns, reason]: not retried until the file changes."""
    touched: dict[str, list[int]] = field(default_factory=dict)
    """id -> [size, mtime_ns, ino, ctime_ns] of files whose signature changed, content not."""

    @classmethod
    def load(cls, path: Path) -> Meta | Invalid | None:
        """The metadata, None when there is none, `INVALID` when it cannot be trusted."""
        try:
            with open(path, "rb") as f:  # archive.json is ours and checked a regular file
                data = json.loads(f.read().decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("unreadable %s: %s", path, exc)
            return INVALID
        meta = _validated(data)
        if meta is None:
            log.warning("%s does not hold valid index metadata", path)
            return INVALID
        return meta

    def save(self, path: Path) -> None:
        data = {
            "schema_version": self.schema_version,
            "archive_root": self.archive_root,
            "last_update": self.last_update,
            "skipped": self.skipped,
            "touched": self.touched,
        }
        tmp = path.with_name(path.name + ".tmp")
        # ASCII escapes keep lone surrogates of odd folder names writable and readable.
        tmp.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
        os.replace(tmp, path)


class Invalid:
    """Metadata that exists but cannot be trusted (so the index is rebuilt)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = Invalid()


def _validated(data: object) -> Meta | None:
    if not isinstance(data, dict):
        return None
    version = data.get("schema_version", 0)
    root = data.get("archive_root", "")
    last = data.get("last_update")
    skipped = data.get("skipped", {})
    touched = data.get("touched", {})
    if not (isinstance(version, int) and not isinstance(version, bool)):
        return None
    if not isinstance(root, str) or not (last is None or isinstance(last, str)):
        return None
    if not isinstance(skipped, dict) or not isinstance(touched, dict):
        return None
    good_skips = {
        k: v
        for k, v in skipped.items()
        if isinstance(v, list) and len(v) == 3 and all(isinstance(x, int) for x in v[:2])
    }
    good_touched = {
        k: v
        for k, v in touched.items()
        if isinstance(v, list) and len(v) == 4 and all(isinstance(x, int) for x in v)
    }
    return Meta(version, root, last, good_skips, good_touched)
