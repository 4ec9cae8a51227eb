"""When things run: one APScheduler job per source, and a (debounced) render after each poll:
new stories, but also a source failing or recovering, which the index reports; a render with
nothing new to show stops at its stamp.

The database, not the job, decides whether a poll is due: each run first claims the source
(Tx.claim_source) and afterwards moves the job to the stored next_poll_at, so backoff survives
restarts and several processes sharing one database poll each source once.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from obs.logs import source_context
from scheduler.collect import claim, collect_source
from scheduler.gate import ShuttingDown, WriteGate
from scheduler.leases import make_node_id, release_dead_local_leases, release_own_leases
from settings.model import Config, SourceConfig
from sources import Fetcher
from store.base import Store
from store.times import utc_now

log = logging.getLogger("zonefeed.scheduler")
FIRST_POLL_SPREAD = 10.0  # seconds over which the first polls after start are spread
STORE_RETRY_SECONDS = 30  # how soon a poll whose failure the store refused tries to record it again


class Debouncer:
    """Runs `action` once, `delay` seconds after the first trigger of a burst.

    Triggers while a run is pending join it, so a steady stream of polls (many sources, or
    short intervals) still renders every `delay` seconds; waiting for a quiet moment instead
    starved the render for as long as polls kept finishing.
    """

    def __init__(self, action: Callable[[], object], delay: float):
        self._action = action
        self._delay = delay
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def trigger(self) -> None:
        with self._lock:
            if self._timer is None:
                self._timer = threading.Timer(self._delay, self._run)
                self._timer.daemon = True
                self._timer.start()

    def _run(self) -> None:
        with self._lock:
            self._timer = None  # a trigger from now on needs a run of its own
        try:
            self._action()
        except Exception:
            log.exception("event=render_failed")

    def flush(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            self._run()


class PollScheduler:
    """The running schedule of one process: start, reload config, poll now, shut down."""

    def __init__(self, config: Config, fetcher: Fetcher, store: Store,
                 render: Callable[[], object], node_id: str | None = None,
                 render_delay: float = 2.0, store_retry: float = STORE_RETRY_SECONDS):
        self.node_id = node_id or make_node_id()
        self._store_retry = store_retry
        self.renderer = Debouncer(render, render_delay)
        self._config = config
        self._fetcher = fetcher
        self._store = store
        self._gate = WriteGate()
        self._sources: dict[str, SourceConfig] = {}
        self._forced: set[str] = set()
        self._unrecorded: dict[str, str] = {}  # source id -> store error of a poll still leased to us
        self._running = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(config.scheduler.workers)}, timezone=UTC)

    @property
    def config(self) -> Config:
        return self._config

    def start(self) -> None:
        release_dead_local_leases(self._store)
        self._scheduler.start(paused=True)
        self._sync_jobs()
        self._scheduler.resume()
        log.info("event=scheduler_started node=%s sources=%d", self.node_id, len(self._sources))

    def reload(self, config: Config) -> dict[str, list[str]]:
        """Apply a new config: add, remove and reschedule jobs; polls under way finish as they are."""
        with self._lock:
            self._config = config
        changes = self._sync_jobs()
        log.info("event=reload added=%s removed=%s changed=%s", ",".join(changes["added"]) or "-",
                 ",".join(changes["removed"]) or "-", ",".join(changes["changed"]) or "-")
        return changes

    def poll_now(self, source_id: str) -> bool:
        """Run this source's poll as soon as a worker is free, due or not."""
        with self._lock:
            if source_id not in self._sources:
                return False
            self._forced.add(source_id)
        self._move_job(source_id, datetime.now(UTC))
        return True

    def shutdown(self, grace: float = 3.0) -> bool:
        """Stop starting polls, wait `grace` s for running ones, let writes under way commit.

        Returns False when polls are still fetching; they cannot write any more, their claims
        are released, and the caller may exit without waiting for them.
        """
        self._scheduler.shutdown(wait=False)
        with self._idle:
            self._idle.wait_for(lambda: self._running == 0, grace)
        self._gate.close(timeout=30)
        with self._lock:
            running = self._running
        if running:
            self._release_own_leases()
        self.renderer.flush()
        log.info("event=scheduler_stopped node=%s abandoned_polls=%d", self.node_id, running)
        return running == 0

    # jobs ------------------------------------------------------------------------------------
    def _sync_jobs(self) -> dict[str, list[str]]:
        with self._lock:
            wanted = {s.id: s for s in self._config.sources if s.enabled}
            old = self._sources
            self._sources = wanted
        removed = [sid for sid in old if sid not in wanted]
        changed = [sid for sid in old if sid in wanted and old[sid] != wanted[sid]]
        added = [sid for sid in wanted if sid not in old]
        for source_id in removed + changed:
            try:
                self._scheduler.remove_job(source_id)
            except JobLookupError:
                pass
        if added or changed:
            with self._store.read() as tx:
                next_polls = {sid: tx.next_poll_at(sid) for sid in added + changed}
            for source_id in added + changed:
                self._add_job(wanted[source_id], next_polls[source_id])
        return {"added": added, "removed": removed, "changed": changed}

    def _add_job(self, source: SourceConfig, next_poll_at: datetime | None) -> None:
        now = datetime.now(UTC)
        if next_poll_at is not None and next_poll_at > now:
            first = next_poll_at + timedelta(seconds=random.uniform(0, _jitter(source)))
        else:
            first = now + timedelta(seconds=random.uniform(0, min(FIRST_POLL_SPREAD, source.interval)))
        self._scheduler.add_job(
            self._poll, "interval", args=(source.id,), id=source.id, name=source.id,
            seconds=source.interval, jitter=_jitter(source) or None, next_run_time=first,
            max_instances=1, coalesce=True, misfire_grace_time=max(1, source.interval // 2),
            replace_existing=True,
        )

    def _move_job(self, source_id: str, when: datetime) -> None:
        try:
            self._scheduler.modify_job(source_id, next_run_time=when)
        except JobLookupError:
            pass  # removed by a reload meanwhile

    # one run -----------------------------------------------------------------------------------
    def _poll(self, source_id: str) -> None:
        with self._lock:
            source = self._sources.get(source_id)
            forced = source_id in self._forced
            self._forced.discard(source_id)
            config = self._config
            if source is None:
                return
            self._running += 1
        try:
            with source_context(source_id):
                self._poll_claimed(config, source, forced)
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _poll_claimed(self, config: Config, source: SourceConfig, forced: bool) -> None:
        if self._still_unrecorded(source.id):
            return  # its last failure is not written yet (the store still refuses): try again soon
        if not claim(self._store, source.id, self.node_id, config.scheduler.lease, due_only=not forced):
            self._follow_stored_schedule(source)
            return
        try:
            outcome = collect_source(config, source, self._fetcher, self._store, self._gate.writing)
        except ShuttingDown:
            return  # nothing written; the claim is released by shutdown()
        except Exception:
            log.exception("event=poll_crashed source=%s", source.id)
            self._release(source.id)
            return
        if outcome.error_kind == "store":
            self._store_failed(source, outcome.error or "store error")
            return
        self.renderer.trigger()  # even a failure may change what the index says (all failing)
        if outcome.next_poll_at is not None:
            self._move_job(source.id, _jittered(outcome.next_poll_at, source))

    def _follow_stored_schedule(self, source: SourceConfig) -> None:
        """Not ours to poll now: another node did or is doing it, or a backoff runs."""
        with self._store.read() as tx:
            next_poll = tx.next_poll_at(source.id)
        log.debug("event=poll_skipped reason=not_claimed source=%s next_poll=%s", source.id,
                  next_poll.isoformat() if next_poll else "-")
        if next_poll is not None and next_poll > utc_now():
            self._move_job(source.id, _jittered(next_poll, source))

    def _release(self, source_id: str) -> None:
        try:
            with self._store.transaction() as tx:
                tx.release_lease(source_id, self.node_id)
        except Exception:
            log.exception("event=lease_release_failed source=%s", source_id)

    def _release_own_leases(self) -> None:
        release_own_leases(self._store, self.node_id)

    def _store_failed(self, source: SourceConfig, message: str) -> None:
        """A poll failed on the store (e.g. PostgreSQL down) and perhaps could not even record
        that, leaving its lease: record it as soon as the store answers again, so the source
        is neither held for the lease's length nor shown as merely stale."""
        with self._lock:
            self._unrecorded[source.id] = message
        self._still_unrecorded(source.id)

    def _still_unrecorded(self, source_id: str) -> bool:
        """Record what waits; if `source_id`'s failure still cannot be, retry it shortly."""
        self._record_unrecorded()
        with self._lock:
            waiting = source_id in self._unrecorded
        if waiting:
            self._move_job(source_id, datetime.now(UTC) + timedelta(seconds=self._store_retry))
        return waiting

    def _record_unrecorded(self) -> None:
        """Record the store failures still waiting (each releases its lease), if the store answers."""
        with self._lock:
            if not self._unrecorded:
                return
            pending = dict(self._unrecorded)
            intervals = {sid: self._sources[sid].interval for sid in pending if sid in self._sources}
        try:
            with self._store.transaction() as tx:
                held = tx.leases()
                now = utc_now()
                for source_id, message in pending.items():
                    if held.get(source_id) == self.node_id:  # not expired and taken by another node
                        tx.record_failure(source_id, now, message, "store", now + timedelta(
                            seconds=intervals.get(source_id, STORE_RETRY_SECONDS)))
        except Exception as exc:
            log.warning("event=lease_release_deferred reason=store_error sources=%s error=%r",
                        ",".join(sorted(pending)), exc)
            return
        with self._lock:
            for source_id in pending:
                self._unrecorded.pop(source_id, None)
        log.info("event=lease_released reason=store_error sources=%s", ",".join(sorted(pending)))


def _jitter(source: SourceConfig) -> int:
    """Up to a tenth of the interval, so sources with equal intervals drift apart."""
    return source.interval // 10


def _jittered(moment: datetime, source: SourceConfig) -> datetime:
    return moment + timedelta(seconds=random.uniform(0, _jitter(source)))

