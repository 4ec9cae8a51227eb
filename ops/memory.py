"""Memory of a long-running service on glibc: few malloc arenas, freed pages given back.

glibc gives threads that allocate at once arenas of their own, up to 8 per core, and an
arena keeps the pages its freed blocks leave behind. `run` has ~60 threads (polls, HTTP
lanes, the store's connections); at 5,000 sources its anonymous memory was 257 MB, ~200 MB
of it in 14 arenas of 12-17 MB each (bench/README.md). Python's own allocator serves small
objects; these arenas hold the large ones: fetched pages, parsed trees, SQLite page caches.
The GIL lets one thread run Python at a time, so more arenas buy little speed.

On other C libraries nothing here has an effect.
"""

from __future__ import annotations

import ctypes
import os

ARENAS = "2"  # MALLOC_ARENA_MAX unless the operator's environment says otherwise
_M_ARENA_MAX = -8  # mallopt parameter number (glibc malloc.h)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


_LIBC = _glibc()


def limit_arenas() -> None:
    """Few arenas for this process (call before it starts threads) and for every process it
    starts (they read MALLOC_ARENA_MAX from the environment when they start)."""
    arenas = os.environ.setdefault("MALLOC_ARENA_MAX", ARENAS)
    if _LIBC is not None and arenas.isdigit():
        _LIBC.mallopt(_M_ARENA_MAX, int(arenas))


def give_back() -> None:
    """Return the free pages of every arena to the system (after a render, which allocates
    and frees a lot at once)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
