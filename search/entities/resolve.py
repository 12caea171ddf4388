"""Overlap resolution: the longest, most specific span wins; blocks are dropped.

``Kazakhstan Institute for Strategic Studies`` (ORG) beats ``Kazakhstan`` (COUNTRY)
inside it; at equal length the stronger evidence wins (a titled person over a place).
"""

from __future__ import annotations

from search.entities.spans import Candidate


def non_overlapping(candidates: list[Candidate]) -> list[Candidate]:
    """Greedy choice, longest then highest priority first; sorted by start, blocks kept."""
    ordered = sorted(candidates, key=lambda c: (-c.length, -c.priority, c.start))
    size = max((c.end for c in candidates), default=0)
    taken = bytearray(size)
    kept: list[Candidate] = []
    for cand in ordered:
        if cand.length <= 0 or any(taken[cand.start : cand.end]):
            continue
        taken[cand.start : cand.end] = b"\x01" * cand.length
        kept.append(cand)
    kept.sort(key=lambda c: c.start)
    return kept
