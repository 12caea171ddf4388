"""``archive-search``: index, query, show and stats from the command line.

Every failure is one line on stderr, never a traceback: user mistakes (missing
folder, unknown id, bad date or argument, a file the system refuses) exit 2;
output that cannot be written (disk full) and bugs exit 1, a bug's traceback
going to the log file. Article text and file names are untrusted, so human
output shows their control characters as visible escapes (search.terminal).
"""

from __future__ import annotations

import argparse
import calendar
import codecs
import contextlib
import io
import json
import logging
import logging.handlers
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import NoReturn

from platformdirs import user_log_dir

from search import LOGGER as ENGINE_LOGGER
from search import __version__, cli_client, cli_cluster, cli_entities
from search.api import Archive, country_name, default_archive_path, lookup_country
from search.cli_output import (
    EXIT_FAILED,
    OutputFailed,
    flush_out,
    os_error,
    output_failed,
    tolerant_streams,
    write_err,
    write_out,
)
from search.errors import ArchiveError, ArticleNotFound, BadRequest, IndexLocked, IndexWriteFailed
from search.facade import ArchiveReader
from search.model import Article, Hit, IndexProgress, SearchRequest, Sort, UpdateReport
from search.terminal import escape_line, escape_text, json_safe, unescape

PROG = "archive-search"
EXIT_USER_ERROR = 2
LOG_NAME = "archive-search.log"
APP_LOGGER = "archive_browser"
"""The root of the one logging tree (the engine's loggers included): its records go to the
log file and stderr."""

log = logging.getLogger("archive_browser.cli")


def out(line: str = "") -> None:
    """One line of human output, its control characters made visible."""
    write_out(escape_text(line) + "\n")


def out_json(data: object) -> None:
    """JSON with the exact text; what a terminal would act on is ``\\u``-escaped."""
    text = json.dumps(data, ensure_ascii=not _is_unicode(sys.stdout), indent=2)
    write_out(json_safe(text) + "\n")


def err(line: str) -> None:
    """One line on stderr, never more (newlines in it are shown as ``\\n``)."""
    write_err(escape_line(line) + "\n")


def fail(message: str) -> None:
    err(f"{PROG}: {message}")


def _is_unicode(stream: object) -> bool:
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name.startswith("utf")
    except LookupError:
        return False


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
        from dateutil import parser as dateparser  # noqa: PLC0415 - 0.1 s, for odd dates only

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


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None


def offset_type(text: str) -> int:
    """``--offset``: how many hits to skip; a negative one would count from the end."""
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def limit_type(text: str) -> int:
    """``--limit``: hits to print; 0 prints only the counts."""
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (counts only) or more, not {value}")
    return value


def folder_type(text: str) -> str:
    """A folder option: empty would silently mean the default (e.g. the bundled sample)."""
    if not text:
        raise argparse.ArgumentTypeError("must not be empty")
    return text


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line, like every other error (argparse adds the usage)."""

    def error(self, message: str) -> NoReturn:
        err(f"{self.prog}: error: {message} (see {self.prog} --help)")
        self.exit(EXIT_USER_ERROR)

    def _print_message(self, message: str, file: object = None) -> None:
        """--help and --version on a full disk fail like any output (argparse ignores it)."""
        if message and file is sys.stdout:
            write_out(message)
        elif message:
            write_err(message)


def _progress_printer() -> Callable[[IndexProgress], None]:
    last = [-1]

    phase = [""]

    def show(p: IndexProgress) -> None:
        if p.phase not in ("reading", "entities") or not p.total:
            return
        tty = sys.stderr.isatty()
        if p.phase != phase[0]:
            if phase[0] and tty:
                write_err("\n")
            phase[0], last[0] = p.phase, -1
        percent = p.done * 100 // p.total
        if percent != last[0] and (percent % 10 == 0 or tty):
            last[0] = percent
            what = "indexing" if p.phase == "reading" else "recognising entities"
            unit = "files" if p.phase == "reading" else "articles"
            end = "\r" if tty else "\n"
            write_err(f"{what}: {p.done}/{p.total} {unit} ({percent}%){end}")

    return show


def _print_report(report: UpdateReport, line: Callable[[str], None]) -> None:
    line(
        f"added {report.added}, updated {report.updated}, removed {report.removed}, "
        f"unchanged {report.unchanged}, skipped {len(report.skipped)}, "
        f"ignored (not .txt) {report.ignored}"
        f"{', cancelled' if report.cancelled else ''} in {report.elapsed_s:.1f} s"
    )
    if report.entities_done or report.entities_left:
        left = (
            f", {report.entities_left} still to do (run 'archive-search index' to finish)"
            if report.entities_left
            else ""
        )
        line(f"entities recognised in {report.entities_done} articles{left}")
    for skip in report.skipped:
        line(f"  skipped {escape_line(skip.id)}: {escape_line(skip.reason)}")
    for warning in report.warnings:
        line(f"  note {escape_line(warning.id)}: {escape_line(warning.reason)}")


def _open(args: argparse.Namespace, *, quiet: bool = True) -> Archive:
    archive_arg = getattr(args, "archive", None)
    root = Path(archive_arg) if archive_arg is not None else default_archive_path()
    archive = Archive.open(root, args.index_dir)
    if not getattr(args, "no_update", False):
        bring_up_to_date(archive, quiet=quiet)
    return archive


def _reader(args: argparse.Namespace) -> ArchiveReader:
    """The archive a reading command asks: the shared one of ``--server``, else the folder's."""
    if getattr(args, "server", None):
        return cli_cluster.open_shared(args.server)
    return _open(args)


def bring_up_to_date(archive: Archive, *, quiet: bool = True) -> bool:
    """The up-to-date check of ``query`` and ``show``: the text only (a query must not wait
    for the model). False when the index could not be updated (a note says so) and is
    answered from as it is."""
    try:
        report = archive.update(entities=False)
    except IndexLocked:
        err(f"{PROG}: note: another program is updating this index; using the index as it is")
        return False
    except IndexWriteFailed as exc:  # a full disk or a read-only index folder
        err(f"{PROG}: note: {exc} Using the index as it is.")
        return False
    if not quiet and report.changed:
        _print_report(report, err)
    return True


Opener = Callable[[argparse.Namespace], AbstractContextManager[ArchiveReader]]
"""What a command gets its archive from: opened here (``_reader``), or lent by a warm query
server (search/cli_server.py), which keeps it open."""


def cmd_index(args: argparse.Namespace) -> int:
    root = Path(args.path) if args.path is not None else default_archive_path()
    archive = Archive.open(
        root, args.index_dir, discard_damaged=args.rebuild, take_over=args.rebuild
    )
    with archive:
        report = archive.update(
            progress=None if args.json else _progress_printer(),
            rebuild=args.rebuild,
            verify=args.verify,
            entities=not args.text_only,
        )
        if not args.json:
            write_err("\n" if sys.stderr.isatty() else "")
            _print_report(report, out)
            out(f"{len(archive)} articles indexed in {escape_line(str(archive.index_dir))}")
        loaded = _load_cluster(archive, args.to, args.json) if args.to is not None else None
        if args.json:
            out_json(report.to_json() | ({"cluster": loaded} if loaded is not None else {}))
    return 0


def _load_cluster(archive: Archive, where: Path, quiet: bool) -> dict[str, object]:
    """Send the archive's articles to the cluster recorded in ``where`` (its folder or
    cluster.json): only what changed, every mirror. Returns what was done."""
    from search.backends.cluster import loader, nodes  # noqa: PLC0415 - only with --to

    folder = where.parent if where.name == nodes.MANIFEST else where
    cluster = nodes.read(folder)
    printer = None if quiet else _load_printer()
    report = loader.load(archive, cluster, printer)
    if not quiet:
        write_err("\n" if printer else "")
        out(
            f"cluster {cluster.url}: {report.written} rows written, {report.deleted} deleted, "
            f"{report.unchanged} unchanged ({report.articles} articles, "
            f"{report.retries} retries)"
        )
    return {"url": cluster.url, **asdict(report)}


def _load_printer() -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        write_err(f"\rLoading the cluster: {done:,} of {total:,}")

    return show


def _snippet(hit: Hit) -> str:
    """The snippet as plain text, matched words in [brackets] (no HTML entities)."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(hit.snippet_marks):
        if start < pos:
            continue
        parts += [hit.snippet[pos:start], "[", hit.snippet[start:end], "]"]
        pos = end
    parts.append(hit.snippet[pos:])
    return escape_line("".join(parts))


def cmd_query(args: argparse.Namespace, opener: Opener = _reader) -> int:
    request = SearchRequest(
        text=args.text,
        countries=tuple(country_code(c) for c in args.country),
        exclude_countries=tuple(country_code(c) for c in args.exclude_country),
        people=tuple(args.person),
        orgs=tuple(args.org),
        exclude_people=tuple(args.exclude_person),
        exclude_orgs=tuple(args.exclude_org),
        date_from=parse_date(args.date_from) if args.date_from else None,
        date_to=parse_date(args.date_to, end=True) if args.date_to else None,
        include_undated=not args.no_undated,
        sort=Sort(args.sort),
        offset=args.offset,
        limit=args.limit,
        collapse=args.collapse,
    )
    with opener(args) as archive:
        result = archive.search(request)
    if args.json:
        out_json(result.to_json())
        return 0
    if result.notice:
        err(f"note: {result.notice}")
    hidden = ""
    if result.hidden_copies:
        copies = "copy" if result.hidden_copies == 1 else "copies"
        hidden = f" ({result.hidden_copies} {copies} hidden; --no-collapse shows them)"
    out(f"{result.total} of {result.archive_total} articles{hidden}")
    if args.limit and result.total and args.offset >= result.total:
        hits = "the hit" if result.total == 1 else f"all {result.total} hits"
        err(f"note: --offset {args.offset} skips {hits}")
    for rank, hit in enumerate(result.hits[: args.limit], start=request.offset + 1):
        when = hit.date.isoformat() if hit.date else "undated   "
        countries = escape_line(" ".join(hit.countries))
        versions = f"  ({hit.versions} versions)" if hit.versions > 1 else ""
        out(
            f"{rank:3}. {when}  {escape_line(hit.title)}  [{countries}]  ({escape_line(hit.id)})"
            + versions
        )
        if hit.snippet:
            out(f"     {_snippet(hit)}")
    facets = result.facets
    if facets.country:
        out("countries: " + ", ".join(f"{k} {v}" for k, v in facets.country.items()))
    if facets.month:
        out("months: " + ", ".join(f"{k} {v}" for k, v in facets.month.items()))
    return 0


def find_article(archive: ArchiveReader, typed: str, *, final: bool = False) -> Article:
    """The article ``typed`` names, also when typed as shown (``bad\\xff.txt``)."""
    try:
        return archive.article(typed, final=final)
    except ArticleNotFound as first:
        shown = unescape(typed)
        if shown == typed:
            raise
        try:
            return archive.article(shown, final=final)
        except ArticleNotFound:
            raise first from None


def cmd_show(args: argparse.Namespace) -> int:
    with _reader(args) as archive:
        article = find_article(archive, args.id, final=True)
        try:
            versions = archive.versions(article.id)
        except ArticleNotFound:  # removed by another writer since: show it alone
            versions = []
    if args.json:
        out_json(article.to_json() | {"versions": [v.to_json() for v in versions]})
        return 0
    derived = " (title derived from the text)" if article.title_derived else ""
    out(escape_line(article.title) + derived)
    out(
        f"date: {article.date.isoformat() if article.date else 'undated'} ({article.date_source})"
        f"  source: {escape_line(article.source or '-')}  words: {article.words}"
    )
    out("countries: " + ", ".join(f"{c} ({country_name(c)})" for c in article.countries))
    out()
    out(article.body)
    if article.trailing:
        out("\n--- text after the end of the article ---")
        out(article.trailing)
    if article.entities:
        out("\n--- entities ---")
        for entity in article.entities:
            extra = f" ({escape_line(entity.role)})" if entity.role else ""
            out(f"{entity.type:8} {entity.text!r} -> {escape_line(entity.norm)}{extra}")
    if len(versions) > 1:
        out(f"\n--- {len(versions)} versions of this story ---")
        for version in versions:
            when = version.date.isoformat() if version.date else "undated   "
            mark = "*" if version.id == article.id else " "
            source, shown_id = escape_line(version.source or "-"), escape_line(version.id)
            out(f"{mark} {when}  {escape_line(version.title)}  {source}  ({shown_id})")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _reader(args) as archive:
        stats = archive.stats()
    if args.json:
        out_json(stats.to_json())
        return 0
    out(f"archive: {escape_line(stats.root)}")
    out(f"index:   {escape_line(stats.index_dir)} ({stats.index_bytes / 1e6:.1f} MB)")
    out(f"articles: {stats.articles} ({stats.dated} dated, {stats.undated} undated)")
    if stats.first_date and stats.last_date:
        out(f"dates: {stats.first_date} to {stats.last_date}")
    out("countries: " + ", ".join(f"{k} {v}" for k, v in stats.countries.items()))
    for skip in stats.skipped:
        out(f"skipped {escape_line(skip.id)}: {escape_line(skip.reason)}")
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    """List or stop this user's query servers (search/cli_server.py), all or one archive's."""
    if args.archive is not None or args.index_dir is not None:
        argv = ["query", "", *(["--archive", args.archive] if args.archive else [])]
        argv += ["--index-dir", args.index_dir] if args.index_dir else []
        target = cli_client.target_of(argv)
        sockets = [target["socket"]] if target is not None else []
    else:
        sockets = cli_client.servers()
    found = []
    for path in sockets:
        info = cli_client.control(path, args.action)
        if info is not None:
            info.pop("status", None)
            found.append(info)
    if args.json:
        out_json(found)
        return 0
    verb = "stopped" if args.action == "stop" else "running"
    for info in found:
        out(
            f"{verb}: pid {info['pid']}  {escape_line(info['archive'])}  "
            f"({info['queries']} queries since {info['started']}; socket "
            f"{escape_line(info['socket'])})"
        )
    if not found:
        out("no query server is running" + (" for this archive" if sockets else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Search an archive of news articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log details (and tracebacks) to stderr"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, with_archive: bool = True) -> None:
        if with_archive:
            p.add_argument(
                "--archive", type=folder_type, help="archive folder (default: the bundled sample)"
            )
            p.add_argument(
                "--no-update",
                action="store_true",
                help="do not check the folder for changed files first",
            )
        p.add_argument(
            "--index-dir",
            type=folder_type,
            help="where the index lives (default: per-user data folder)",
        )
        p.add_argument("--json", action="store_true", help="machine-readable output")

    def shared(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--server",
            metavar="URL",
            help="a shared archive instead of a folder: sphinxql://HOST:PORT/INDEX or the "
            "folder of a cluster started with 'cluster start'",
        )

    p_index = sub.add_parser("index", help="build or update the index of a folder")
    p_index.add_argument(
        "path", nargs="?", type=folder_type, help="archive folder (default: the bundled sample)"
    )
    p_index.add_argument("--rebuild", action="store_true", help="discard the index and rebuild it")
    p_index.add_argument(
        "--verify",
        action="store_true",
        help="read every file again to find changes that kept its size and times",
    )
    p_index.add_argument(
        "--to",
        type=Path,
        metavar="CLUSTER",
        help="then load the articles into the cluster of this folder (see 'cluster start')",
    )
    p_index.add_argument(
        "--text-only",
        action="store_true",
        help="index the text and its countries and stop: leave the other entities for the next run",
    )
    common(p_index, with_archive=False)
    p_index.set_defaults(run=cmd_index)

    p_query = sub.add_parser("query", help="search the archive")
    p_query.add_argument("text", help='query, e.g. kazakh AND "foreign ministry"; "" lists all')
    common(p_query)
    shared(p_query)
    p_query.add_argument("--country", action="append", default=[], help="any of these (repeat)")
    p_query.add_argument("--exclude-country", action="append", default=[], help="none of these")
    p_query.add_argument("--person", action="append", default=[], help="person (normalised name)")
    p_query.add_argument("--org", action="append", default=[], help="organisation (normalised)")
    p_query.add_argument("--exclude-person", action="append", default=[], help="none naming it")
    p_query.add_argument("--exclude-org", action="append", default=[], help="none naming it")
    p_query.add_argument("--from", dest="date_from", help="from date, inclusive (YYYY-MM-DD)")
    p_query.add_argument("--to", dest="date_to", help="to date, inclusive (YYYY-MM-DD)")
    p_query.add_argument("--no-undated", action="store_true", help="leave out undated articles")
    p_query.add_argument("--sort", choices=[s.value for s in Sort], default="relevance")
    p_query.add_argument(
        "--limit", type=limit_type, default=20, help="hits to print (0: only the counts)"
    )
    p_query.add_argument("--offset", type=offset_type, default=0, help="hits to skip first")
    p_query.add_argument(
        "--collapse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="one hit per story, copies and near-duplicates counted once (default); "
        "--no-collapse: every copy",
    )
    p_query.add_argument(
        "--no-server",
        action="store_true",
        help="answer in this process, not through the archive's warm query server",
    )
    p_query.set_defaults(run=cmd_query)

    p_show = sub.add_parser("show", help="print one article")
    p_show.add_argument("id", help="article id: its path relative to the archive folder")
    common(p_show)
    shared(p_show)
    p_show.set_defaults(run=cmd_show)

    p_stats = sub.add_parser("stats", help="counts and index facts")
    common(p_stats)
    shared(p_stats)
    p_stats.set_defaults(run=cmd_stats)
    p_server = sub.add_parser("query-server", help="the warm query servers: status, stop")
    p_server.add_argument("action", choices=["status", "stop"])
    p_server.add_argument("--archive", type=folder_type, help="only this archive's server")
    p_server.add_argument("--index-dir", type=folder_type, help="with --archive: its index")
    p_server.add_argument("--json", action="store_true", help="machine-readable output")
    p_server.set_defaults(run=cmd_server)
    cli_entities.register(sub, common, _open, out, out_json)
    cli_cluster.register(sub, out, out_json)
    return parser


def log_dir() -> Path:
    """The per-user log folder the GUI uses too (gui/errors.py; the engine cannot import it)."""
    override = os.environ.get("ARCHIVE_BROWSER_DATA_DIR")
    if override:
        return Path(override) / "logs"
    return Path(user_log_dir("ArchiveBrowser", appauthor=False))


class LogFile(logging.handlers.RotatingFileHandler):
    """Warnings and tracebacks for later; the file is made only when there is one."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.failed = False

    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failed = True  # a log that cannot be written must not print a traceback


class TerminalLog(logging.Handler):
    """Engine log records on stderr: one line each, tracebacks only with ``-v``.

    An ERROR with a traceback is the detail of the error the command reports
    in its own one line, so without ``-v`` it goes only to the log file.
    """

    def __init__(self, verbose: bool) -> None:
        super().__init__(logging.INFO if verbose else logging.WARNING)
        self.verbose = verbose
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.verbose:
                write_err(escape_text(self.format(record)) + "\n")
            elif not (record.exc_info and record.levelno >= logging.ERROR):
                err(f"{PROG}: {record.levelname.lower()}: {record.getMessage()}")
        except Exception:  # a bad log call must not print logging's own traceback
            return


@contextlib.contextmanager
def _logging(verbose: bool) -> Iterator[LogFile]:
    """Engine logs to the log file and (without tracebacks) stderr, for one ``main``."""
    log_file = LogFile(log_dir() / LOG_NAME)
    log_file.setLevel(logging.WARNING)
    terminal = TerminalLog(verbose)
    app = logging.getLogger(APP_LOGGER)
    loggers = [app, logging.getLogger(ENGINE_LOGGER)]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO if verbose else logging.WARNING)
    app.addHandler(log_file)
    app.addHandler(terminal)
    try:
        yield log_file
    finally:
        app.removeHandler(log_file)
        app.removeHandler(terminal)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        log_file.close()


def _run(args: argparse.Namespace, log_file: LogFile) -> int:
    try:
        code: int = args.run(args)
        return code
    except OutputFailed:
        raise
    except ArchiveError as exc:
        fail(str(exc) or type(exc).__name__)
        return EXIT_USER_ERROR
    except OSError as exc:  # a folder or file the system refuses: the user can fix it
        log.error("%s failed", args.command, exc_info=exc)
        fail(os_error(exc))
        return EXIT_USER_ERROR
    except Exception as exc:
        log.error("internal error in %s", args.command, exc_info=exc)
        where = (
            "run with -v for details"
            if log_file.failed
            else f"details in the log file {log_file.baseFilename}"
        )
        fail(f"internal error: {type(exc).__name__}: {exc} ({where})")
        return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """The command, in this process (search/cli_client.py may answer a query elsewhere)."""
    multiprocessing.freeze_support()  # indexing workers in a frozen (PyInstaller) build
    tolerant_streams()
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, --version, argument errors
            code = exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
        else:
            with _logging(args.verbose) as log_file:
                code = _run(args, log_file)
        flush_out()
        return code
    except OutputFailed as exc:
        return output_failed(exc, PROG)
    except KeyboardInterrupt:
        fail("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
