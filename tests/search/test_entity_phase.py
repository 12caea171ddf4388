"""The entity phase fills the entity store from the text index: complete, resumable, redone
for what changed, and never half a batch."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from search.api import Archive
from search.entities import extract
from search.errors import EntityStoreDamaged
from search.model import Entity, IndexProgress
from search.store.entity_store import EntityStore
from search.update.entity_phase import run_entity_phase

from .conftest import write_articles

ROOT = Path(__file__).resolve().parents[2]
TEXTS = {
    f"a{i}.txt": f"Report {i}\n\nPrime Minister Jacinda Ardern met officials of Chile in Wellington."
    for i in range(10)
}


def rules(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    return [extract(body, date) for body, date in zip(bodies, dates, strict=True)]


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    root = write_articles(tmp_path / "arch", TEXTS)
    index = tmp_path / "index"
    with Archive.open(root, index) as archive:
        archive.update(entities=False)
    return root, index


def test_every_article_gets_its_entities_in_the_store(indexed: tuple[Path, Path]) -> None:
    _, index = indexed
    seen: list[IndexProgress] = []
    with EntityStore.open(index / "entities.sqlite") as store:
        report = run_entity_phase(index / "whoosh", store, seen.append, recognise=rules)
        assert (report.total, report.done, report.cancelled) == (10, 10, False)
        types = {e.type for e in store.mentions("a3.txt")}
        assert {"PERSON", "COUNTRY", "PLACE"} <= types
        done = [p.done for p in seen if p.phase == "entities"]
        assert done[0] == 0 and done[-1] == 10 and done == sorted(done)  # a report a batch
        again = run_entity_phase(index / "whoosh", store, recognise=rules)
        assert (again.total, again.done) == (0, 0)  # nothing left to do


def test_a_cancelled_phase_resumes_where_it_stopped(indexed: tuple[Path, Path]) -> None:
    _, index = indexed
    checks = iter([False, True])
    with EntityStore.open(index / "entities.sqlite") as store:
        first = run_entity_phase(
            index / "whoosh", store, cancel=lambda: next(checks, True), recognise=rules, batch=4
        )
        assert (first.done, first.cancelled) == (4, True)
        rest = run_entity_phase(index / "whoosh", store, recognise=rules, batch=4)
        assert (rest.total, rest.done) == (6, 6)
        assert store.stats().articles == 10


def test_changed_and_removed_articles_are_redone_and_dropped(
    indexed: tuple[Path, Path],
) -> None:
    root, index = indexed
    with EntityStore.open(index / "entities.sqlite") as store:
        run_entity_phase(index / "whoosh", store, recognise=rules)
        (root / "a1.txt").write_text("Report\n\nAngela Merkel spoke in Berlin.", encoding="utf-8")
        (root / "a2.txt").unlink()
        with Archive.open(root, index) as archive:
            archive.update(entities=False)
        report = run_entity_phase(index / "whoosh", store, recognise=rules)
        assert (report.done, report.removed) == (1, 1)
        assert "Angela Merkel" in {e.text for e in store.mentions("a1.txt")}
        assert store.mentions("a2.txt") == []


def test_another_recogniser_redoes_every_article(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.update.entity_phase as phase

    _, index = indexed
    monkeypatch.setattr(phase, "recogniser_name", lambda: ("first", None))
    monkeypatch.setattr(phase.combine, "extract_many", rules)
    with EntityStore.open(index / "entities.sqlite") as store:
        assert run_entity_phase(index / "whoosh", store).done == 10
        monkeypatch.setattr(phase, "recogniser_name", lambda: ("second", None))
        assert run_entity_phase(index / "whoosh", store).done == 10


def test_without_the_model_the_rules_run_and_say_so_once(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.update.entity_phase as phase

    _, index = indexed
    monkeypatch.setattr(phase.statistical, "PACKAGES", ("no_such_english_pipeline",))
    monkeypatch.setattr(phase.statistical, "_state", None)  # restored after the test
    with EntityStore.open(index / "entities.sqlite") as store:
        report = run_entity_phase(index / "whoosh", store)
        assert report.recogniser.startswith("rules+")
        assert report.note and "no English pipeline" in report.note
        assert report.done == 10 and store.mentions("a0.txt")


_CHILD = """
import sys, time
from search.entities import extract
from search.store.entity_store import EntityStore
from search.update.entity_phase import run_entity_phase

def slow(bodies, dates):
    time.sleep(0.2)
    return [extract(b, d) for b, d in zip(bodies, dates)]

if __name__ == "__main__":
    with EntityStore.open(sys.argv[1] + "/entities.sqlite") as store:
        run_entity_phase(__import__("pathlib").Path(sys.argv[1]) / "whoosh", store,
                         recognise=slow, batch=2)
"""


def test_a_killed_phase_loses_and_duplicates_nothing(indexed: tuple[Path, Path]) -> None:
    _, index = indexed
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(index)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    store_file = index / "entities.sqlite"
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with EntityStore.open(store_file, readonly=True) as peek:
                if peek.stats().articles >= 2:
                    break
        except (FileNotFoundError, EntityStoreDamaged):  # not created yet, or being created
            pass
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with EntityStore.open(store_file) as store:
        done = store.stats().articles
        assert 2 <= done < 10 and done % 2 == 0  # killed mid-phase; whole batches only
        rest = run_entity_phase(index / "whoosh", store, recognise=rules)
        assert rest.done == 10 - done
        assert store.stats().articles == 10
        assert store.check() == []
