"""`service.py run`: scheduler + HTTP server + operator endpoints until SIGTERM/SIGINT; SIGHUP reloads.

Shutdown order matters for crash safety: stop accepting requests, stop starting polls, let
database writes under way commit, render once more, and only then exit — without waiting for
slow fetches, whose polls simply run again after the restart.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from app.http import install_ops_routes
from app.routes import PROBES, ops_actions, ops_pages
from feeds.build import build_feeds
from feeds.live import feed_site
from feeds.server import make_server
from items.retention import apply_retention
from obs import metrics
from obs.logs import setup_logging
from ops.memory import give_back
from ops.pidfile import remove_pid, write_pid
from ops.signals import SignalInbox
from scheduler.collect import StoredRobots
from scheduler.jobs import PollScheduler
from settings import Config, ConfigError, load_config
from sources import Fetcher, offload
from store.base import Store
from store.times import utc_now

log = logging.getLogger("zonefeed.service")
SHUTDOWN_GRACE = 3.0  # seconds polls under way get to finish before we stop waiting for them
COLLECT_NICE = 10  # collecting runs below the front's priority: 18k -> 28k polls/s while collecting
RETENTION_EVERY = 3600.0  # seconds between retention passes (each scans the old stories once)


class _Retention:
    """Applies retention (`[storage] keep_content`, the change log's length) before a render,
    at most once per RETENTION_EVERY."""

    def __init__(self, store: Store):
        self.store = store
        self.last: float | None = None

    def maybe_apply(self, keep_content: int | None) -> None:
        now = time.monotonic()
        if self.last is not None and now - self.last < RETENTION_EVERY:
            return
        self.last = now
        report = apply_retention(self.store, keep_content, utc_now())
        if report.stories_trimmed or report.band_rows_dropped or report.changes_dropped:
            log.info("event=retention stories_trimmed=%d band_rows_dropped=%d changes_dropped=%d",
                     report.stories_trimmed, report.band_rows_dropped, report.changes_dropped)


def run_service(config: Config, store: Store, log_level: str | None,
                announce: Callable[[Config, int], None]) -> int:
    """Run until asked to stop; `log_level` from the command line beats the config's."""
    signals = _Signals()
    current = {"config": config}
    ready = threading.Event()
    server = make_server(config.server.host, config.server.port,
                         feed_site(lambda: current["config"], store), settings=config.server,
                         front_logs=partial(setup_logging, log_level or config.service.log_level))
    install_ops_routes(server, ops_pages(lambda: current["config"], store, ready.is_set),
                       ops_actions(lambda source_id: poller.poll_now(source_id)), config.server.admin_token,
                       PROBES)
    server.start_front()
    # Readers' polls are answered by the front process; from here on this thread, and every
    # thread and process it starts (polls, parse workers, renders), yields the CPU to it.
    os.nice(COLLECT_NICE)
    retention = _Retention(store)

    def render_after_retention() -> list[str]:
        retention.maybe_apply(current["config"].storage.keep_content)
        try:
            return build_feeds(current["config"], store)
        finally:
            give_back()

    render = metrics.timed_render(render_after_retention)
    render()
    offload.configure(config.scheduler.parse_processes)
    poller = PollScheduler(config, Fetcher(config.fetch, robots_memory=StoredRobots(store)), store, render)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    poller.start()
    write_pid(config.service.data_dir)
    ready.set()
    announce(config, server.server_address[1])

    def reload() -> None:
        new = _reload_config(config.path, store, poller)
        if new is not None:
            current["config"] = new
            server.refresh_front()
            setup_logging(log_level or new.service.log_level)
            poller.renderer.trigger()

    try:
        signals.wait(reload)
    finally:
        ready.clear()
        server.shutdown()
        server.server_close()
        idle = poller.shutdown(grace=SHUTDOWN_GRACE)
        offload.stop()
        remove_pid(config.service.data_dir)
    if not idle:
        # Polls still fetching would keep the interpreter alive until their timeouts; they
        # can no longer write, so nothing is lost by not waiting for them.
        logging.shutdown()
        sys.stdout.flush()
        os._exit(0)
    return 0


def _reload_config(path: Path, store: Store, poller: PollScheduler) -> Config | None:
    try:
        new = load_config(path)
    except ConfigError as exc:
        log.error("event=reload_failed reason=config_error problems=%r", exc.problems)
        return None
    old = poller.config
    if (new.server, new.storage, new.fetch, new.scheduler) != (old.server, old.storage, old.fetch, old.scheduler):
        log.warning("event=reload_partial note=\"[server], [storage], [fetch] and [scheduler] changes need a restart\"")
    with store.transaction() as tx:
        tx.sync_sources(new.sources)
    poller.reload(new)
    return new


class _Signals:
    """Installed first thing, so a SIGHUP sent as soon as the pid file exists is never fatal."""

    def __init__(self) -> None:
        self._inbox = SignalInbox((signal.SIGINT, signal.SIGTERM, signal.SIGHUP))

    def wait(self, on_reload: Callable[[], None]) -> None:
        """Block the main thread; SIGINT/SIGTERM return, SIGHUP calls `on_reload` here."""
        while (signum := self._inbox.next()) == signal.SIGHUP:
            log.info("event=reload_requested")
            on_reload()
        log.info("event=stop_requested signal=%s", signal.Signals(signum).name)
