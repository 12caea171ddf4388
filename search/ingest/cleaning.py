"""Text -> paragraphs: stray symbols and invisible characters out of each line, hard-wrapped
lines joined, and the publisher's text after the ``./.`` end marker set apart."""

from __future__ import annotations

import re
import unicodedata

from search.analysis import fold_confusables

_LATIN_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
_WORD_INTERIOR = re.compile(rf"(?<=[{_LATIN_LETTER}])([^\s{_LATIN_LETTER}]+)(?=[{_LATIN_LETTER}])")
_SPACES = re.compile(r"[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
"""Zero-width characters, soft hyphens, and bidi embedding/override/isolate controls:
an override pasted into a title would show it reversed, and a stray one reorders
the text around it."""


def _is_stray(ch: str) -> bool:
    """A character that cannot belong inside a Latin word: a symbol or another script."""
    if ch.isascii():
        return False  # hyphens, apostrophes, dots, slashes are real punctuation
    cat = unicodedata.category(ch)
    if cat.startswith("M"):
        return False  # combining marks belong to the letter before them
    if cat in ("So", "Sm", "Sk", "Co", "Cn", "Cf", "Cs"):
        return True
    if cat.startswith("P"):
        # Keep Latin-1 and General Punctuation (quotes, dashes, ellipsis, « »);
        # punctuation of other scripts' blocks is pasted-in noise.
        return not (0x00A0 <= ord(ch) <= 0x00BF or 0x2010 <= ord(ch) <= 0x205E)
    if cat.startswith(("L", "N")):
        return "LATIN" not in unicodedata.name(ch, "")
    return False


def _remove_stray(match: re.Match[str]) -> str:
    run = match.group(1)
    kept = "".join(ch for ch in run if not _is_stray(ch))
    return kept


def clean_line(line: str) -> str:
    """Drop invisible and stray in-word characters, fold look-alike letters inside
    Latin words to Latin (``Kаzakhstan`` with a Cyrillic ``а``), fold runs of spaces."""
    if line.isascii():  # nothing invisible, no look-alike, no stray character (all ASCII)
        if "  " in line or "\t" in line:  # the only runs `_SPACES` can fold in ASCII
            line = _SPACES.sub(" ", line)
        return line.strip()
    line = _INVISIBLE.sub("", line)
    line = fold_confusables(line)
    line = _WORD_INTERIOR.sub(_remove_stray, line)
    return _SPACES.sub(" ", line).strip()


_END_MARKER = re.compile(r"\./\.")
_LINE_JOIN_END = re.compile(r"[.!?:;…\"”»)\]]$")


def split_paragraphs(text: str) -> list[str]:
    """Lines -> paragraphs. Blank lines and single newlines both separate paragraphs,
    but a line that stops mid-sentence joins a next line that starts in lower case
    (hard-wrapped text)."""
    paragraphs: list[str] = []
    for raw_line in text.split("\n"):
        line = clean_line(raw_line)
        if not line:
            if paragraphs and paragraphs[-1]:
                paragraphs.append("")
            continue
        prev = paragraphs[-1] if paragraphs else ""
        if prev and not _LINE_JOIN_END.search(prev) and line[0].islower():
            paragraphs[-1] = prev + " " + line
        else:
            paragraphs.append(line)
    return [p for p in paragraphs if p]


def split_trailing(paragraphs: list[str]) -> tuple[list[str], str]:
    """Cut at the first ``./.`` end marker; what follows is unrelated page text."""
    for i, para in enumerate(paragraphs):
        match = _END_MARKER.search(para)
        if not match:
            continue
        before = para[: match.start()].rstrip()
        after = para[match.end() :].strip()
        body = [*paragraphs[:i], before + "." if before and not before.endswith(".") else before]
        rest = ([after] if after else []) + paragraphs[i + 1 :]
        return [p for p in body if p], "\n\n".join(rest)
    return paragraphs, ""
