"""The fixed query mix every engine is measured with, built from the generator's vocabulary.

Why derived, not hand-written: the words must exist in the synthetic corpus at known ranks
(common, rare), and the mix must be identical for our engine, Recoll and Xapian.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from bench.gen_corpus import DATA, VOCAB_SIZE, vocabulary

QUERY_SEED = "archive-browser-queries-v1"

KINDS = ("one_common", "one_rare", "two", "phrase", "prefix", "fuzzy", "entity", "empty")


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    kind: str


def _misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


def query_mix() -> list[Query]:
    """About 210 queries: one word (common and rare), two words, phrases, prefixes, fuzzy,
    entity names and the empty query."""
    v = vocabulary()
    rng = random.Random(QUERY_SEED)
    real = len([w for w in DATA["content_words"] if w not in set(DATA["stopwords"])])
    common = v.content[:40]
    mid = v.content[40:real]
    rare = rng.sample(v.content[1000:VOCAB_SIZE], 40)
    out = [Query(w, "one_common") for w in common]
    out += [Query(w, "one_rare") for w in rare]
    for i in range(40):
        a = rng.choice(common if i % 2 else mid)
        b = rng.choice(rare if i % 4 == 3 else mid)
        out.append(Query(f"{a} {b}", "two"))
    stop = set(v.stop)
    phrases = [c for c in DATA["collocations"] if " " in c and not set(c.split()) & stop]
    frag = [f for f in v.fragments[:400] if not set(f) & stop and len(f) > 1]
    picked = phrases[:18] + [" ".join(f) for f in frag[:12]]
    out += [Query(f'"{p}"', "phrase") for p in picked]
    prefixes = ["coop*", "develop*", "kaz*", "viet*", "minist*", "econom*", "diplom*", "trad*"]
    prefixes += [w[:4] + "*" for w in rng.sample(v.content[800:3000], 12)]
    out += [Query(p, "prefix") for p in prefixes]
    out.append(Query("cooperaton~", "fuzzy"))
    out += [Query(_misspell(w, rng) + "~", "fuzzy") for w in rng.sample(v.content[:200], 14)]
    entities = ["Kazakhstan", "Kazakh", "Việt Nam", "Hanoi", "Japanese", "France", "ASEAN"]
    entities += ["Rudenko", "Tanaka", "Hằng", "Chinh", "Astana", "Eurasian Economic Union"]
    entities += ["Ministry of Foreign Affairs", "Prime Minister"]
    out += [Query(e, "entity") for e in entities]
    out.append(Query("", "empty"))
    return out


def fold(text: str) -> str:
    """Lower case without accents, the way Recoll's default (stripped) index stores terms."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def terms(query: Query) -> set[str]:
    """The words a query touches (for "first time seen" bookkeeping)."""
    return {fold(t).strip('"*~') for t in query.text.split()} - {""}


if __name__ == "__main__":
    for q in query_mix():
        print(f"{q.kind:12} {q.text}")
