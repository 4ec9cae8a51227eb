"""Signals reach the main thread, in order, even when they arrive faster than it handles them."""

from __future__ import annotations

import os
import signal
import threading
import time

from ops.signals import SignalInbox


def test_a_storm_of_signals_never_wedges_the_waiting_thread():
    previous = signal.getsignal(signal.SIGUSR1), signal.getsignal(signal.SIGUSR2)
    inbox = SignalInbox((signal.SIGUSR1, signal.SIGUSR2))
    done = threading.Event()

    def storm() -> None:
        for _ in range(20_000):
            os.kill(os.getpid(), signal.SIGUSR1)
        time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGUSR2)
        done.set()

    try:
        threading.Thread(target=storm, daemon=True).start()
        received = []
        started = time.monotonic()
        while (signum := inbox.next(timeout=10)) != signal.SIGUSR2:
            assert signum is not None, "the inbox stopped delivering"
            received.append(signum)
        assert done.wait(5) and time.monotonic() - started < 30
        assert received and set(received) == {signal.SIGUSR1}  # the kernel merges repeats; some arrive
        assert inbox.next(timeout=0.05) in (None, signal.SIGUSR1)
    finally:
        signal.signal(signal.SIGUSR1, previous[0])
        signal.signal(signal.SIGUSR2, previous[1])
