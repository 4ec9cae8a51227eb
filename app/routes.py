"""What the operator endpoints answer: status pages, health, metrics, and "collect now"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from zoneinfo import ZoneInfo

from app.http import Action, Page, Reply, json_reply
from app.status_page import render_status_page
from obs import metrics
from ops.status import source_statuses, status_json
from settings.model import Config
from store.base import Store
from store.times import utc_now

PROBES = frozenset({"/healthz", "/readyz"})  # answered on the server's probe lane
READY_TIMEOUT = 1.5  # seconds /readyz waits for the database before answering 503


def ops_pages(current_config: Callable[[], Config], store: Store,
              is_ready: Callable[[], bool]) -> dict[str, Page]:
    """GET routes; `current_config` is read per request so a reload shows at once."""

    def status_page() -> Reply:
        config, now = current_config(), utc_now()
        body = render_status_page(config.service.title, source_statuses(config, store, now), now,
                                  ZoneInfo(config.service.timezone))
        return Reply(200, body, "text/html; charset=utf-8")

    def status_document() -> Reply:
        config, now = current_config(), utc_now()
        return Reply(200, status_json(source_statuses(config, store, now), now),
                     "application/json; charset=utf-8")

    def healthz() -> Reply:
        return Reply(200, b"ok\n")

    database = StoreCheck(store, READY_TIMEOUT)

    def readyz() -> Reply:
        if not is_ready():
            return Reply(503, b"starting\n")
        problem = database.problem()
        if problem:
            return Reply(503, f"{problem}\n".encode())
        return Reply(200, b"ready\n")

    def metrics_page() -> Reply:
        body, content_type = metrics.exposition(_stored_gauges(current_config(), store))
        return Reply(200, body, content_type)

    return {"/status": status_page, "/status.json": status_document, "/healthz": healthz,
            "/readyz": readyz, "/metrics": metrics_page}


class StoreCheck:
    """Whether the store answers a trivial query within `timeout` seconds.

    A database that is down can hold a query for the pool's whole timeout (30 s); the check
    runs on its own thread so a probe answers in time, and a check still stuck from an
    earlier probe is waited on rather than joined by another.
    """

    def __init__(self, store: Store, timeout: float):
        self._store = store
        self._timeout = timeout
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz")
        self._lock = threading.Lock()
        self._underway: Future[None] | None = None

    def problem(self) -> str | None:
        """None when the store answered; otherwise one line saying what went wrong."""
        with self._lock:
            if self._underway is None or self._underway.done():
                self._underway = self._thread.submit(self._query)
            underway = self._underway
        try:
            underway.result(timeout=self._timeout)
        except FutureTimeout:
            return f"database did not answer within {self._timeout:g} s"
        except Exception as exc:  # the point of /readyz is to say so instead of failing
            return "database unavailable: " + (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return None

    def _query(self) -> None:
        with self._store.read() as tx:
            tx.story_count()


def ops_actions(poll_now: Callable[[str], bool]) -> dict[str, Action]:
    """POST routes (admin token required, see app.http)."""

    def collect(query: dict[str, list[str]]) -> Reply:
        source_ids = query.get("source", [])
        if len(source_ids) != 1:
            return json_reply(400, {"error": "give exactly one ?source=ID"})
        if not poll_now(source_ids[0]):
            return json_reply(404, {"error": f"no enabled source {source_ids[0]!r}"})
        return json_reply(202, {"queued": source_ids[0]})

    return {"/admin/collect": collect}


def _stored_gauges(config: Config, store: Store) -> list[metrics.Metric]:
    """Gauges mirror stored state, so they are right after a restart and for every node."""
    configured = {s.id for s in config.sources}
    with store.read() as tx:
        stories = tx.story_count()
        states = [s for s in tx.source_states() if s.id in configured]
    metrics.STORIES.set(stories)
    return metrics.source_gauges(
        metrics.SourceGauge(state.id, state.consecutive_failures,
                            state.next_poll_at.timestamp() if state.next_poll_at else None,
                            state.last_success_at.timestamp() if state.last_success_at else None)
        for state in states)
