"""`python -m sitrep COMMAND`: demo, import, snapshot, compound, district, store, serve, user,
share, bench, briefing, templates.

Exit codes: 0 ran (rejected rows included), 1 a file was refused, 2 a usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sitrep import store as store_mod
from sitrep.ingest.contract import KINDS
from sitrep.store.settings import DISTRICT_SETTINGS, SETTINGS


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
    p.add_argument("--compounds", type=_demo_compounds, default=1, metavar="N",
                   help="a district of N compounds: Fuxing City and N-1 synthetic ones around it "
                        "(default 1: Fuxing City alone)")
    p.add_argument("--district-out", type=Path,
                   help="where to write the synthetic compounds' spreadsheets (default data/demo-district)")

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

    p = sub.add_parser("district", help="the district's settings: when its daily briefing is made, where it is posted")
    actions = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    q = actions.add_parser("set", parents=[common], help="change the district's settings (<store>/district.json)")
    for name in DISTRICT_SETTINGS:
        q.add_argument("--" + name.replace("_", "-"), dest=name, help=SETTINGS[name].help,
                       metavar=SETTINGS[name].kind.upper())
    q.add_argument("--clear", action="append", default=[], metavar="SETTING", choices=DISTRICT_SETTINGS,
                   help="set this setting back to empty (repeat for more)")
    actions.add_parser("show", parents=[common], help="the district's settings, key=value")

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
    p.add_argument("--no-schedule", action="store_true",
                   help="make no daily briefing (also SITREP_SCHEDULE=off)")

    p = sub.add_parser("user", help="manage dashboard users (users.toml or $SITREP_USERS)")
    users = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    roles = ["commander", "staff", "clerk", "briefing"]
    for action, helptext in (("add", "add a user (prompts for the password)"),
                             ("passwd", "change a user's password (prompts); ends their sessions"),
                             ("role", "change a user's role; ends their sessions"),
                             ("remove", "remove a user; ends their sessions")):
        # add and role may name compounds: --store says which store to check them against
        q = users.add_parser(action, help=helptext, parents=[common] if action in ("add", "role") else [])
        q.add_argument("name")
        if action in ("add", "role"):
            q.add_argument("--role", required=True, choices=roles)
            q.add_argument("--compounds", type=_scope, metavar="A,B|all",
                           help="limit the user to these compounds (all: every compound; "
                                "`user role` without it keeps the user's compounds)")
        if action in ("add", "passwd"):
            q.add_argument("--password-stdin", action="store_true",
                           help="read the password from standard input (for scripts), never argv")
    q = users.add_parser("scope", parents=[common],
                         help="limit a user to some compounds, or `all`; ends their sessions")
    q.add_argument("name")
    q.add_argument("compounds", type=_scope, metavar="A,B|all")
    users.add_parser("list", help="list users, roles and compounds")

    p = sub.add_parser("share", help="read-only links to a compound's briefing images, one per recipient")
    shares = p.add_subparsers(dest="action", required=True, parser_class=Parser)
    q = shares.add_parser("add", parents=[common], help="make a link for NAME and print it (shown once)")
    q.add_argument("name")
    q.add_argument("--days", type=float, default=None, help="the link works this many days (default 30)")
    which = q.add_mutually_exclusive_group()
    which.add_argument("--compound", help="the compound (default: the store's only compound)")
    which.add_argument("--district", action="store_true",
                       help="the district's briefing (a store of several compounds), not a compound's")
    q.add_argument("--base-url", help="the dashboard's address as recipients reach it "
                                      "(default $SITREP_BASE_URL, else http://localhost:8501)")
    shares.add_parser("list", help="every link: name, compound id, made, expires, state")
    q = shares.add_parser("revoke", help="the link of NAME stops working at once")
    q.add_argument("name")

    p = sub.add_parser("templates", help="write a blank XLSX template for every kind")
    p.add_argument("folder", type=Path)

    p = sub.add_parser("briefing", parents=[common],
                       help="export the daily briefing as a PNG (1080 px wide) and an A4 PDF")
    p.add_argument("--date", type=_briefing_date,
                   help="as-of date YYYY-MM-DD or `yesterday` (default: the dashboard's)")
    p.add_argument("--out", type=Path, help="write the dated folders the schedule writes, under DIR: "
                   "DIR/<compound-id>/YYYY-MM-DD/{briefing.png,briefing.pdf,thumb.png,meta.json} "
                   "(DIR = <store>/briefings: the dashboard's links and past-briefings page serve them)")
    p.add_argument("--compound", help="with --out: this compound only (default: every compound)")
    p.add_argument("--building", action="extend", nargs="+", default=[], metavar="BUILDING",
                   help="only these buildings (repeat or list: --building B5 A6)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--district", action="store_true",
                   help="the district's briefing: every compound of the store, the compounds that need action")
    p.add_argument("--png", type=Path, help="write the image here")
    p.add_argument("--pdf", type=Path, help="write the A4 PDF here")
    p.add_argument("--url", help="use this running open demo dashboard (default: start one of its "
                                 "own on a free loopback port against the current snapshot; no "
                                 "password needed)")
    p.add_argument("--chromium", help="Chromium executable (default: chromium on PATH)")
    p.add_argument("--phases", action="store_true",
                   help="also print when each step ended, in seconds since the command started (the bench)")

    p = sub.add_parser("bench", parents=[common], help="render every page cold and warm; print medians")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--import-rows", type=int, default=1_000_000,
                   help="rows of the generated deliveries CSV for import throughput (0 = skip)")
    p.add_argument("--xlsx-rows", type=int, default=200_000,
                   help="rows of the generated deliveries XLSX, imported against openpyxl's read-only load (0 = skip)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--briefing", action=argparse.BooleanOptionalAction, default=True,
                   help="time the briefing export, cold and against a running dashboard")
    p.add_argument("--briefing-only", action="store_true",
                   help="only the briefing export (cold, --url, the warm browser, a bare Chromium), --runs times")
    p.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True,
                   help="peak RSS of importing a 20 MB file of each format, and of the dashboard server")
    p.add_argument("--cache-memory", type=int, default=0, metavar="DAYS",
                   help="also the server's RSS while a tab walks every page through DAYS as-of dates × "
                        "3 building scopes × 2 languages, each a miss in every cache (0 = skip)")
    p.add_argument("--scheduled-briefing", type=int, metavar="VIEWERS",
                   help="instead: a scheduled briefing's render on a running server with this many "
                        "signed-in viewers reloading their page (a copy of the store; moves its clock)")
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


ALL_COMPOUNDS = "all"


def _demo_compounds(text: str) -> int:
    from sitrep.demo.district import MAX_COMPOUNDS

    if not text.isdigit() or not 1 <= int(text) <= MAX_COMPOUNDS:
        raise argparse.ArgumentTypeError(f"a number of compounds from 1 to {MAX_COMPOUNDS}, not {text!r}")
    return int(text)


def _scope(text: str) -> list[str] | str:
    """--compounds A,B (a Chinese comma too) or `all` (every compound)."""
    if text.strip() == ALL_COMPOUNDS:
        return ALL_COMPOUNDS
    names = [n.strip() for n in text.replace("，", ",").split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"compound names separated by commas, or `all`, not {text!r}")
    return names


def _briefing_date(text: str):
    """`yesterday` (in the compound's time zone) or a date YYYY-MM-DD."""
    from datetime import timedelta

    from sitrep import config

    if text == "yesterday":
        return config.local_now().date() - timedelta(days=1)
    return _iso_date(text)


def _iso_date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    """`argv` None: this process is the command (`python -m sitrep`)."""
    args = build_parser().parse_args(argv)
    code = _run(args)
    if argv is None and args.command == "briefing" and not args.out:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End the process without the interpreter's teardown (~0.3-0.5 s with pandas, DuckDB and
    Playwright loaded: finalizing their modules and objects). What must outlive the process is
    done by then: the PNG and PDF written and closed, the audit line fsynced, the browser closed
    and the export's dashboard stopped and its folder removed (cmd_briefing, whose resources are
    all its own and closed explicitly, so no atexit hook is skipped: not for `--out`, whose
    briefings use the process's warm browser); here the output streams and logs are flushed."""
    import logging
    import os

    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    logging.shutdown()
    os._exit(code)


def _run(args) -> int:
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
    # before the demo mark (rebuilding it marks it, so `make run` can serve it openly again);
    # a demo store without the district asked for gets the synthetic compounds it lacks
    if args.if_missing and store_mod.compound_names(args.store) and state != "old_demo":
        store_mod.upgrade(args.store)   # a snapshot from an older version gets the new columns
        if state == "demo" and args.compounds > 1 and _only_demo(args.store):
            code = _demo_district(args, skip_present=True)
            if code:
                return code
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
    refused = any(r.refused for r in results)
    return _demo_district(args) or int(refused) if args.compounds > 1 else int(refused)


def _only_demo(store) -> bool:
    """Every compound of the store is the generated demo (synthetic ones are not added to real data)."""
    from sitrep.access.mode import imported_compounds

    return not imported_compounds(store)


def _demo_district(args, *, skip_present: bool = False) -> int:
    """The synthetic compounds of `demo --compounds N` (sitrep/demo/district.py), one line each."""
    from sitrep.demo import district

    out = args.district_out or store_mod.REPO / "data" / "demo-district"
    refused = False
    for compound, results in district.build(args.store, out, args.compounds, skip_present=skip_present):
        rows = sum(r.accepted for r in results)
        rejected = sum(r.rejected for r in results)
        refused |= any(r.refused for r in results)
        print(f"{compound.scenario.compound}\tsynthetic\t{compound.story}\t{compound.households} households"
              f"\t{rows} rows\t{rejected} rejected" + ("\tREFUSED" if any(r.refused for r in results) else ""))
    return int(refused)


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


def cmd_district(args) -> int:
    from sitrep.store import settings

    try:
        if args.action == "show":
            values = settings.district_settings(args.store)
        else:
            changes = {n: getattr(args, n) for n in DISTRICT_SETTINGS if getattr(args, n) is not None}
            values = settings.change_district(args.store, clear=tuple(args.clear), **changes)
    except ValueError as err:
        raise UsageError(str(err)) from None
    cells = [f"{name}={values[name] or '—'}" for name in DISTRICT_SETTINGS]
    print("\t".join([f"{args.action}: district", *cells]))
    if len(store_mod.compound_names(args.store)) < 2:
        print("note: the store holds fewer than two compounds: no district briefing is made until it "
              "holds two", file=sys.stderr)
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
        if any(n not in values for n, s in SETTINGS.items() if s.cli):
            values = {**_snapshot_settings(args.store, name), **values}
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


def _snapshot_settings(store, name: str) -> dict:
    """A compound's settings from its snapshot, for those the summary does not carry (the
    briefing's time and webhook)."""
    from sitrep.store.settings import settings

    con = store_mod.connect_readonly(store_mod.find(store, name).snapshot)
    try:
        return settings(con, name)
    finally:
        con.close()


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
                scope = auth.scope_of(user)
                print(f"{name}\t{user['role']}" + (f"\t{','.join(scope)}" if scope else ""))
            return 0
        scope = getattr(args, "compounds", None)
        if scope is not None:
            scope = None if scope == ALL_COMPOUNDS else scope
            auth.check_scope(scope)
        if args.action == "add":
            auth.add_user(args.name, args.role, _read_password(args), compounds=scope)
        elif args.action == "passwd":
            auth.set_password(args.name, _read_password(args))
        elif args.action == "role":
            auth.set_role(args.name, args.role)
            if args.compounds is not None:
                auth.set_scope(args.name, scope)
        elif args.action == "scope":
            auth.set_scope(args.name, scope)
        elif args.action == "remove":
            auth.remove_user(args.name)
    except ValueError as err:   # a UsersFileError too: the message names the line
        raise UsageError(str(err)) from None
    print(f"{args.action}: {args.name} ({auth.users_path()})")
    if scope:
        _warn_unknown_compounds(getattr(args, "store", None), scope)
    return 0


def _warn_unknown_compounds(store, scope: list[str]) -> None:
    """A compound named in a scope that the store does not hold is allowed (a clerk may be set
    up before her compound's first import) but said, in case it is a typo."""
    try:
        held = set(store_mod.compound_names(store))
    except store_mod.StoreError:
        return
    missing = [name for name in scope if name not in held]
    if missing:
        print(f"warning: the store {store_mod.root(store)} holds no compound "
              f"{', '.join(missing)} (yet): the user sees it once it is imported", file=sys.stderr)


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

    if args.out:
        return _briefing_folders(args)
    if not (args.png or args.pdf):
        raise UsageError("say where to write: --png FILE and/or --pdf FILE, or --out DIR")
    started = time.perf_counter()
    steps = {"command": round(_process_age(), 3)}    # interpreter start and imports, until here

    def step(name: str) -> None:
        steps[name] = round(steps["command"] + time.perf_counter() - started, 3)

    try:
        chromium = export.find_chromium(args.chromium)
    except export.ExportError as err:
        print(f"python -m sitrep briefing: error: {err}", file=sys.stderr)
        return 1
    # the slow parts side by side: the dashboard boots (~2-3 s) while Chromium starts in a
    # thread of its own and this process checks the date and buildings against the store
    server = None if args.url else export.Dashboard(args.store)
    browser = export.Warm(chromium)
    browser.start()
    step("started")
    made = None
    try:
        as_of = _check_briefing_filters(args)
        step("checked")
        wanted = {"as_of": as_of, "buildings": args.building, "lang": args.lang, "png": args.png,
                  "pdf": args.pdf, "district": args.district}
        url = args.url or server.wait()
        step("dashboard")
        offset = steps["command"] + time.perf_counter() - started
        made = browser.render(url, cookie=server.cookie if server else None, **wanted)
        steps.update({k: round(offset + v, 3) for k, v in made.phases.items()})
    except export.ExportError as err:
        print(f"python -m sitrep briefing: error: {err}", file=sys.stderr)
        return 1
    finally:
        # both shut down at once: the dashboard is signalled, the browser closed meanwhile. A
        # dashboard that rendered the briefing is killed (it was made for this export alone and
        # has nothing left to finish); one that did not yet (booting, housekeeping the store)
        # is let shut down gracefully
        kill = made is not None
        if server is not None:
            (server.proc.kill if kill else server.proc.terminate)()
        browser.close()
        if server is not None:
            server.close(kill=kill)
        step("closed")
    audit.record("briefing", f"cli:{getpass.getuser()}",
                 " ".join(str(p) for p in (args.png, args.pdf) if p),
                 export.filters_record(as_of, args.building, args.lang, district=args.district),
                 store=args.store)
    for path in (args.png, args.pdf):
        if path:
            print(path)
    scope = "district" if args.district else " ".join(args.building) or "all buildings"
    print(f"briefing {as_of or 'default date'} {scope}: "
          f"{time.perf_counter() - started + steps['command']:.1f} s", file=sys.stderr)
    if args.phases:
        step("done")
        print("phases " + json.dumps(steps), file=sys.stderr)
    return 0


def _process_age() -> float:
    """Seconds since this process started (Linux: /proc/self/stat, in clock ticks since boot)."""
    import os
    import time

    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


def _briefing_folders(args) -> int:
    """`briefing --out DIR`: what the running dashboard's schedule does, for a system timer (cron,
    systemd): each compound's briefing of the day into its dated folder (and the district's, for a
    store of several compounds; `--district` alone: only it), audited; exit 1 when one was not made."""
    import getpass
    from datetime import timedelta

    from sitrep import config
    from sitrep.briefing import schedule

    if args.png or args.pdf or args.url or args.building:
        raise UsageError("--out makes the whole briefing of each compound: no --png, --pdf, --url or --building")
    held = store_mod.compound_names(args.store)
    if not held:
        raise UsageError("no compound in the store: run `python -m sitrep demo` or `python -m sitrep import`")
    if args.district and args.compound:
        raise UsageError("--district or --compound, not both")
    if args.district and len(held) < 2:
        raise UsageError("--district: the store holds one compound, so no district briefing")
    names = [] if args.district else [args.compound] if args.compound else held
    for name in names:
        if store_mod.find(args.store, name) is None:
            raise UsageError(f"no compound {name!r} in the store")
    # as the schedule does: each compound's, and the district's when the store holds several
    wanted = [schedule.compound_job(args.store, name) for name in names]
    if args.district or (not args.compound and len(held) > 1):
        wanted.append(schedule.district_job(args.store))
    day = args.date or config.local_now().date() - timedelta(days=1)
    failed = 0
    with schedule.Dashboards(args.store) as dashboards:    # one export dashboard for them all
        for job in wanted:
            name = job.compound or job.key
            meta = schedule.make(args.store, job, day, out=args.out, who=f"cli:{getpass.getuser()}",
                                 chromium=args.chromium, dashboards=dashboards)
            where = schedule.folder(args.out, job, day)
            if meta["ok"]:
                print(where)
            else:
                failed += 1
                print(f"python -m sitrep briefing: {name} {day}: not made after {meta['attempts']} "
                      f"attempts: {meta['error']} ({where / schedule.META})", file=sys.stderr)
    return 1 if failed else 0


def _check_briefing_filters(args):
    """The date and buildings against the store (a dashboard would silently fall back to its
    defaults); the default date is the dashboard's: the compound's report day, within the data."""
    if args.url and not args.store:
        return args.date      # another dashboard's data: the export checks what the page shows
    if args.district:
        return _check_district_date(args)
    try:
        path = store_mod.current_path(args.store)
    except store_mod.AmbiguousCompound:
        raise UsageError("the briefing export needs a store with one compound") from None
    if path is None:
        raise UsageError("no snapshot yet: run `python -m sitrep demo` or `python -m sitrep import`")
    from sitrep import config
    from sitrep.ingest.contract import window_params

    con = store_mod.connect_readonly(path)
    try:
        compounds = _rows(con, "compounds", **window_params(config.local_now().date()))
        if len(compounds) != 1:
            raise UsageError("the briefing export needs a store with one compound")
        row = compounds[0]
        first_on, last_on = _day(row["first_on"]), _day(row["last_on"])
        known = {r["building"] for r in _rows(con, "buildings", compound=row["compound"])}
    finally:
        con.close()
    unknown = [b for b in args.building if b not in known]
    if unknown:
        raise UsageError(f"no building {', '.join(unknown)} (the store has {', '.join(sorted(known))})")
    if args.date is None:
        default = _day(row["default_as_of"]) if row["default_as_of"] is not None else last_on
        return min(max(default, first_on), last_on)
    if not first_on <= args.date <= last_on:
        raise UsageError(f"--date {args.date} is outside the data ({first_on} to {last_on})")
    return args.date


def _rows(con, name: str, **params) -> list[dict]:
    """A named query's rows as dicts, without pandas: the cold briefing command checks its
    filters while its dashboard boots and Chromium starts on the same cores, and importing
    pandas for two small answers cost ~0.3 s of CPU there (0.16 s for all of the check now)."""
    from sitrep.store.queries import create_rules, rules_for, sql

    text = sql(name)
    create_rules(con, rules_for(text))
    cursor = con.execute(text, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def _day(value):
    """A DATE (or a TIMESTAMP's day) from DuckDB as a date."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def cmd_share(args) -> int:
    import getpass
    import os
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sitrep import config
    from sitrep.access import audit, shares

    who = f"cli:{getpass.getuser()}"
    if args.action == "list":
        tz = ZoneInfo(config.TIMEZONE)
        now = config.clock()
        for share in shares.listing():
            made, ends = (datetime.fromtimestamp(v, tz).strftime("%Y-%m-%d %H:%M")
                          for v in (share.created_at, share.expires_at))
            print(f"{share.name}\t{share.compound_id}\tmade {made}\texpires {ends}\t{share.state(now)}")
        return 0
    if args.action == "revoke":
        if not shares.revoke(args.name):
            raise UsageError(f"no active link of {args.name!r} (python -m sitrep share list)")
        audit.record("share", who, f"revoke {args.name}")
        print(f"revoked: {args.name}")
        return 0
    from sitrep.briefing.schedule import DISTRICT

    if args.district:
        if len(store_mod.compound_names(args.store)) < 2:
            raise UsageError("--district: the store holds one compound or none, so no district briefing")
        compound, cid = DISTRICT, DISTRICT
    else:
        compound = args.compound or _only_compound(args.store)
        if store_mod.find(args.store, compound) is None:
            raise UsageError(f"no compound {compound!r} in the store")
        cid = store_mod.compound_id(compound)
    base = (args.base_url or os.environ.get("SITREP_BASE_URL") or "http://localhost:8501").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise UsageError(f"--base-url: an http:// or https:// address, not {base!r}")
    try:
        token = shares.add(args.name, cid, args.days or config.SHARE_DAYS)
    except ValueError as err:
        raise UsageError(str(err)) from None
    audit.record("share", who, f"add {args.name}", {"compound": compound, "days": args.days or config.SHARE_DAYS})
    print(f"{base}/briefing/{cid}/latest.png?token={token}")
    print(f"link for {args.name}: the latest briefing of {compound} (…/YYYY-MM-DD.png or .pdf for a day); "
          f"works {args.days or config.SHARE_DAYS:g} days; revoke with `python -m sitrep share revoke "
          f"{args.name}`", file=sys.stderr)
    return 0


def _check_district_date(args):
    """The district briefing's date against the compounds' data; the default is the district
    page's (district_span.sql: the latest day any compound opens on)."""
    if args.building:
        raise UsageError("--district covers every compound: it takes no --building")
    from sitrep.store import summary
    from sitrep.store.queries import run

    con = summary.connect_district(args.store)
    try:
        span = run(con, "district_span", compounds=store_mod.compound_names(args.store)).iloc[0]
    finally:
        con.close()
    if not span["compounds"]:
        raise UsageError("no snapshot yet: run `python -m sitrep demo` or `python -m sitrep import`")
    first_on, last_on = span["first_on"].date(), span["last_on"].date()
    if args.date is None:
        return min(max(span["opens_on"].date(), first_on), last_on)
    if not first_on <= args.date <= last_on:
        raise UsageError(f"--date {args.date} is outside the data ({first_on} to {last_on})")
    return args.date


def cmd_serve(args) -> int:
    import os

    from sitrep.app import server

    if args.store:
        os.environ["SITREP_STORE"] = str(Path(args.store).resolve())
    return server.serve(port=args.port, address=args.address, open_requested=args.open,
                        file_watcher=not args.no_file_watcher, schedule=not args.no_schedule)


def cmd_bench(args) -> int:
    from sitrep.ops.bench import main as bench_main

    return bench_main(args)


COMMANDS = {"demo": cmd_demo, "import": cmd_import, "snapshot": cmd_snapshot, "bench": cmd_bench,
            "templates": cmd_templates, "user": cmd_user, "briefing": cmd_briefing,
            "serve": cmd_serve, "compound": cmd_compound, "district": cmd_district, "store": cmd_store, "share": cmd_share}
