"""Who polls: a node id per process, and freeing polls claimed by processes that died here.

The claim itself is a conditional UPDATE in the store (Tx.claim_source), so any number of
processes can run the same schedule against one database and each poll still happens once.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket

from store.base import Store

log = logging.getLogger("zonefeed.scheduler")


def make_node_id() -> str:
    """hostname:pid:random — the random part tells a restarted process from its predecessor."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def release_dead_local_leases(store: Store) -> list[str]:
    """Free claims held by processes of this host that no longer exist (killed mid-poll).

    Without this, a kill -9 would hold a source until its lease ran out; leases of other hosts
    are left to expire, since we cannot tell whether they are alive.
    """
    host = socket.gethostname()
    released = []
    with store.transaction() as tx:
        for source_id, holder in tx.leases().items():
            parts = holder.rsplit(":", 2)
            if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
                continue
            if not _alive(int(parts[1])):
                tx.release_lease(source_id, holder)
                released.append(source_id)
    for source_id in released:
        log.info("event=lease_released reason=holder_dead source=%s", source_id)
    return released


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
