"""The render debouncer under a steady stream of triggers (polls finishing every moment)."""

from __future__ import annotations

import threading
import time

from scheduler.jobs import Debouncer


def test_a_steady_stream_of_triggers_still_runs_every_delay():
    runs: list[float] = []
    debouncer = Debouncer(lambda: runs.append(time.monotonic()), delay=0.2)
    started = time.monotonic()
    while time.monotonic() - started < 1.5:  # a trigger every 20 ms, never a quiet moment
        debouncer.trigger()
        time.sleep(0.02)
    assert len(runs) >= 3, runs
    time.sleep(0.5)
    count = len(runs)
    time.sleep(0.5)
    assert len(runs) == count  # no trigger, no run


def test_a_burst_runs_once_and_a_trigger_during_a_run_runs_again():
    entered, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def action() -> None:
        runs.append(1)
        if len(runs) == 1:
            entered.set()
            release.wait(5)

    debouncer = Debouncer(action, delay=0.05)
    for _ in range(10):
        debouncer.trigger()
    assert entered.wait(5)
    debouncer.trigger()  # data changed while the first run was rendering
    release.set()
    time.sleep(0.5)
    assert len(runs) == 2


def test_flush_runs_a_pending_action_now_and_only_once():
    runs: list[int] = []
    debouncer = Debouncer(lambda: runs.append(1), delay=5)
    debouncer.trigger()
    debouncer.flush()
    debouncer.flush()
    assert runs == [1]
