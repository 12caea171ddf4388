"""``archive-search entities ...``: list the entities, correct them, share the corrections.

Corrections apply at once (no reindex) and are kept in the entity store beside the index,
so they survive updates and rebuilds; ``export`` writes them to a small JSON file that
``import`` applies to a colleague's copy of the archive.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from search.api import lookup_country
from search.errors import BadCorrection
from search.model import CorrectionKind, SearchRequest

OpenArchive = Callable[[argparse.Namespace], AbstractContextManager[Any]]
Out = Callable[[str], None]
TYPES = ("PERSON", "ORG", "PLACE", "COUNTRY", "DATE")


def register(
    sub: Any,
    common: Callable[[argparse.ArgumentParser], None],
    open_archive: OpenArchive,
    out: Out,
    out_json: Callable[[object], None],
) -> None:
    """Add ``entities`` and its commands to the ``archive-search`` parser."""
    p_entities = sub.add_parser("entities", help="list and correct people, organisations, places")
    commands = p_entities.add_subparsers(dest="entities_command", required=True, metavar="COMMAND")

    def typed(p: argparse.ArgumentParser, required: bool = True) -> None:
        p.add_argument(
            "--type",
            required=required,
            type=str.upper,
            choices=TYPES,
            help="PERSON, ORG, PLACE, COUNTRY or DATE",
        )
        common(p)

    p_list = commands.add_parser("list", help="each entity with the number of its articles")
    typed(p_list, required=False)

    def run_list(args: argparse.Namespace) -> int:
        with open_archive(args) as archive:
            found = archive.entities(args.type)
        if args.json:
            out_json([e.to_json() for e in found])
        for e in [] if args.json else found:
            out(f"{e.type:7} {e.articles:6}  {e.name}")
        return 0

    p_list.set_defaults(run=run_list)

    p_show = commands.add_parser("show", help="an entity's page: counts, months, company")
    p_show.add_argument("name", help="its name as listed (a country: its code or name)")
    p_show.add_argument("--limit", type=int, default=10, help="articles to list")
    typed(p_show)

    def run_show(args: argparse.Namespace) -> int:
        with open_archive(args) as archive:
            name = args.name
            if args.type == "COUNTRY":
                name = lookup_country(name) or name
            page = archive.entity_page(args.type, name, max(0, args.limit))
        if args.json:
            out_json(page.to_json())
            return 0
        seen = f"{page.first_seen} to {page.last_seen}" if page.first_seen else "no dated article"
        out(f"{page.type} {page.name}: {page.articles} articles ({seen})")
        if page.aliases:
            out("also written: " + ", ".join(page.aliases))
        out("by month: " + ", ".join(f"{m} {n}" for m, n in page.months.items()))
        for label, counts in (
            ("people", page.people),
            ("organisations", page.orgs),
            ("countries", page.countries),
        ):
            if counts:
                out(f"{label} with it: " + ", ".join(f"{k} ({v})" for k, v in counts.items()))
        for hit in page.hits:
            out(f"  {hit.date or 'undated'}  {hit.id}: {hit.snippet}")
        return 0

    p_show.set_defaults(run=run_show)

    def searching(p: argparse.ArgumentParser) -> None:
        p.add_argument("text", nargs="?", default="", help='a query ("" or nothing: all)')
        p.add_argument("--country", action="append", default=[], help="any of these (repeat)")
        common(p)

    p_with = commands.add_parser("with", help="who appears with whom in a search's articles")
    searching(p_with)

    def run_with(args: argparse.Namespace) -> int:
        request = SearchRequest(text=args.text, countries=tuple(args.country))
        with open_archive(args) as archive:
            graph = archive.cooccurrence(request)
        if args.json:
            out_json(graph.to_json())
            return 0
        for a, b, n in graph.edges[:40]:
            first, second = graph.nodes[a], graph.nodes[b]
            out(f"{n:5}  {first.name} ({first.type}) + {second.name} ({second.type})")
        return 0

    p_with.set_defaults(run=run_with)

    p_pairs = commands.add_parser("pairs", help="country pairs by month in a search's articles")
    searching(p_pairs)
    p_pairs.add_argument("--pin", help="one country and its partners (code or name)")
    p_pairs.add_argument("--top", type=int, default=10, help="countries (or partners) shown")

    def run_pairs(args: argparse.Namespace) -> int:
        request = SearchRequest(text=args.text, countries=tuple(args.country))
        pinned = (lookup_country(args.pin) or args.pin) if args.pin else None
        with open_archive(args) as archive:
            table = archive.country_pairs(request, max(1, args.top), pinned)
        if args.json:
            out_json(table.to_json())
            return 0
        out("pair     " + " ".join(f"{m:>7}" for m in table.months))
        for (a, b), counts in table.pairs.items():
            out(f"{a}-{b:5} " + " ".join(f"{n:7}" for n in counts))
        return 0

    p_pairs.set_defaults(run=run_pairs)

    def correcting(
        name: str, help_text: str, kind: CorrectionKind, extra: list[tuple[str, str]]
    ) -> None:
        p = commands.add_parser(name, help=help_text)
        p.add_argument("name", help="the entity's name as listed")
        for arg, arg_help in extra:
            p.add_argument(arg, help=arg_help)
        typed(p)
        if kind == "merge":
            p.add_argument("--into-type", type=str.upper, choices=TYPES, help="(default: --type)")

        def run(args: argparse.Namespace) -> int:
            fields: dict[str, object] = {"type": args.type, "name": args.name}
            for arg, _ in extra:
                fields[arg] = getattr(args, arg)
            if kind == "merge":
                fields["into_type"] = args.into_type or args.type
            with open_archive(args) as archive:
                done = archive.correct(kind, fields)
            if args.json:
                out_json(done.to_json())
            else:
                out(f"correction {done.correction_id}: {kind} {json.dumps(done.args)}")
            return 0

        p.set_defaults(run=run)

    correcting("reject", "not an entity: drop it everywhere", "reject", [])
    correcting(
        "rename",
        "show and count the entity under a new name",
        "rename",
        [("new_name", "the new name")],
    )
    correcting("retype", "make it another type", "retype", [("new_type", "PERSON, ORG or PLACE")])
    correcting(
        "merge",
        "one entity from now on: NAME joins INTO_NAME",
        "merge",
        [("into_name", "the entity it joins")],
    )
    correcting(
        "apart",
        "a short name (Blair) stays itself where it was counted as a full name (Tony Blair)",
        "apart",
        [],
    )

    p_corr = commands.add_parser("corrections", help="the corrections made, oldest first")
    common(p_corr)

    def run_corrections(args: argparse.Namespace) -> int:
        with open_archive(args) as archive:
            found = archive.corrections()
        if args.json:
            out_json([c.to_json() for c in found])
        for c in [] if args.json else found:
            out(f"{c.correction_id:5}  {c.kind:7} {json.dumps(c.args, ensure_ascii=False)}")
        return 0

    p_corr.set_defaults(run=run_corrections)

    p_undo = commands.add_parser("undo", help="take a correction back (default: the last)")
    p_undo.add_argument("id", nargs="?", type=int, help="its number, as 'corrections' lists it")
    common(p_undo)

    def run_undo(args: argparse.Namespace) -> int:
        with open_archive(args) as archive:
            found = archive.corrections()
            if not found:
                raise BadCorrection("There is no correction to undo.")
            target = args.id if args.id is not None else found[-1].correction_id
            archive.undo_correction(target)
        out(f"correction {target} undone")
        return 0

    p_undo.set_defaults(run=run_undo)

    p_export = commands.add_parser("export", help="write the corrections to a JSON file")
    p_export.add_argument("file", help="where to write them ('-': standard output)")
    common(p_export)

    def run_export(args: argparse.Namespace) -> int:
        with open_archive(args) as archive:
            data = archive.export_corrections()
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if args.file == "-":
            out(text.rstrip("\n"))
        else:
            Path(args.file).write_text(text, encoding="utf-8")
            out(f"{len(data['corrections'])} corrections written to {args.file}")
        return 0

    p_export.set_defaults(run=run_export)

    p_import = commands.add_parser("import", help="apply the corrections of a JSON file")
    p_import.add_argument("file", help="a file 'entities export' wrote")
    common(p_import)

    def run_import(args: argparse.Namespace) -> int:
        try:
            data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise BadCorrection(f"Cannot read the corrections in {args.file}: {exc}.") from exc
        with open_archive(args) as archive:
            added = archive.import_corrections(data)
        out(f"{added} corrections applied from {args.file}")
        return 0

    p_import.set_defaults(run=run_import)
