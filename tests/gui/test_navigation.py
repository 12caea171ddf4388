"""Back and forward over the articles and entity pages the reader showed (no Qt needed)."""

from __future__ import annotations

from gui.navigation import Visits


def test_back_and_forward_walk_the_visits_and_stop_at_the_ends() -> None:
    visits = Visits()
    assert visits.back() is None and visits.forward() is None
    for visit in ("a.txt", ("PERSON", "Tokayev"), "b.txt"):
        visits.record(visit)
    assert visits.back() == ("PERSON", "Tokayev")
    assert visits.back() == "a.txt"
    assert visits.back() is None
    assert visits.forward() == ("PERSON", "Tokayev")
    assert visits.forward() == "b.txt"
    assert visits.forward() is None


def test_a_new_visit_after_going_back_drops_the_forward_part() -> None:
    visits = Visits()
    for visit in ("a.txt", "b.txt", "c.txt"):
        visits.record(visit)
    visits.back()
    visits.back()
    visits.record("d.txt")
    assert visits.forward() is None
    assert visits.back() == "a.txt"


def test_the_same_visit_twice_is_kept_once_and_the_trail_is_capped() -> None:
    visits = Visits(limit=3)
    for visit in ("a.txt", "a.txt", "b.txt", "c.txt", "d.txt"):
        visits.record(visit)
    assert [visits.back(), visits.back(), visits.back()] == ["c.txt", "b.txt", None]


def test_a_cleared_trail_has_nothing_to_go_back_to() -> None:
    visits = Visits()
    visits.record("a.txt")
    visits.record("b.txt")
    visits.clear()
    assert visits.back() is None and visits.forward() is None
