"""The command line: read config, wire the rooms together, run the chosen command (service.py
is the entry point that loads this)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import signal
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from app.run import run_service
from feeds.build import LOGGED_EXAMPLES, build_feeds, render_feeds
from feeds.live import feed_site
from feeds.paths import feed_path
from feeds.select import region_warnings
from feeds.server import make_server
from items.explain import explain
from items.retention import apply_retention
from items.tagging import retag_older, tagger
from obs.logs import setup_logging
from ops.pidfile import signal_reload
from ops.progress import Progress
from ops.signals import SignalInbox
from ops.status import source_statuses, status_table
from sampleweb.demo import DEMO_DIR, SERVICE_PORT, WEB_PORT, run_demo
from scheduler.collect import CollectOutcome, StoredRobots, collect_many
from scheduler.leases import make_node_id, release_dead_local_leases
from settings import Config, ConfigError, load_config
from sources import Fetcher, FetchError, offload
from sources.html.probe import probe_page
from store import open_store
from store.base import StorageError, Store
from store.times import utc_now
from store.transfer import TransferError, export_store, import_store

EXIT_CONFIG = 2
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"  # beside service.py


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return run_demo(lambda config_path: main(["--config", str(config_path), "run"]),
                        port=args.port, web_port=args.web_port, directory=Path(args.dir))
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"config error: {exc.path}: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    for warning in config.warnings:
        print(f"config warning: {config.path}: {warning}", file=sys.stderr)
    if args.command == "check-config":
        for line in region_warnings(config.feeds, config.sources):
            print(f"warning: {line}", file=sys.stderr)
        print(f"{args.config}: OK ({len(config.sources)} sources, {len(config.feeds)} feeds)")
        return 0
    try:
        return _command(config, args)
    except StorageError as exc:
        print(f"{args.command}: storage error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a port taken, a directory not writable, a file not there
        print(f"{args.command}: {_os_problem(exc, config)}", file=sys.stderr)
        return 1


def _command(config: Config, args: argparse.Namespace) -> int:
    if args.command == "probe":
        return _probe(config, args)
    if args.command == "reload":
        return _reload(config)
    setup_logging(args.log_level or config.service.log_level)
    try:
        store = open_store(config.storage.url)
    except ConnectionError as exc:
        print(f"storage error: {exc}", file=sys.stderr)
        return 1
    try:
        if args.command in CHECKED_COMMANDS:
            check = store.check(START_CHECK_SECONDS)
            if check.damaged and args.command != "status":
                print(f"{args.command}: storage error: {check.detail} (see README, \"A damaged database\")",
                      file=sys.stderr)
                return 1
            args.store_check = check
        if args.command not in STORE_COMMANDS:  # those work on the store exactly as it is
            with store.transaction() as tx:
                tx.sync_sources(config.sources)
        return COMMANDS[args.command](config, store, args)
    finally:
        store.close()


def _os_problem(exc: OSError, config: Config) -> str:
    """A person's setup mistake as one line that names what to fix."""
    if exc.errno == errno.EADDRINUSE:
        return (f"cannot listen on {config.server.host}:{config.server.port}: address already in use "
                "(another zonefeed or program holds it; stop it or set [server] port)")
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {config.server.host}:{config.server.port}: no such address here ([server] host)"
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def _collect(config: Config, store: Store, args: argparse.Namespace) -> int:
    wanted = set(args.source or [])
    unknown = wanted - {s.id for s in config.sources}
    if unknown:
        print(f"unknown source id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return EXIT_CONFIG
    sources = [s for s in config.sources if (s.id in wanted) or (not wanted and s.enabled)]
    progress = Progress(len(sources))
    fetcher = Fetcher(config.fetch, robots_memory=StoredRobots(store))
    offload.configure(config.scheduler.parse_processes)
    outcomes = collect_many(config, sources, fetcher, store, make_node_id(),
                            workers=config.scheduler.workers, on_start=progress.started,
                            on_done=lambda o: progress.finished(o.source_id, bool(o.error)))
    progress.close()
    apply_retention(store, config.storage.keep_content, utc_now())
    build_feeds(config, store)
    _print_outcomes(outcomes)
    return 1 if any(o.error for o in outcomes) else 0


def _print_outcomes(outcomes: list[CollectOutcome]) -> None:
    for o in outcomes:
        if o.skipped:
            print(f"{o.source_id}: skipped, being polled by the running service right now")
        elif o.error:
            print(f"{o.source_id}: FAILED ({o.error_kind}) {o.error}")
        else:
            state = "not modified" if o.not_modified else f"{o.new} new, {o.updated} updated"
            print(f"{o.source_id}: ok, {state}")
        if o.moved_to:
            print(f"{o.source_id}: moved permanently to {o.moved_to} (update its url in the config)")
        if o.refused:
            print(f"{o.source_id}: {len(o.refused)} link(s) left out, e.g. {o.refused[0]}")


def _probe(config: Config, args: argparse.Namespace) -> int:
    try:
        print(probe_page(args.url, Fetcher(config.fetch), args.encoding).render())
    except FetchError as exc:
        print(f"cannot probe {args.url}: {exc}", file=sys.stderr)
        return 1
    return 0


def _explain(config: Config, store: Store, args: argparse.Namespace) -> int:
    with store.read() as tx:
        lines = explain(tx, args.url, ZoneInfo(config.service.timezone))
    print("\n".join(lines) if lines else f"no appearance stored at {args.url}")
    return 0 if lines else 1


def _build(config: Config, store: Store, args: argparse.Namespace) -> int:
    report = render_feeds(config, store)
    examples = ", ".join(report.changed[:LOGGED_EXAMPLES]) + (", …" if len(report.changed) > LOGGED_EXAMPLES else "")
    print(f"{len(config.feeds)} feeds: {len(report.rendered)} files rendered, "
          f"{len(report.changed)} changed{f' ({examples})' if examples else ''}")
    return 0


def _status(config: Config, store: Store, args: argparse.Namespace) -> int:
    check = args.store_check
    if not check.damaged:
        release_dead_local_leases(store)  # show who really polls, not a killed process
        print(status_table(source_statuses(config, store, utc_now()), ZoneInfo(config.service.timezone)))
    print(f"database: {check.detail}", file=sys.stderr if check.damaged else sys.stdout)
    return 1 if check.damaged else 0


def _reload(config: Config) -> int:
    try:
        pid = signal_reload(config.service.data_dir)
    except RuntimeError as exc:
        print(f"reload: {exc}", file=sys.stderr)
        return 1
    print(f"reload: sent SIGHUP to zonefeed process {pid}")
    return 0


def _serve(config: Config, store: Store, args: argparse.Namespace) -> int:
    build_feeds(config, store)
    server = make_server(config.server.host, config.server.port, feed_site(lambda: config, store),
                         settings=config.server)
    _announce(config, server.server_address[1])
    _serve_until_signal(server)
    return 0


def _run(config: Config, store: Store, args: argparse.Namespace) -> int:
    return run_service(config, store, args.log_level, _announce)


def _migrate(config: Config, store: Store, args: argparse.Namespace) -> int:
    print(f"schema version {store.migrate()} ({store.dialect})")  # open_store already migrated
    tagged, tags = 0, tagger(config.topics)
    while True:  # stories stored before tagging existed: all of them now, a transaction per slice
        with store.transaction() as tx:
            done = retag_older(tx, tags)
        if not done:
            break
        tagged += done
    if tagged:
        print(f"tagged {tagged} stored appearances with places, topics and amounts")
    return 0


def _export_db(config: Config, store: Store, args: argparse.Namespace) -> int:
    with _open_text(args.file, "w") as out:
        counts = export_store(store, out)
    print("exported " + ", ".join(f"{n} {table}" for table, n in counts.items()), file=sys.stderr)
    return 0


def _import_db(config: Config, store: Store, args: argparse.Namespace) -> int:
    target = open_store(args.url) if args.url else store
    try:
        with _open_text(args.file, "r") as lines:
            counts = import_store(target, lines)
    except TransferError as exc:
        print(f"import-db: {exc}", file=sys.stderr)
        return 1
    finally:
        if target is not store:
            target.close()
    print("imported " + ", ".join(f"{n} {table}" for table, n in counts.items()))
    return 0


def _open_text(path: str, mode: str):
    """'-' is stdin/stdout, so an export can be piped straight into an import."""
    if path == "-":
        return contextlib.nullcontext(sys.stdout if mode == "w" else sys.stdin)
    return open(path, mode, encoding="utf-8")


def _announce(config: Config, port: int) -> None:
    base = f"http://{config.server.host}:{port}"
    print(f"zonefeed serving {base}/  feeds: " +
          ", ".join(f"{base}/{feed_path(f.id, 'atom')}" for f in config.feeds), flush=True)


def _serve_until_signal(server) -> None:
    """Serve in a thread; SIGINT/SIGTERM stop it cleanly."""
    inbox = SignalInbox((signal.SIGINT, signal.SIGTERM))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    inbox.next()
    server.shutdown()
    server.server_close()


COMMANDS = {
    "run": _run,
    "collect": _collect,
    "build": _build,
    "serve": _serve,
    "status": _status,
    "migrate": _migrate,
    "export-db": _export_db,
    "import-db": _import_db,
    "explain": _explain,
}
STORE_COMMANDS = {"migrate", "export-db", "import-db"}
CHECKED_COMMANDS = {"run", "collect", "status"}  # a damaged file must not pass for an empty one
START_CHECK_SECONDS = 10.0  # bound of that check: a large file is checked only so far


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zonefeed", description=__doc__)
    parser.add_argument("--config", default=str(DEFAULT_CONFIG),
                        help="path to config.toml (default: the one beside service.py)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="scheduler + HTTP server until Ctrl-C")
    collect = sub.add_parser("collect", help="poll sources once now, then render feeds")
    collect.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    sub.add_parser("build", help="render feeds from stored stories")
    sub.add_parser("serve", help="serve the rendered feeds over HTTP")
    sub.add_parser("status", help="table of sources: state, items, last success, next poll, last error")
    sub.add_parser("reload", help="make the running service re-read config.toml (SIGHUP)")
    sub.add_parser("check-config", help="validate config.toml and print every problem")
    probe = sub.add_parser("probe", help="detect the news list of a page; print a [[sources]] snippet")
    probe.add_argument("url", help="list page URL")
    probe.add_argument("--encoding", help="force a charset (like a source's `encoding`)")
    sub.add_parser("migrate", help="bring the configured database schema up to date")
    export = sub.add_parser("export-db", help="write the whole store as JSON lines")
    export.add_argument("file", help="output file ('-' for stdout)")
    load = sub.add_parser("import-db", help="load an export into an empty store")
    load.add_argument("file", help="export file ('-' for stdin)")
    load.add_argument("--url", help="target storage URL (default: [storage] url of the config)")
    explain_cmd = sub.add_parser("explain", help="which story an appearance belongs to, and why")
    explain_cmd.add_argument("url", help="the appearance's URL (as stored or as found on the web)")
    demo = sub.add_parser("demo", help="run against a bundled local sample web (no internet needed)")
    demo.add_argument("--port", type=int, default=SERVICE_PORT, help=f"the service's port ({SERVICE_PORT})")
    demo.add_argument("--web-port", type=int, default=WEB_PORT, help=f"the sample web's port ({WEB_PORT})")
    demo.add_argument("--dir", default=str(DEMO_DIR), help="where the demo keeps its config and database")
    return parser
