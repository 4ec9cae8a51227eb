"""The CPU-heavy pure steps of a poll (parsing a feed, extracting an article page) in worker
processes.

A cold collect is CPU-bound, and in threads only one core runs Python at a time. These two
steps are the largest part of that CPU and pure functions of the fetched page, so they run in
a small process pool beside the fetching threads. With no processes configured (the default
for code that never calls `configure`), they run in the calling thread.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_lock = threading.Lock()
_processes = 0
_pool: ProcessPoolExecutor | None = None


def configure(processes: int) -> None:
    """Use `processes` worker processes from now on (0: run in the calling thread)."""
    old = _replace_pool(processes)
    if old is not None:
        old.shutdown(wait=False)


STOP_WAIT = 3.0  # seconds stop() waits for the workers before the service exits anyway


def stop() -> None:
    """No more worker processes, and wait (at most STOP_WAIT) until the current ones have
    exited. For a service that ends with os._exit (polls still fetching): that skips the
    executor's exit handler, and its workers, forkserver and resource tracker outlived the
    service. The wait runs on a thread of its own and is bounded, because an executor's
    shutdown can hang (a stop must never wait for ever: a worker stuck on a page is left).
    Later pages run in their calling thread."""
    old = _replace_pool(0)
    if old is None:
        return
    waiter = threading.Thread(target=old.shutdown, kwargs={"wait": True, "cancel_futures": True},
                              name="offload-stop", daemon=True)
    waiter.start()
    waiter.join(STOP_WAIT)
    if waiter.is_alive():
        log.warning("event=offload_stop_timeout seconds=%s note=\"workers left running\"", STOP_WAIT)


def _replace_pool(processes: int) -> ProcessPoolExecutor | None:
    """Set the worker count; the pool it replaces (None when the count is unchanged)."""
    global _processes, _pool
    with _lock:
        if processes == _processes:
            return None
        old, _pool, _processes = _pool, None, processes
        return old


def run(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a worker process (`function` a module-level function, arguments and
    result picklable); in this thread when none are configured or the pool broke (a worker
    killed by the OS): the page is never lost, and the pool is rebuilt for the next one."""
    pool = _current_pool()
    if pool is None:
        return function(*args)
    try:
        return pool.submit(function, *args).result()
    except BrokenProcessPool:
        log.warning("event=offload_broken function=%s note=\"ran here, pool rebuilt\"", function.__name__)
        _discard(pool)
        return function(*args)
    except (CancelledError, RuntimeError):  # after stop(): submit refused, or queued work cancelled
        return function(*args)


def _current_pool() -> ProcessPoolExecutor | None:
    global _pool
    with _lock:
        if _processes and _pool is None:
            # forkserver: workers never inherit this process's threads, locks or sockets
            _pool = ProcessPoolExecutor(_processes, mp_context=multiprocessing.get_context("forkserver"),
                                        initializer=_exit_with, initargs=(os.getpid(),))
        return _pool


def _exit_with(service_pid: int) -> None:
    """In a worker: end when the service process ends, however it ends. A worker waits for
    work on a queue it holds both ends of, and it holds the forkserver's "alive" pipe open, so
    after a SIGKILLed service the worker, the forkserver and the resource tracker ran on for
    ever, adopted by init."""
    try:
        service = os.pidfd_open(service_pid)
    except (AttributeError, OSError):  # not Linux >= 5.3: left as it was
        return

    def wait() -> None:
        select.select([service], [], [])  # readable once the process has ended
        os._exit(0)

    threading.Thread(target=wait, name="exit-with-service", daemon=True).start()


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False)
