"""The Whoosh names the read path (`search.query`) works with, from the one package that
imports Whoosh.

`search.query` parses user text into Whoosh's query objects and walks them
(``query`` and ``qparser``, the parser's ``syntax`` nodes), and uses Whoosh's
``TermNotFound`` and Levenshtein ``distance``; the cluster backend reads a date range's
bounds with ``long_to_datetime``. Importing them from here keeps every use of Whoosh
inside `search.store`, listed in ``WHOOSH_INTERNALS.md``.
"""

from __future__ import annotations

from whoosh import qparser, query
from whoosh.qparser import syntax
from whoosh.reading import TermNotFound
from whoosh.support.levenshtein import distance
from whoosh.util.times import long_to_datetime

__all__ = ["TermNotFound", "distance", "long_to_datetime", "qparser", "query", "syntax"]
