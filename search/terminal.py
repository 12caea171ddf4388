"""Text from articles and file names made safe to print on a terminal.

Article text is untrusted: an ESC or a C1 control in a title can retitle or
recolour the user's terminal, a bidi override can make a line read backwards,
and a file name that is not UTF-8 arrives as lone surrogates that a strict
encoder refuses. Human output shows all of these as visible escapes; JSON keeps
the exact text but writes them as ``\\uXXXX`` escapes, so it stays both
faithful and safe to view.
"""

from __future__ import annotations

import re

_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
_ID_BYTES = "\U0010ff80-\U0010ffff"
"""How an article id keeps a file-name byte that is not UTF-8 (search/ids.py): U+10FF00 + byte."""
_UNSAFE_TEXT = re.compile(f"[{_CONTROL}{_BIDI}{_SURROGATES}{_ID_BYTES}]")
_UNSAFE_LINE = re.compile(f"[\t\n{_CONTROL}{_BIDI}{_SURROGATES}{_ID_BYTES}]")
_UNSAFE_JSON = re.compile(f"[\x7f-\x9f{_BIDI}{_SURROGATES}]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([tnr]))")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code >= 0x10FF80:  # the same byte as an article id keeps it
        return f"\\x{code - 0x10FF00:02x}"
    return f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """``text`` with controls, bidi overrides and lone surrogates visible; keeps newlines, tabs."""
    return _UNSAFE_TEXT.sub(_visible, text)


def escape_line(text: str) -> str:
    """Like :func:`escape_text`, and newlines and tabs too: for one-line fields (ids, titles)."""
    return _UNSAFE_LINE.sub(_visible, text)


def unescape(text: str) -> str:
    """Undo :func:`escape_line`, so an id can be typed back as it was shown.

    ``\\xHH`` of 0x80 and above is a raw file-name byte, as ``os.fsdecode`` reads it
    (and as ``Archive.article`` accepts it).
    """

    def char(match: re.Match[str]) -> str:
        byte, wide, short = match.groups()
        if short:
            return {"t": "\t", "n": "\n", "r": "\r"}[short]
        if byte:
            code = int(byte, 16)
            return chr(code if code < 0x80 else 0xDC00 + code)
        return chr(int(wide, 16))

    return _ESCAPE.sub(char, text)


def json_safe(dumped: str) -> str:
    """Escape, in JSON text from ``json.dumps(ensure_ascii=False)``, what it leaves raw.

    ``json.dumps`` already escapes C0 controls; DEL, C1 controls, bidi overrides
    and lone surrogates only occur inside strings, where ``\\uXXXX`` is the same
    string to a JSON reader (and lone surrogates could not be encoded at all).
    """
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
