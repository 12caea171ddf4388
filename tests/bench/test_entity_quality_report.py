"""The entity quality report reads the names view of entity_outside's output."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import entity_quality_report as report

_OUTPUT = """# 2026-12-02 01:00 UTC, commit abc1234 of /repo, gold g.json, nproc 2, load 1.0 1.0 1.0
system combined, split test: 25 documents, 387 gold spans, 9,000 characters
type     gold  pred    tp      P      R     F1
PERSON    161   155   141  0.910  0.876  0.892
ALL       387   440   343  0.780  0.886  0.830
names view (not the rule fixed beforehand): 28 LOC predictions set aside
type     gold  pred    tp      P      R     F1
PERSON    161   155   141  0.910  0.876  0.892
ORG       117   131    98  0.748  0.838  0.790
LOC       109   127   104  0.819  0.954  0.881
ALL       387   413   343  0.831  0.886  0.857
"""


def test_the_names_view_table_is_read_not_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "bbc-combined.txt").write_text(_OUTPUT, encoding="utf-8")
    monkeypatch.setattr(report, "QUALITY", tmp_path)
    text = report.render(("before", "after"))
    assert "| bbc test | ALL | – | – | – | 0.831 / 0.886 / 0.857 |" in text
    assert "25 documents, 387 gold spans" in text and "commit abc1234" in text
