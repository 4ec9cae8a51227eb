"""Who polls: a node id per process, and freeing polls claimed by processes that died here.

The claim itself is a conditional UPDATE in the store (Tx.claim_source), so any number of
processes can run the same schedule against one database and each poll still happens once.
A node id is `host:pid:start`, the process's start time telling a live holder from a later
process that happens to get the same pid. The host part carries the PID namespace: containers
sharing a hostname (host networking) cannot see each other's pids, so they are not one host.
"""

from __future__ import annotations

import logging
import os
import socket
from functools import lru_cache

from model.holders import Holder, parse_holder
from store.base import Store

log = logging.getLogger("zonefeed.scheduler")


def make_node_id() -> str:
    """This process as a lease holder: host, pid and start time."""
    pid = os.getpid()
    return str(Holder(local_host(), pid, process_start(pid) or "?"))


@lru_cache(maxsize=1)
def local_host() -> str:
    """This host as lease holders name it: where pids mean the same process."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}/pidns{namespace}"


def release_dead_local_leases(store: Store) -> list[str]:
    """Free claims held by processes of this host that no longer exist (killed mid-poll), or
    whose pid now belongs to another process (a different start time).

    Without this, a kill -9 would hold a source until its lease ran out; leases of other hosts
    are left to expire, since we cannot tell whether they are alive.
    """
    host = local_host()
    released = []
    with store.transaction() as tx:
        for source_id, node_id in tx.leases().items():
            holder = parse_holder(node_id)
            if holder is not None and holder.host == host and not holder_alive(holder):
                tx.release_lease(source_id, node_id)
                released.append((source_id, node_id))
    for source_id, node_id in released:
        log.warning("event=lease_released reason=holder_gone source=%s holder=%s", source_id, node_id)
    return [source_id for source_id, _ in released]


def holder_alive(holder: Holder) -> bool:
    """Whether the process that took the lease still runs (same pid, same start time)."""
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: alive, but maybe not ours
    if not holder.start.isdigit():
        return True  # no start time recorded (no /proc, or an id of an older version)
    now = process_start(holder.pid)
    return now is None or now == holder.start


def process_start(pid: int) -> str | None:
    """Start of `pid` in clock ticks since the epoch (boot time + /proc's ticks since boot);
    None where /proc cannot tell (not Linux, or the process just ended)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = int(fields[19])  # field 22 of proc(5); fields[0] here is field 3
    boot = _boot_time()
    return str(boot * os.sysconf("SC_CLK_TCK") + ticks) if boot is not None else None


@lru_cache(maxsize=1)
def _boot_time() -> int | None:
    try:
        with open("/proc/stat", "rb") as stat:
            for line in stat:
                if line.startswith(b"btime "):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def release_own_leases(store: Store, node_id: str) -> list[str]:
    """Give back every claim `node_id` still holds (polls abandoned at shutdown, or whose
    failure could not be recorded); raises when the store is unreachable."""
    with store.transaction() as tx:
        mine = [source_id for source_id, holder in tx.leases().items() if holder == node_id]
        for source_id in mine:
            tx.release_lease(source_id, node_id)
    return mine
