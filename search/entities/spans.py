"""Candidate spans proposed by the recognisers, before overlaps are resolved.

Every recogniser returns ``Candidate`` objects; ``resolve`` keeps the longest, most
specific non-overlapping ones and turns them into ``Entity`` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CandidateType = Literal["PERSON", "ORG", "COUNTRY", "PLACE", "DATE", "BLOCK"]
"""``BLOCK`` covers a phrase that is no entity (``Soviet Union``, a treaty name) so that
nothing inside it is tagged; it is dropped from the output."""

# Priorities break ties between spans of equal length: strong evidence first.
BLOCK_LISTED = 80
PERSON_TITLED = 70
PERSON_SHORT = 58
ORG_KNOWN = 65
COUNTRY = 60
DATE = 60
PLACE = 55
ORG_RULE = 50
BLOCK = 45
PERSON_NAMELIKE = 40
PERSON_AFTER_SPEECH = 38
PLACE_WEAK = 35
PLACE_CUE = 34
ORG_CUE = 34
ORG_ACRONYM = 33
PERSON_WEAK = 30


@dataclass(slots=True)
class Candidate:
    """A proposed entity span with the evidence strength that proposed it."""

    type: CandidateType
    start: int
    end: int
    norm: str
    priority: int
    role: str | None = None
    country: str | None = None

    @property
    def length(self) -> int:
        return self.end - self.start
