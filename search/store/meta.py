"""``archive.json``: what an index was built from, checked before anything trusts it.

A metadata file that does not validate (wrong types, a JSON list, a folder in
its place) never crashes a command: it reads as `INVALID`, and an index
without trustworthy metadata is rebuilt. A checksum over the fields catches a
file damaged into other valid JSON (a flipped byte in ``archive_root`` named
another archive, and the index was refused as someone else's); a file written
before the checksum, with only known keys, is still read.
"""

from __future__ import annotations

import hashlib
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
        data: dict[str, Any] = {
            "schema_version": self.schema_version,
            "archive_root": self.archive_root,
            "last_update": self.last_update,
            "skipped": self.skipped,
            "touched": self.touched,
        }
        data[CHECK] = _checksum(data)
        tmp = path.with_name(path.name + ".tmp")
        # ASCII escapes keep lone surrogates of odd folder names writable and readable.
        tmp.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
        os.replace(tmp, path)


class Invalid:
    """Metadata that exists but cannot be trusted (so the index is rebuilt)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = Invalid()


CHECK: Final = "check"
_KEYS: Final = frozenset({"schema_version", "archive_root", "last_update", "skipped", "touched"})


def _checksum(data: dict[str, Any]) -> str:
    """A digest of the fields (``check`` itself left out), in a canonical form."""
    fields = {k: v for k, v in data.items() if k != CHECK}
    canonical = json.dumps(fields, ensure_ascii=True, sort_keys=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:16]


def _validated(data: object) -> Meta | None:
    if not isinstance(data, dict):
        return None
    if CHECK in data:
        if data[CHECK] != _checksum(data):
            return None
    elif not set(data) <= _KEYS:  # an older file has only these; a damaged key is not one
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
