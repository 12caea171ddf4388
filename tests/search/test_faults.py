"""A short run of bench/faults.py: the indexer killed mid-build and mid-update loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.faults import run_scenarios


def test_killed_indexer_loses_and_duplicates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(tmp_path / "data"))
    outcomes = run_scenarios(runs=3, n=350, seed=7, work=tmp_path, log=False)
    assert [o.scenario for o in outcomes] == ["build", "update", "rebuild"]
    for outcome in outcomes:
        assert outcome.opened, outcome.error
        assert (outcome.missing, outcome.duplicated, outcome.stale, outcome.error) == (0, 0, 0, "")
