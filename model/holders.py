"""Who holds a poll lease: a process named by host, pid and start time (`host:pid:start`).

A record every room may read: the scheduler makes and frees leases, status shows who holds one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    host: str  # hostname, plus "/pidns<inode>" where Linux tells the PID namespace
    pid: int
    start: str  # process start time in clock ticks since the epoch ("?" where /proc is missing)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.start}"

    def describe(self) -> str:
        return f"{self.host} pid {self.pid}"


def parse_holder(node_id: str) -> Holder | None:
    """The holder a lease names; None for ids of another form (older versions, tests)."""
    parts = node_id.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return Holder(parts[0], int(parts[1]), parts[2])
