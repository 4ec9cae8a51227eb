"""When things run: one APScheduler job per source, rendering after collects that changed stories."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from items.store.sqlite import SQLiteStore
from scheduler.collect import collect_source
from settings.model import Config, SourceConfig
from sources import Fetcher

log = logging.getLogger("zonefeed.scheduler")


class Debouncer:
    """Runs `action` once after a burst of triggers has been quiet for `delay` seconds."""

    def __init__(self, action: Callable[[], object], delay: float):
        self._action = action
        self._delay = delay
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def trigger(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self._delay, self._run)
            self._timer.daemon = True
            self._timer.start()

    def _run(self) -> None:
        try:
            self._action()
        except Exception:
            log.exception("event=render_failed")

    def flush(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None and not timer.finished.is_set():
            timer.cancel()
            self._run()


def start_scheduler(config: Config, fetcher: Fetcher, store: SQLiteStore,
                    render: Callable[[], object], workers: int = 8) -> tuple[BackgroundScheduler, Debouncer]:
    """Start polling every enabled source on its own interval; first polls spread over 10 s."""
    renderer = Debouncer(render, delay=2.0)
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(workers)},
                                    timezone=UTC)
    now = datetime.now(UTC)
    for source in config.sources:
        if not source.enabled:
            continue
        scheduler.add_job(
            _poll, "interval", args=(config, source, fetcher, store, renderer),
            id=source.id, seconds=source.interval, jitter=max(1, source.interval // 10),
            next_run_time=now + timedelta(seconds=random.uniform(0, min(10, source.interval))),
            max_instances=1, coalesce=True, misfire_grace_time=max(1, source.interval // 2),
        )
    scheduler.start()
    return scheduler, renderer


def _poll(config: Config, source: SourceConfig, fetcher: Fetcher, store: SQLiteStore,
          renderer: Debouncer) -> None:
    if collect_source(config, source, fetcher, store).changed:
        renderer.trigger()
