"""Few malloc arenas: threads that allocate no longer each keep an arena of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys, threading
from ops.memory import limit_arenas
if sys.argv[1] == "limit":
    limit_arenas()
barrier = threading.Barrier(8)
def churn():
    barrier.wait()
    for _ in range(50):
        blocks = [bytes(100_000) for _ in range(10)]  # below the mmap threshold: arena memory
threads = [threading.Thread(target=churn) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
heaps = 0  # a thread arena's heap is a 64 MB reservation, its unused part mapped ---p
for line in open("/proc/self/maps"):
    fields = line.split()
    start, end = (int(x, 16) for x in fields[0].split("-"))
    heaps += fields[1] == "---p" and len(fields) == 5 and end - start > 2**20
print(heaps, __import__("os").environ.get("MALLOC_ARENA_MAX"))
"""


def _arenas(mode: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", CHILD, mode], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), out[1]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc")
def test_threads_share_two_arenas_and_children_inherit_the_limit():
    free, _ = _arenas("free")
    limited, inherited = _arenas("limit")
    assert free >= 4  # glibc's default: an arena per new thread, up to 8 per core
    assert limited <= 1 and inherited == "2"
