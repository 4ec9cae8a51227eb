"""zonefeed entry point: read config, wire the rooms together, run the chosen command."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from feeds.build import build_feeds
from feeds.server import StaticSite, make_server
from items.store import open_store
from items.store.sqlite import SQLiteStore
from scheduler.collect import CollectOutcome, collect_many
from scheduler.jobs import start_scheduler
from settings import Config, ConfigError, load_config
from sources import Fetcher, FetchError
from sources.html.probe import probe_page

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from sampleweb.demo import run_demo

        return run_demo(lambda config_path: main(["--config", str(config_path), "run"]))
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"config error{'s' if len(exc.problems) > 1 else ''}:", file=sys.stderr)
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "check-config":
        print(f"{args.config}: OK ({len(config.sources)} sources, {len(config.feeds)} feeds)")
        return 0
    if args.command == "probe":
        return _probe(config, args)
    _setup_logging(args.log_level or config.service.log_level)
    store = open_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    try:
        return COMMANDS[args.command](config, store, args)
    finally:
        store.close()


def _collect(config: Config, store: SQLiteStore, args: argparse.Namespace) -> int:
    wanted = set(args.source or [])
    unknown = wanted - {s.id for s in config.sources}
    if unknown:
        print(f"unknown source id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return EXIT_CONFIG
    sources = [s for s in config.sources if (s.id in wanted) or (not wanted and s.enabled)]
    outcomes = collect_many(config, sources, Fetcher(config.fetch), store)
    build_feeds(config, store)
    _print_outcomes(outcomes)
    return 1 if any(o.error for o in outcomes) else 0


def _print_outcomes(outcomes: list[CollectOutcome]) -> None:
    for o in outcomes:
        if o.error:
            print(f"{o.source_id}: FAILED ({o.error_kind}) {o.error}")
        else:
            state = "not modified" if o.not_modified else f"{o.new} new, {o.updated} updated"
            print(f"{o.source_id}: ok, {state}")
        if o.moved_to:
            print(f"{o.source_id}: moved permanently to {o.moved_to} (update its url in the config)")


def _probe(config: Config, args: argparse.Namespace) -> int:
    try:
        print(probe_page(args.url, Fetcher(config.fetch), args.encoding).render())
    except FetchError as exc:
        print(f"cannot probe {args.url}: {exc}", file=sys.stderr)
        return 1
    return 0


def _build(config: Config, store: SQLiteStore, args: argparse.Namespace) -> int:
    changed = build_feeds(config, store)
    print(f"rendered {len(config.feeds)} feeds; changed files: {', '.join(changed) or 'none'}")
    return 0


def _status(config: Config, store: SQLiteStore, args: argparse.Namespace) -> int:
    with store.transaction() as tx:
        states = tx.source_states()
    configured = {s.id for s in config.sources}
    print(f"{'source':<20} {'items':>6}  {'last success':<20} last error")
    for state in states:
        if state.id not in configured:
            continue
        success = state.last_success_at.strftime("%Y-%m-%d %H:%M:%SZ") if state.last_success_at else "never"
        error = state.last_error or "-"
        print(f"{state.id:<20} {state.appearances:>6}  {success:<20} {error}")
    return 0


def _serve(config: Config, store: SQLiteStore, args: argparse.Namespace) -> int:
    build_feeds(config, store)
    server = make_server(config.server.host, config.server.port,
                         StaticSite(config.service.data_dir / "public"))
    _announce(config, server.server_address[1])
    _serve_until_signal(server)
    return 0


def _run(config: Config, store: SQLiteStore, args: argparse.Namespace) -> int:
    build_feeds(config, store)
    scheduler, renderer = start_scheduler(config, Fetcher(config.fetch), store,
                                          lambda: build_feeds(config, store))
    server = make_server(config.server.host, config.server.port,
                         StaticSite(config.service.data_dir / "public"))
    _announce(config, server.server_address[1])
    try:
        _serve_until_signal(server)
    finally:
        scheduler.shutdown(wait=True)
        renderer.flush()
    return 0


def _announce(config: Config, port: int) -> None:
    base = f"http://{config.server.host}:{port}"
    print(f"zonefeed serving {base}/  feeds: " +
          ", ".join(f"{base}/feeds/{f.id}.atom" for f in config.feeds), flush=True)


def _serve_until_signal(server) -> None:
    """Serve in a thread; SIGINT/SIGTERM stop it cleanly."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop.wait()
    server.shutdown()
    server.server_close()


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="time=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


COMMANDS = {
    "run": _run,
    "collect": _collect,
    "build": _build,
    "serve": _serve,
    "status": _status,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="service.py", description=__doc__)
    parser.add_argument("--config", default=str(Path(__file__).with_name("config.toml")),
                        help="path to config.toml (default: the one beside service.py)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="scheduler + HTTP server until Ctrl-C")
    collect = sub.add_parser("collect", help="poll sources once now, then render feeds")
    collect.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    sub.add_parser("build", help="render feeds from stored stories")
    sub.add_parser("serve", help="serve the rendered feeds over HTTP")
    sub.add_parser("status", help="table of sources: last success, last error, items")
    sub.add_parser("check-config", help="validate config.toml and print every problem")
    probe = sub.add_parser("probe", help="detect the news list of a page; print a [[sources]] snippet")
    probe.add_argument("url", help="list page URL")
    probe.add_argument("--encoding", help="force a charset (like a source's `encoding`)")
    sub.add_parser("demo", help="run against a bundled local sample web (no internet needed)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
