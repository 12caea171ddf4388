"""File -> Article: decoding, cleaning, title, date, source and trailing text.

Scraped news is messy: a metadata prefix glued to the first paragraph, headlines
repeated or missing, symbols pasted inside words, publisher teasers after the
end marker. Each rule here answers a quirk seen in real files; none of them
knows any particular article.

`article` reads a file and puts an Article together from `decoding` (bytes -> text),
`cleaning` (lines -> paragraphs, the trailing text), `title` (headline or derived title,
dateline) and `dates` (metadata prefix, a date in the text, the source line).
"""

from __future__ import annotations


class SkipFile(Exception):
    """This file is not indexed; ``str(e)`` says why, for the index report."""
