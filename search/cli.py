"""``archive-search``: index, query, show and stats from the command line.

User mistakes (missing folder, unknown id, bad date) print one line to stderr
and exit 2; they never show a traceback.
"""

from __future__ import annotations

import argparse
import calendar
import json
import logging
import multiprocessing
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from dateutil import parser as dateparser

from search import __version__
from search.api import Archive, country_name, default_archive_path, lookup_country
from search.errors import ArchiveError, BadRequest, IndexLocked
from search.model import IndexProgress, SearchRequest, Sort, UpdateReport

EXIT_USER_ERROR = 2


def parse_date(text: str, *, end: bool = False) -> date:
    """``2025-03-06``, ``2025-03`` or ``2025`` (a month or year: its first or last day)."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 12, 31) if end else date(int(value), 1, 1)
        month = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if month:
            year, mon = int(month.group(1)), int(month.group(2))
            last = calendar.monthrange(year, mon)[1]
            return date(year, mon, last if end else 1)
        return dateparser.parse(value, yearfirst=True, dayfirst=False).date()
    except (ValueError, OverflowError) as exc:
        raise BadRequest(
            f"Cannot read {text!r} as a date. Use YYYY-MM-DD, YYYY-MM or YYYY."
        ) from exc


def country_code(text: str) -> str:
    code = lookup_country(text)
    if code is None:
        raise BadRequest(f"Unknown country {text!r}. Use an ISO code such as KZ or a name.")
    return code


def _progress_printer(stream: TextIO) -> tuple[list[int], object]:
    last = [-1]

    def show(p: IndexProgress) -> None:
        if p.phase != "reading" or not p.total:
            return
        percent = p.done * 100 // p.total
        if percent != last[0] and (percent % 10 == 0 or stream.isatty()):
            last[0] = percent
            end = "\r" if stream.isatty() else "\n"
            stream.write(f"indexing: {p.done}/{p.total} files ({percent}%){end}")
            stream.flush()

    return last, show


def _print_report(report: UpdateReport, out: TextIO) -> None:
    out.write(
        f"added {report.added}, updated {report.updated}, removed {report.removed}, "
        f"unchanged {report.unchanged}, skipped {len(report.skipped)}, "
        f"ignored (not .txt) {report.ignored}"
        f"{', cancelled' if report.cancelled else ''} in {report.elapsed_s:.1f} s\n"
    )
    for skip in report.skipped:
        out.write(f"  skipped {skip.id}: {skip.reason}\n")
    for warning in report.warnings:
        out.write(f"  note {warning.id}: {warning.reason}\n")


def _open(args: argparse.Namespace, *, quiet: bool = True) -> Archive:
    root = Path(args.archive) if getattr(args, "archive", None) else default_archive_path()
    archive = Archive.open(root, args.index_dir)
    if not getattr(args, "no_update", False):
        try:
            report = archive.update()
        except IndexLocked:
            print(
                "archive-search: note: another program is updating this index; "
                "using the index as it is",
                file=sys.stderr,
            )
            return archive
        if not quiet and report.changed:
            _print_report(report, sys.stderr)
    return archive


def cmd_index(args: argparse.Namespace) -> int:
    root = Path(args.path) if args.path else default_archive_path()
    archive = Archive.open(root, args.index_dir, discard_damaged=args.rebuild)
    with archive:
        _, show = _progress_printer(sys.stderr)
        report = archive.update(progress=None if args.json else show, rebuild=args.rebuild)  # type: ignore[arg-type]
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            sys.stderr.write("\n" if sys.stderr.isatty() else "")
            _print_report(report, sys.stdout)
            print(f"{len(archive)} articles indexed in {archive.index_dir}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    request = SearchRequest(
        text=args.text,
        countries=tuple(country_code(c) for c in args.country),
        exclude_countries=tuple(country_code(c) for c in args.exclude_country),
        people=tuple(args.person),
        orgs=tuple(args.org),
        date_from=parse_date(args.date_from) if args.date_from else None,
        date_to=parse_date(args.date_to, end=True) if args.date_to else None,
        include_undated=not args.no_undated,
        sort=Sort(args.sort),
        offset=args.offset,
        limit=args.limit,
    )
    with _open(args) as archive:
        result = archive.search(request)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    if result.notice:
        print(f"note: {result.notice}", file=sys.stderr)
    print(f"{result.total} of {result.archive_total} articles")
    for rank, hit in enumerate(result.hits, start=request.offset + 1):
        when = hit.date.isoformat() if hit.date else "undated   "
        countries = " ".join(hit.countries)
        print(f"{rank:3}. {when}  {hit.title}  [{countries}]  ({hit.id})")
        if hit.snippet:
            print(f"     {hit.snippet_html('[', ']')}")
    facets = result.facets
    if facets.country:
        print("countries: " + ", ".join(f"{k} {v}" for k, v in facets.country.items()))
    if facets.month:
        print("months: " + ", ".join(f"{k} {v}" for k, v in facets.month.items()))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        article = archive.article(args.id)
    if args.json:
        print(json.dumps(article.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(article.title + (" (title derived from the text)" if article.title_derived else ""))
    print(
        f"date: {article.date.isoformat() if article.date else 'undated'} ({article.date_source})"
        f"  source: {article.source or '-'}  words: {article.words}"
    )
    print("countries: " + ", ".join(f"{c} ({country_name(c)})" for c in article.countries))
    print()
    print(article.body)
    if article.trailing:
        print("\n--- text after the end of the article ---")
        print(article.trailing)
    if article.entities:
        print("\n--- entities ---")
        for entity in article.entities:
            extra = f" ({entity.role})" if entity.role else ""
            print(f"{entity.type:8} {entity.text!r} -> {entity.norm}{extra}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        stats = archive.stats()
    if args.json:
        print(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"archive: {stats.root}")
    print(f"index:   {stats.index_dir} ({stats.index_bytes / 1e6:.1f} MB)")
    print(f"articles: {stats.articles} ({stats.dated} dated, {stats.undated} undated)")
    if stats.first_date and stats.last_date:
        print(f"dates: {stats.first_date} to {stats.last_date}")
    print("countries: " + ", ".join(f"{k} {v}" for k, v in stats.countries.items()))
    for skip in stats.skipped:
        print(f"skipped {skip.id}: {skip.reason}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive-search", description="Search an archive of news articles."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, with_archive: bool = True) -> None:
        if with_archive:
            p.add_argument("--archive", help="archive folder (default: the bundled sample)")
            p.add_argument(
                "--no-update",
                action="store_true",
                help="do not check the folder for changed files first",
            )
        p.add_argument("--index-dir", help="where the index lives (default: per-user data folder)")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    p_index = sub.add_parser("index", help="build or update the index of a folder")
    p_index.add_argument("path", nargs="?", help="archive folder (default: the bundled sample)")
    p_index.add_argument("--rebuild", action="store_true", help="discard the index and rebuild it")
    common(p_index, with_archive=False)
    p_index.set_defaults(run=cmd_index)

    p_query = sub.add_parser("query", help="search the archive")
    p_query.add_argument("text", help='query, e.g. kazakh AND "foreign ministry"; "" lists all')
    common(p_query)
    p_query.add_argument("--country", action="append", default=[], help="any of these (repeat)")
    p_query.add_argument("--exclude-country", action="append", default=[], help="none of these")
    p_query.add_argument("--person", action="append", default=[], help="person (normalised name)")
    p_query.add_argument("--org", action="append", default=[], help="organisation (normalised)")
    p_query.add_argument("--from", dest="date_from", help="from date, inclusive (YYYY-MM-DD)")
    p_query.add_argument("--to", dest="date_to", help="to date, inclusive (YYYY-MM-DD)")
    p_query.add_argument("--no-undated", action="store_true", help="leave out undated articles")
    p_query.add_argument("--sort", choices=[s.value for s in Sort], default="relevance")
    p_query.add_argument("--limit", type=int, default=20)
    p_query.add_argument("--offset", type=int, default=0)
    p_query.set_defaults(run=cmd_query)

    p_show = sub.add_parser("show", help="print one article")
    p_show.add_argument("id", help="article id: its path relative to the archive folder")
    common(p_show)
    p_show.set_defaults(run=cmd_show)

    p_stats = sub.add_parser("stats", help="counts and index facts")
    common(p_stats)
    p_stats.set_defaults(run=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # indexing workers in a frozen (PyInstaller) build
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.run(args)
        return code
    except ArchiveError as exc:
        print(f"archive-search: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("archive-search: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
