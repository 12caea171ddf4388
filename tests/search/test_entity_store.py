"""The entity store: versioned SQLite beside the index, resumable, atomic per batch."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bench.entity_store_bench import kill_runs
from search.errors import EntityStoreDamaged, IndexDamaged, IndexLocked
from search.model import Entity
from search.store.entity_store import (
    FILE_NAME,
    SCHEMA_VERSION,
    EntityStore,
)

REC = "rules-5"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / FILE_NAME


@pytest.fixture
def store(path: Path) -> Iterator[EntityStore]:
    with EntityStore.open(path) as s:
        yield s


def person(text: str, start: int, norm: str | None = None, role: str | None = None) -> Entity:
    return Entity("PERSON", text, start, start + len(text), norm or text, role)


def country(text: str, start: int, code: str) -> Entity:
    return Entity("COUNTRY", text, start, start + len(text), code)


def place(text: str, start: int, code: str | None = None) -> Entity:
    return Entity("PLACE", text, start, start + len(text), text, country=code)


BLAIR = [person("Tony Blair", 0, role="Prime Minister"), person("Blair", 40, "Tony Blair")]


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


# -- opening: new, other version, damaged --------------------------------------------------------


def test_new_store_is_wal_with_foreign_keys_and_the_current_schema_version(path: Path) -> None:
    with EntityStore.open(path) as s:
        assert s.recreated is None
        assert s.stats().articles == 0
    conn = raw(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_store_of_another_schema_version_is_recreated_empty_and_everything_is_pending_again(
    path: Path,
) -> None:
    with EntityStore.open(path) as s:
        s.replace_many([("a", "h", BLAIR)], REC)
        s.add_correction("reject", {"why": "not a person"}, [("PERSON", "Tony Blair")])
    conn = raw(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with EntityStore.open(path) as s:
        assert s.recreated == "version"
        assert s.stats().articles == 0
        assert s.entities() == {}
        assert s.pending({"a": "h"}, REC) == ["a"]
        # The user's corrections are carried over into the new store.
        assert [(c.kind, c.args, c.names) for c in s.corrections()] == [
            ("reject", {"why": "not a person"}, (("PERSON", "Tony Blair"),))
        ]
    conn = raw(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_sqlite_file_that_is_not_ours_is_recreated_as_a_store(path: Path) -> None:
    conn = raw(path)
    conn.execute("CREATE TABLE something(x)")
    conn.execute("INSERT INTO something VALUES (1)")
    conn.close()
    with EntityStore.open(path) as s:
        assert s.recreated == "version"
        s.replace_many([("a", "h", BLAIR)], REC)
        assert len(s.mentions("a")) == 2
    conn = raw(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "something" not in tables


def test_file_that_is_not_a_database_raises_entity_store_damaged(path: Path) -> None:
    path.write_bytes(b"this is not a database, just some text\n" * 200)
    with pytest.raises(EntityStoreDamaged) as info:
        EntityStore.open(path)
    assert isinstance(info.value, IndexDamaged)
    assert str(path) in str(info.value)
    assert path.read_bytes().startswith(b"this is not")  # left as it was


def test_discard_damaged_recreates_a_file_that_is_not_a_database(path: Path) -> None:
    path.write_bytes(b"\x00garbage" * 1000)
    path.with_name(FILE_NAME + "-wal").write_bytes(b"stale wal")
    with EntityStore.open(path, discard_damaged=True) as s:
        assert s.recreated == "damaged"
        s.replace_many([("a", "h", BLAIR)], REC)
        assert s.pending({"a": "h", "b": "h"}, REC) == ["b"]
        assert s.check() == []


@pytest.mark.parametrize("what", ["folder", "fifo", "wal-fifo"])
def test_store_path_that_is_not_a_regular_file_is_damaged_and_discard_replaces_it(
    path: Path, what: str
) -> None:
    import os

    if what == "folder":
        (path / "inside").mkdir(parents=True)
    elif what == "fifo":
        os.mkfifo(path)
    else:
        EntityStore.open(path).close()
        os.mkfifo(path.with_name(FILE_NAME + "-wal"))
    with pytest.raises(EntityStoreDamaged, match="not a regular file"):
        EntityStore.open(path)
    with pytest.raises(EntityStoreDamaged):
        EntityStore.open(path, readonly=True)
    with EntityStore.open(path, discard_damaged=True) as s:
        assert s.recreated == "damaged"
        s.replace_many([("a", "h", BLAIR)], REC)
    assert path.is_file()


def test_damaged_pages_raise_entity_store_damaged_when_read_and_remove_starts_over(
    path: Path,
) -> None:
    with EntityStore.open(path) as s:
        s.replace_many(
            [
                (f"a{i}", "h", [person(f"Name{i} Long{i * 7}", 10 * j) for j in range(20)])
                for i in range(300)
            ],
            REC,
        )
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    for at in range(2 * page, len(data), page):  # every page after the schema's: scrambled
        data[at : at + page] = bytes((x * 37 + 11) % 256 for x in range(page))
    path.write_bytes(bytes(data))
    with pytest.raises(EntityStoreDamaged):
        s = EntityStore.open(path)
        try:
            s.facet_rows()
            s.mentions("a5")
            s.stats()
        finally:
            s.close()
    # What the entity phase does then: remove the store and start again.
    EntityStore.remove(path)
    with EntityStore.open(path) as s:
        assert s.pending({"a5": "h"}, REC) == ["a5"]
        assert s.check() == []


def test_readonly_open_never_writes(path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        EntityStore.open(path, readonly=True)
    assert not path.exists()
    with EntityStore.open(path) as s:
        s.replace_many([("a", "h", BLAIR)], REC)
    with EntityStore.open(path, readonly=True) as r:
        assert len(r.mentions("a")) == 2
        with pytest.raises(ValueError, match="read-only"):
            r.remove_articles(["a"])
    conn = raw(path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(EntityStoreDamaged, match="another version"):
        EntityStore.open(path, readonly=True)
    conn = raw(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    conn.close()


def test_a_second_writer_gets_index_locked_not_a_sqlite_error(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.store.entity_store as module

    monkeypatch.setattr(module, "_BUSY_TIMEOUT_MS", 50)
    EntityStore.open(path).close()
    other = raw(path)
    other.execute("BEGIN IMMEDIATE")  # someone writing without the update lock
    try:
        with EntityStore.open(path) as s:
            with pytest.raises(IndexLocked):
                s.replace_many([("a", "h", BLAIR)], REC)
            assert s.stats().articles == 0  # reads go on
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_closed_store_refuses_calls(path: Path) -> None:
    s = EntityStore.open(path)
    s.close()
    s.close()
    with pytest.raises(ValueError, match="closed"):
        s.stats()


# -- the entity phase: pending, replace, remove --------------------------------------------------


def test_pending_lists_missing_changed_and_other_recogniser_articles_in_the_given_order(
    store: EntityStore,
) -> None:
    store.replace_many([("a", "h1", BLAIR), ("b", "h2", []), ("c", "h3", [])], REC)
    store.replace_many([("d", "h4", [])], "spacy-sm-3.8.0+rules-5")
    index = {"e": "h5", "d": "h4", "c": "h3", "b": "CHANGED", "a": "h1"}
    assert store.pending(index, REC) == ["e", "d", "b"]
    assert store.pending(index, "spacy-sm-3.8.0+rules-5") == ["e", "c", "b", "a"]
    assert store.gone({"a", "b"}) == ["c", "d"]


def test_replace_many_resolves_mentions_to_one_identity_per_type_and_norm(
    store: EntityStore,
) -> None:
    store.replace_many(
        [
            ("a", "h", [*BLAIR, country("Vietnam", 60, "VN")]),
            ("b", "h", [person("Mr Blair", 5, "Tony Blair"), country("Viet Nam", 20, "VN")]),
        ],
        REC,
    )
    a = store.mentions("a")
    assert [(m.type, m.text, m.norm, m.role) for m in a] == [
        ("PERSON", "Tony Blair", "Tony Blair", "Prime Minister"),
        ("PERSON", "Blair", "Tony Blair", None),
        ("COUNTRY", "Vietnam", "VN", None),
    ]
    people = store.entities("PERSON")
    assert [(e.norm, e.display) for e in people.values()] == [("Tony Blair", "Tony Blair")]
    blair = store.entity_id("PERSON", "Tony Blair")
    assert blair is not None
    assert {a.folded for a in store.aliases(blair)} == {"tony blair", "blair", "mr blair"}
    assert store.lookup_alias("BLAIR", "PERSON") == [blair]
    assert store.lookup_alias("viet nam") == [store.entity_id("COUNTRY", "VN")]
    assert store.articles_of(blair) == ["a", "b"]
    assert store.stats().entities == {"COUNTRY": 1, "PERSON": 1}


def test_replacing_an_article_drops_its_old_mentions_and_identities_no_one_mentions(
    store: EntityStore,
) -> None:
    store.replace_many([("a", "h1", [*BLAIR, place("Hanoi", 70)])], REC)
    store.replace_many([("b", "h1", [place("Hanoi", 3)])], REC)
    store.replace_many([("a", "h2", [person("Gordon Brown", 8)])], "spacy+rules-5")
    assert [m.text for m in store.mentions("a")] == ["Gordon Brown"]
    assert store.done("a") == ("h2", "spacy+rules-5")
    assert store.entity_id("PERSON", "Tony Blair") is None  # no mention left
    assert store.entity_id("PLACE", "Hanoi") is not None  # b still mentions it
    assert store.stats().mentions == 2


def test_an_article_twice_in_one_batch_ends_as_its_last_version(store: EntityStore) -> None:
    store.replace_many([("a", "h0", [place("Hanoi", 0)])], REC)
    store.replace_many(
        [("a", "h1", BLAIR), ("b", "h", []), ("a", "h2", [person("Gordon Brown", 3)])], REC
    )
    assert [m.text for m in store.mentions("a")] == ["Gordon Brown"]
    assert store.done("a") == ("h2", REC)
    assert store.stats().mentions == 1
    assert set(store.entities()) == {int(e) for e in store.facet_rows().entity_ids}
    assert store.check() == []


def test_two_mentions_of_the_same_span_keep_the_first(store: EntityStore) -> None:
    store.replace_many([("a", "h", [person("Blair", 0), place("Blair", 0)])], REC)
    assert [m.type for m in store.mentions("a")] == ["PERSON"]


def test_a_failing_batch_commits_none_of_its_articles(store: EntityStore) -> None:
    store.replace_many([("a", "h1", BLAIR)], REC)
    before = store.generation()

    class Failing(list[Entity]):
        def __iter__(self) -> Iterator[Entity]:
            raise RuntimeError("the recogniser failed half way")

    with pytest.raises(RuntimeError):
        store.replace_many(
            [("b", "h", [person("Ho Chi Minh", 0)]), ("a", "h2", []), ("c", "h", Failing())], REC
        )
    no_text = Entity("DATE", None, 5, 9, "2004-03-01")  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):  # the database refuses the third article
        store.replace_many(
            [("b", "h", [person("Ho Chi Minh", 0)]), ("a", "h2", []), ("c", "h", [no_text])], REC
        )
    assert store.generation() == before
    assert store.pending({"a": "h1", "b": "h", "c": "h"}, REC) == ["b", "c"]
    assert store.done("a") == ("h1", REC)
    assert len(store.mentions("a")) == 2
    assert store.entity_id("PERSON", "Ho Chi Minh") is None
    assert store.check() == []
    store.replace_many([("b", "h", [person("Ho Chi Minh", 0)])], REC)  # the store goes on
    assert store.pending({"a": "h1", "b": "h"}, REC) == []


def test_remove_articles_drops_their_mentions_and_identities_left_without_mentions(
    store: EntityStore,
) -> None:
    store.replace_many(
        [("a", "h", [*BLAIR, place("Hanoi", 60)]), ("b", "h", [place("Hanoi", 0)])], REC
    )
    assert store.remove_articles(["a", "missing", "a"]) == 1
    assert store.mentions("a") == []
    assert store.done("a") is None
    assert store.entity_id("PERSON", "Tony Blair") is None
    assert store.lookup_alias("blair") == []
    assert store.entity_id("PLACE", "Hanoi") is not None
    assert store.stats().articles == 1
    assert store.check() == []


def test_entity_ids_are_never_reused_after_an_identity_is_removed(store: EntityStore) -> None:
    store.replace_many([("a", "h", [person("Tony Blair", 0)])], REC)
    first = store.entity_id("PERSON", "Tony Blair")
    store.remove_articles(["a"])
    store.replace_many([("b", "h", [person("Gordon Brown", 0)])], REC)
    second = store.entity_id("PERSON", "Gordon Brown")
    assert first is not None and second is not None and second > first


# -- corrections ---------------------------------------------------------------------------------


def test_corrections_survive_replace_and_remove_and_keep_the_identities_they_name(
    store: EntityStore,
) -> None:
    store.replace_many([("a", "h", BLAIR), ("b", "h", [place("Hanoi", 0)])], REC)
    blair = store.entity_id("PERSON", "Tony Blair")
    cid = store.add_correction(
        "rename",
        {"type": "PERSON", "norm": "Tony Blair", "to": "Anthony Blair"},
        [("PERSON", "Tony Blair")],
    )
    store.add_correction("merge", {"into": ["PLACE", "Hà Nội"]}, [("PLACE", "Hanoi")])
    store.replace_many([("a", "h2", [])], "spacy+rules-5")
    store.remove_articles(["b"])
    assert store.entity_id("PERSON", "Tony Blair") == blair  # kept: a correction names it
    assert store.entity_id("PLACE", "Hanoi") is not None
    corrections = store.corrections()
    assert corrections[0].correction_id == cid
    assert [(c.kind, c.names) for c in corrections] == [
        ("rename", (("PERSON", "Tony Blair"),)),
        ("merge", (("PLACE", "Hanoi"),)),
    ]
    assert corrections[1].args == {"into": ["PLACE", "Hà Nội"]}
    with pytest.raises(ValueError, match="kind"):
        store.add_correction("delete-everything", {})  # type: ignore[arg-type]


# -- reading -------------------------------------------------------------------------------------


def test_facet_rows_give_each_done_article_its_distinct_entities_of_a_type(
    store: EntityStore,
) -> None:
    store.replace_many(
        [
            ("a", "h", [*BLAIR, country("Vietnam", 60, "VN"), person("Ho", 80)]),
            ("b", "h", []),
            ("c", "h", [country("France", 0, "FR"), country("Vietnam", 20, "VN")]),
        ],
        REC,
    )
    rows = store.facet_rows("PERSON")
    assert rows.article_ids == ["a", "b", "c"]
    assert rows.offsets.tolist() == [0, 2, 2, 2]
    names = store.entities("PERSON")
    assert sorted(names[int(e)].norm for e in rows.entity_ids) == ["Ho", "Tony Blair"]
    countries = store.facet_rows("COUNTRY")
    codes = store.entities("COUNTRY")
    per_article = [
        sorted(codes[int(e)].norm for e in countries.entity_ids[lo:hi])
        for lo, hi in zip(countries.offsets[:-1], countries.offsets[1:], strict=True)
    ]
    assert per_article == [["VN"], [], ["FR", "VN"]]
    together = store.facet_tables(["PERSON", "COUNTRY"])
    for kind, table in together.items():
        alone = store.facet_rows(kind)
        assert table.article_ids == alone.article_ids
        assert table.offsets.tolist() == alone.offsets.tolist()
        assert table.entity_ids.tolist() == alone.entity_ids.tolist()
    everything = store.facet_rows()
    assert everything.offsets.tolist() == [0, 3, 3, 5]
    assert everything.entity_ids.dtype == np.int32
    assert everything.generation == store.generation()


def test_generation_changes_with_each_committed_write_and_only_then(path: Path) -> None:
    with EntityStore.open(path) as s:
        seen = [s.generation()]
        s.replace_many([("a", "h", BLAIR)], REC)
        seen.append(s.generation())
        s.mentions("a")
        s.facet_rows()
        s.replace_many([], REC)
        s.remove_articles(["nothing"])  # a write transaction, committed: counts
        seen.append(s.generation())
        s.add_correction("reject", {})
        seen.append(s.generation())
    assert seen == sorted(seen) and len(set(seen)) == 4
    path.write_bytes(b"junk")
    for side in ("-wal", "-shm"):
        path.with_name(FILE_NAME + side).unlink(missing_ok=True)
    with EntityStore.open(path, discard_damaged=True) as s:
        assert s.generation() not in seen  # a reader's cache of the old store is stale


def test_odd_article_ids_round_trip(store: EntityStore) -> None:
    ids = [
        "bad\U0010ff80\U0010ffff.txt",
        "2004/\U0010ffc3\U0010ffa9t\u00e9.txt",
        'quote\'d "and" %_ wild*.txt',
        "new\nline/tab\t.txt",
        "emoji 📰 ẞ İ.txt",
        "a" * 2000,
        "",
    ]
    store.replace_many([(a, f"h{i}", [person("Blair", i)]) for i, a in enumerate(ids)], REC)
    mapping = {a: f"h{i}" for i, a in enumerate(ids)}
    assert store.pending(mapping, REC) == []
    assert store.facet_rows().article_ids == ids
    for a in ids:
        assert [m.text for m in store.mentions(a)] == ["Blair"]
    assert store.gone(set(ids[1:])) == [ids[0]]
    assert store.remove_articles([ids[0]]) == 1
    assert store.pending(mapping, REC) == [ids[0]]


def test_a_reader_thread_sees_only_whole_batches_while_the_writer_commits(path: Path) -> None:
    batch, batches = 20, 30
    EntityStore.open(path).close()
    stop = threading.Event()
    problems: list[str] = []
    reads = 0

    def reader() -> None:
        nonlocal reads
        with EntityStore.open(path, readonly=True) as r:
            while not stop.is_set():
                with r.reading():
                    rows = r.facet_rows("PERSON")
                    mentions = r.stats().mentions
                n = len(rows.article_ids)
                if n % batch:
                    problems.append(f"{n} articles visible: half a batch")
                if mentions != 2 * n:
                    problems.append(f"{mentions} mentions for {n} articles")
                if rows.offsets[-1] != n:  # one person each
                    problems.append("facet rows do not match the articles")
                reads += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        with EntityStore.open(path) as w:
            for b in range(batches):
                w.replace_many(
                    [
                        (f"{b}-{i}", "h", [person("Blair", 0), place("Hanoi", 10)])
                        for i in range(batch)
                    ],
                    REC,
                )
    finally:
        stop.set()
        thread.join(timeout=30)
    assert problems == []
    assert reads > 0


def test_a_reader_inside_reading_keeps_its_state_while_a_write_commits(path: Path) -> None:
    with EntityStore.open(path) as w, EntityStore.open(path, readonly=True) as r:
        w.replace_many([("a", "h", BLAIR)], REC)
        with r.reading():
            before = r.generation()
            w.replace_many([("b", "h", [place("Hanoi", 0)])], REC)
            w.remove_articles(["a"])
            assert r.generation() == before
            assert r.facet_rows().article_ids == ["a"]
            assert len(r.mentions("a")) == 2
        assert r.generation() != before
        assert r.facet_rows().article_ids == ["b"]


def test_one_store_can_be_shared_by_threads(store: EntityStore) -> None:
    store.replace_many([(f"a{i}", "h", BLAIR) for i in range(50)], REC)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(100):
                if k == 0:
                    store.replace_many([(f"a{i % 50}", f"h{i}", BLAIR[:1])], REC)
                else:
                    with store.reading():
                        rows = store.facet_rows("PERSON")
                        assert len(rows.article_ids) == 50
                    store.mentions(f"a{i % 50}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert store.check() == []


def test_kill_9_during_replace_many_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    # Each run: a child resumes the phase (pending -> replace_many in batches of 50, printing
    # what it committed), is SIGKILLed 0-0.25 s into its loop, and the store is checked.
    n = 2000
    outcomes = kill_runs(
        tmp_path, runs=8, n=n, batch=50, mentions=6, max_delay_s=0.25, budget_s=4.0
    )
    assert len(outcomes) >= 2
    assert [o.problems for o in outcomes] == [[] for _ in outcomes]
    assert any(0 < o.done < n and not o.finished for o in outcomes)  # killed mid-phase
