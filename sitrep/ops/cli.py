"""`python -m sitrep COMMAND`: demo, import, snapshot, compound, store, serve, user, bench,
briefing, templates.

Exit codes: 0 ran (rejected rows included), 1 a file was refused, 2 a usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sitrep import store as store_mod
from sitrep.ingest.contract import KINDS
from sitrep.store.settings import SETTINGS


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on a usage error, as we want
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m sitrep", description="福星城 situation dashboard tools")
    common = Parser(add_help=False)
    common.add_argument("--store", help="folder of the snapshot store (default $SITREP_STORE or data/)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    p = sub.add_parser("demo", parents=[common], help="generate the demo spreadsheets and import them")
    p.add_argument("--out", type=Path, help="where to write the spreadsheets (default data/demo)")
    p.add_argument("--if-missing", action="store_true", help="do nothing when a snapshot exists")

    p = sub.add_parser("import", parents=[common], help="import CSV/XLSX files")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--compound", help="compound name (default: the store's only compound)")
    p.add_argument("--year", type=_year, help="year for dates typed without one (2月10日)")
    p.add_argument("--lockdown-from", type=_iso_date, metavar="YYYY-MM-DD",
                   help="the compound's lockdown start: dates before it (less the margin) are rejected")
    p.add_argument("--lockdown-until", type=_iso_date, metavar="YYYY-MM-DD", help="the compound reopened")
    p.add_argument("--window-margin-days", type=_margin, metavar="DAYS",
                   help="days before the lockdown start (or 1 January of the year) still accepted (default 30)")
    p.add_argument("--kind", choices=sorted(KINDS), help="skip kind detection")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--max-file-mb", type=float,
                   help="refuse files larger than this (default $SITREP_MAX_FILE_MB or 20)")

    p = sub.add_parser("snapshot", parents=[common],
                       help="print the path of a compound's current snapshot (open it read-only)")
    p.add_argument("--compound", help="the compound (default: the store's only compound)")

    p = sub.add_parser("compound", help="add, change or list the store's compounds and their settings")
    actions = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    for action, helptext in (("add", "add a compound with these settings"),
                             ("set", "change some settings of a compound")):
        q = actions.add_parser(action, parents=[common], help=helptext)
        q.add_argument("name")
        for setting in SETTINGS.values():
            if setting.cli:
                q.add_argument("--" + setting.name.replace("_", "-"), dest=setting.name, help=setting.help,
                               metavar=setting.kind.upper() if setting.kind != "date" else "YYYY-MM-DD")
        if action == "set":
            q.add_argument("--clear", action="append", default=[], metavar="SETTING",
                           choices=[n for n, s in SETTINGS.items() if s.cli],
                           help="set this setting back to empty (repeat for more)")
    q = actions.add_parser("list", parents=[common], help="one compound per line, its name first")
    q.add_argument("--json", action="store_true", help="one JSON object per compound")

    p = sub.add_parser("store", help="the store itself")
    actions = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    actions.add_parser("migrate", parents=[common],
                       help="move a store of the single-file layout (snapshots/) to one folder per "
                            "compound (any command does it; this does nothing else)")

    p = sub.add_parser("serve", parents=[common],
                       help="serve the dashboard: sign-in with users, or --open for the demo alone")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="localhost")
    p.add_argument("--open", action="store_true",
                   help="with no users file, serve without sign-in, but only a store that holds "
                        "nothing but the generated demo")
    p.add_argument("--no-file-watcher", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser("user", help="manage dashboard users (users.toml or $SITREP_USERS)")
    users = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    roles = ["commander", "staff", "clerk", "briefing"]
    for action, helptext in (("add", "add a user (prompts for the password)"),
                             ("passwd", "change a user's password (prompts); ends their sessions"),
                             ("role", "change a user's role; ends their sessions"),
                             ("remove", "remove a user; ends their sessions")):
        q = users.add_parser(action, help=helptext)
        q.add_argument("name")
        if action in ("add", "role"):
            q.add_argument("--role", required=True, choices=roles)
        if action in ("add", "passwd"):
            q.add_argument("--password-stdin", action="store_true",
                           help="read the password from standard input (for scripts), never argv")
    users.add_parser("list", help="list users and roles")

    p = sub.add_parser("templates", help="write a blank XLSX template for every kind")
    p.add_argument("folder", type=Path)

    p = sub.add_parser("briefing", parents=[common],
                       help="export the daily briefing as a PNG (1080 px wide) and an A4 PDF")
    p.add_argument("--date", type=_iso_date, help="as-of date YYYY-MM-DD (default: the dashboard's)")
    p.add_argument("--building", action="extend", nargs="+", default=[], metavar="BUILDING",
                   help="only these buildings (repeat or list: --building B5 A6)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--png", type=Path, help="write the image here")
    p.add_argument("--pdf", type=Path, help="write the A4 PDF here")
    p.add_argument("--url", help="use this running open demo dashboard (default: start one of its "
                                 "own on a free loopback port against the current snapshot; no "
                                 "password needed)")
    p.add_argument("--chromium", help="Chromium executable (default: chromium on PATH)")

    p = sub.add_parser("bench", parents=[common], help="render every page cold and warm; print medians")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--import-rows", type=int, default=1_000_000,
                   help="rows of the generated deliveries CSV for import throughput (0 = skip)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--briefing", action=argparse.BooleanOptionalAction, default=True,
                   help="time the briefing export, cold and against a running dashboard")
    p.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True,
                   help="peak RSS of importing a 20 MB file of each format, and of the dashboard server")
    p.add_argument("--browser", action=argparse.BooleanOptionalAction, default=False,
                   help="also every page in Chromium, cold and warm, next to a plain Streamlit page with "
                        "one chart on the same server (the floor); a building filter's repaint; late paints")
    p.add_argument("--browser-runs", type=int, default=5, help="rounds of the browser part (medians)")
    p.add_argument("--sign-in", action=argparse.BooleanOptionalAction, default=True,
                   help="time wrong passwords, real and unknown names (about a minute)")
    p.add_argument("--compounds", metavar="N,N,…",
                   help="instead: storage at these numbers of compounds (e.g. 1,10,50,200), stores of "
                        "demo copies grown through the importer")
    p.add_argument("--compounds-dir", type=Path,
                   help="where those stores are kept between runs (default: a folder in the system's temp)")
    return parser


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"not a year between 1900 and 2100: {text!r}")
    return int(text)


def _margin(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 3660:
        raise argparse.ArgumentTypeError(f"not a number of days between 0 and 3660: {text!r}")
    return int(text)


def _iso_date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "store") and args.command != "bench":
            _migrate_first(args.store)
        return COMMANDS[args.command](args)
    except (UsageError, store_mod.AmbiguousCompound) as err:
        print(f"python -m sitrep {args.command}: error: {err}", file=sys.stderr)
        return 2
    except store_mod.StoreError as err:
        print(f"python -m sitrep {args.command}: error: {err}", file=sys.stderr)
        return 1


def _migrate_first(store) -> None:
    """A store of the single-file layout is moved to one folder per compound before anything
    else reads it (sitrep/store/migrate.py), and the command says so in one line."""
    from sitrep.store.migrate import ensure_migrated

    done = ensure_migrated(store)
    if done is not None:
        print(done.line(store), file=sys.stderr)


def cmd_demo(args) -> int:
    from sitrep import demo
    from sitrep.ingest.importer import import_files

    state = _demo_state(args.store, demo.COMPOUND)
    # --if-missing (make run): a store with a snapshot is left alone, unless it is a demo made
    # before the demo mark (rebuilding it marks it, so `make run` can serve it openly again)
    if args.if_missing and store_mod.compound_names(args.store) and state != "old_demo":
        store_mod.upgrade(args.store)   # a snapshot from an older version gets the new columns
        print(store_mod.current_path(args.store, demo.COMPOUND) or store_mod.root(args.store))
        return 0
    if state == "imported":
        raise UsageError(f"the store {store_mod.root(args.store)} holds imported data for "
                         f"{demo.COMPOUND}: the demo goes into a store of its own (--store DIR)")
    out = args.out or store_mod.REPO / "data" / "demo"
    files = demo.generate(out)
    settings = {"lockdown_from": demo.LOCKDOWN_FROM, "lockdown_until": demo.LOCKDOWN_UNTIL,
                "default_as_of": demo.REPORT_DAY, "is_demo": True}
    results = import_files(files, store=args.store, compound=demo.COMPOUND, year=demo.YEAR,
                           command="demo", settings=settings)
    print_summary(results)
    print(store_mod.current_path(args.store, demo.COMPOUND))
    return 1 if any(r.refused for r in results) else 0


def _demo_state(store, compound: str) -> str:
    """"none" (no snapshot or no such compound), "demo" (marked demo), "old_demo" (imported only
    by the demo command, before the demo mark existed: rebuilt, which marks it) or "imported"."""
    path = store_mod.current_path(store, compound)
    if path is None:
        return "none"
    con = store_mod.connect_readonly(path)
    try:
        columns = {r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'compounds'").fetchall()}
        row = con.execute("select " + ("coalesce(is_demo, false)" if "is_demo" in columns else "false")
                          + " from compounds where compound = $c", {"c": compound}).fetchone()
        commands = {r[0] for r in con.execute(
            "select distinct command from import_history where compound = $c", {"c": compound}).fetchall()}
    finally:
        con.close()
    if row is None:
        return "none"
    if row[0]:
        return "demo"
    return "old_demo" if commands <= {"demo"} else "imported"


def cmd_import(args) -> int:
    import getpass
    import os

    from sitrep.ingest.importer import import_files
    from sitrep.ingest.read import Limits

    compound = args.compound or _only_compound(args.store)
    try:
        store_mod.check_name(compound)
    except ValueError as err:
        raise UsageError(f"--compound: {err}") from None
    known = store_mod.find(args.store, compound) is not None
    max_mb = args.max_file_mb or float(os.environ.get("SITREP_MAX_FILE_MB") or 0) or Limits().max_file_mb
    settings = {"lockdown_from": args.lockdown_from, "lockdown_until": args.lockdown_until,
                "window_margin_days": args.window_margin_days}
    try:
        results = import_files(args.paths, store=args.store, compound=compound, year=args.year,
                               kind=args.kind, command=f"cli:{getpass.getuser()}",
                               limits=Limits(max_file_mb=max_mb), settings=settings)
    except Exception as err:  # noqa: BLE001 - e.g. the store cannot be written: a reason, never a trace
        import logging

        logging.getLogger("sitrep").exception("import failed")
        summary = {"files": [], "error": f"{type(err).__name__}: {err}"[:500]}
        print(json.dumps(summary, ensure_ascii=False) if args.json else f"import failed: {summary['error']}")
        return 1
    if args.json:
        print(json.dumps({"files": [r.as_json() for r in results]}, ensure_ascii=False))
    else:
        print_summary(results)
    if not known and store_mod.find(args.store, compound) is not None:
        print(f"new compound {compound}: added with default settings (change them with "
              f"`python -m sitrep compound set`)", file=sys.stderr)
    return 1 if any(r.refused for r in results) else 0


def _only_compound(store) -> str:
    names = store_mod.compound_names(store)
    if len(names) != 1:
        raise UsageError("--compound NAME is required"
                         + (f" (the store holds: {store_mod._listed(names)})" if names else " for a new store"))
    return names[0]


def print_summary(results) -> None:
    print(f"{'file':<28} {'kind':<18} {'read':>6} {'accepted':>8} {'rejected':>8} {'dups':>6}")
    for r in results:
        name = Path(r.path).name + (f" [{r.sheet}]" if r.sheet else "")
        if r.refused:
            print(f"{name:<28} REFUSED: {r.refused}")
            continue
        print(f"{name:<28} {r.kind:<18} {r.rows_read:>6} {r.accepted:>8} {r.rejected:>8} {r.duplicates:>6}")
        for rej in r.rejections[:5]:
            print(f"    {rej['reason_en']}")
        if len(r.rejections) > 5:
            print(f"    … {len(r.rejections) - 5} more rejected rows (table rejected_rows)")


def cmd_snapshot(args) -> int:
    compound = args.compound or store_mod.only_compound(args.store)
    if compound is None:
        print("no snapshot yet: run `python -m sitrep demo` or `python -m sitrep import`", file=sys.stderr)
        return 1
    path = store_mod.current_path(args.store, compound)
    if path is None:
        raise UsageError(f"no compound {compound!r} in the store (it holds: "
                         f"{store_mod._listed(store_mod.compound_names(args.store)) or 'nothing'})")
    print(path)
    return 0


def cmd_compound(args) -> int:
    from sitrep.store import settings

    if args.action == "list":
        return _list_compounds(args)
    changes = {n: getattr(args, n) for n, s in SETTINGS.items() if s.cli and getattr(args, n) is not None}
    try:
        if args.action == "add":
            values = settings.add(args.store, args.name, **changes)
        else:
            values = settings.change(args.store, args.name, clear=tuple(args.clear), **changes)
    except ValueError as err:
        raise UsageError(str(err)) from None
    print("\t".join([f"{args.action}: {args.name}", *_setting_cells(values)]))
    return 0


def _setting_cells(values: dict) -> list[str]:
    """A compound's settings as key=value cells (— when empty)."""
    def shown(v):
        return "—" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v))

    return [f"{name}={shown(values.get(name))}" for name, s in SETTINGS.items() if s.cli]


def _list_compounds(args) -> int:
    """One line per compound, its name first, then its settings and its data's span (read from
    the summaries, never from the compounds' databases)."""
    from sitrep.store import summary

    rows = summary.compound_rows(args.store)
    for name in store_mod.compound_names(args.store):
        values = rows.get(name, {})
        span = f"{values['first_on']}..{values['last_on']}" if values.get("first_on") else "—"
        marks = [m for m in ("demo", "synthetic") if values.get(f"is_{m}") is True]
        if args.json:
            print(json.dumps({"compound": name, **{k: values.get(k) for k, s in SETTINGS.items() if s.cli},
                              "first_on": values.get("first_on"), "last_on": values.get("last_on"),
                              "households": values.get("households"), "marks": marks},
                             ensure_ascii=False, default=_json_value))
        else:
            print("\t".join([name, *_setting_cells(values), f"data={span}", *marks]))
    return 0


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def cmd_store(args) -> int:
    from sitrep.store.migrate import needed

    # main() migrated it already (and said so); say when there was nothing to do
    if not needed(args.store):
        print(f"the store {store_mod.root(args.store)} has one folder per compound "
              f"({len(store_mod.compound_names(args.store))} compounds)")
    return 0


def _read_password(args) -> str:
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("the passwords differ")
    return first


def cmd_user(args) -> int:
    from sitrep.access import auth

    try:
        if args.action == "list":
            for name, user in sorted((auth.load_users() or {}).items()):
                print(f"{name}\t{user['role']}")
            return 0
        if args.action == "add":
            auth.add_user(args.name, args.role, _read_password(args))
        elif args.action == "passwd":
            auth.set_password(args.name, _read_password(args))
        elif args.action == "role":
            auth.set_role(args.name, args.role)
        elif args.action == "remove":
            auth.remove_user(args.name)
    except ValueError as err:   # a UsersFileError too: the message names the line
        raise UsageError(str(err)) from None
    print(f"{args.action}: {args.name} ({auth.users_path()})")
    return 0


def cmd_templates(args) -> int:
    from sitrep.ingest.templates import write_templates

    for path in write_templates(args.folder):
        print(path)
    return 0


def cmd_briefing(args) -> int:
    """Exit 0 with the files written; 1 when the export cannot run (no Chromium, no
    dashboard, the page failed); 2 for a usage error (no file asked for, a date or building
    the data does not have)."""
    import getpass
    import time

    from sitrep.access import audit
    from sitrep.briefing import export

    if not (args.png or args.pdf):
        raise UsageError("say where to write: --png FILE and/or --pdf FILE")
    as_of = _check_briefing_filters(args)
    started = time.perf_counter()
    wanted = {"as_of": as_of, "buildings": args.building, "lang": args.lang, "png": args.png,
              "pdf": args.pdf}
    try:
        chromium = export.find_chromium(args.chromium)
        if args.url:
            export.export(args.url, chromium=chromium, **wanted)
        else:   # a dashboard of its own, in demo mode; the browser starts while it boots
            with export.Dashboard(args.store) as server, export.Renderer(chromium) as renderer:
                renderer.render(server.wait(), cookie=server.cookie, **wanted)
    except export.ExportError as err:
        print(f"python -m sitrep briefing: error: {err}", file=sys.stderr)
        return 1
    audit.record("briefing", f"cli:{getpass.getuser()}",
                 " ".join(str(p) for p in (args.png, args.pdf) if p),
                 export.filters_record(as_of, args.building, args.lang), store=args.store)
    for path in (args.png, args.pdf):
        if path:
            print(path)
    print(f"briefing {as_of or 'default date'} {' '.join(args.building) or 'all buildings'}: "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _check_briefing_filters(args):
    """The date and buildings against the store (a dashboard would silently fall back to its
    defaults); the default date is the dashboard's: the compound's report day, within the data."""
    if args.url and not args.store:
        return args.date      # another dashboard's data: the export checks what the page shows
    try:
        path = store_mod.current_path(args.store)
    except store_mod.AmbiguousCompound:
        raise UsageError("the briefing export needs a store with one compound") from None
    if path is None:
        raise UsageError("no snapshot yet: run `python -m sitrep demo` or `python -m sitrep import`")
    from sitrep import config
    from sitrep.ingest.contract import window_params
    from sitrep.store.queries import run

    con = store_mod.connect_readonly(path)
    try:
        compounds = run(con, "compounds", **window_params(config.local_now().date()))
        if len(compounds) != 1:
            raise UsageError("the briefing export needs a store with one compound")
        row = compounds.iloc[0]
        first_on, last_on = row["first_on"].date(), row["last_on"].date()
        known = set(run(con, "buildings", compound=row["compound"])["building"])
    finally:
        con.close()
    unknown = [b for b in args.building if b not in known]
    if unknown:
        raise UsageError(f"no building {', '.join(unknown)} (the store has {', '.join(sorted(known))})")
    if args.date is None:
        default = row["default_as_of"]
        default = default.date() if default == default else last_on
        return min(max(default, first_on), last_on)
    if not first_on <= args.date <= last_on:
        raise UsageError(f"--date {args.date} is outside the data ({first_on} to {last_on})")
    return args.date


def cmd_serve(args) -> int:
    import os

    from sitrep.app import server

    if args.store:
        os.environ["SITREP_STORE"] = str(Path(args.store).resolve())
    return server.serve(port=args.port, address=args.address, open_requested=args.open,
                        file_watcher=not args.no_file_watcher)


def cmd_bench(args) -> int:
    from sitrep.ops.bench import main as bench_main

    return bench_main(args)


COMMANDS = {"demo": cmd_demo, "import": cmd_import, "snapshot": cmd_snapshot, "bench": cmd_bench,
            "templates": cmd_templates, "user": cmd_user, "briefing": cmd_briefing,
            "serve": cmd_serve, "compound": cmd_compound, "store": cmd_store}
