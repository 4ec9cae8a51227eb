"""MinHash signatures of character 3-grams and the LSH band keys stored in the database.

One-permutation hashing (one 64-bit hash per shingle, binned; empty bins filled by rotation
from the next full bin) costs O(shingles) per document instead of O(shingles x permutations),
which keeps signatures cheap enough for ingest at thousands of items per second.
Every constant is fixed, so keys computed today match keys stored by an earlier process.
"""

from __future__ import annotations

import hashlib

import numpy as np

BANDS = 20
ROWS = 3  # rows per band: a pair with Jaccard 0.5 shares a band with p = 1-(1-0.5**3)**20 = 0.93
BINS = BANDS * ROWS
TITLE_BAND = BANDS  # an extra "band" for an identical title key, so short re-posts meet their origin
_KEY_MASK = (1 << 63) - 1  # band keys fit a signed BIGINT

_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_C1 = np.uint64(0x9E3779B97F4A7C15)
_C2 = np.uint64(0xC2B2AE3D27D4EB4F)
_C3 = np.uint64(0x165667B19E3779F9)
_EMPTY = np.uint64(np.iinfo(np.uint64).max)
_ROTATION = np.uint64(0x2545F4914F6CDD1D)
_BAND_SALT = np.arange(BANDS, dtype=np.uint64) * _C1
_BAND_WEIGHTS = np.array([0x8CB92BA72F3D8DD7, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB],
                         dtype=np.uint64)[:ROWS]


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads nearby inputs over all 64 bits."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX2
    return values ^ (values >> np.uint64(31))


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the character 3-grams of `text` (the whole text if shorter)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) == 0:
        return np.empty(0, dtype=np.uint64)
    if len(points) < 3:
        points = np.concatenate([points, np.zeros(3 - len(points), dtype=np.uint64)])
    # Repeated shingles hash alike, so duplicates are harmless to a minimum.
    return _mix(points[:-2] * _C1 ^ points[1:-1] * _C2 ^ points[2:] * _C3)


def signature(text: str) -> np.ndarray:
    """BINS minimum values, one per bin; equal bins estimate the Jaccard similarity."""
    hashes = shingle_hashes(text)
    bins = np.full(BINS, _EMPTY, dtype=np.uint64)
    if len(hashes) == 0:
        return bins
    np.minimum.at(bins, (hashes % np.uint64(BINS)).astype(np.intp), hashes // np.uint64(BINS))
    full = np.flatnonzero(bins != _EMPTY)
    if len(full) < BINS:
        # Densify: an empty bin borrows the next full bin's value, tagged with the distance.
        positions = np.arange(BINS)
        nxt = np.searchsorted(full, positions) % len(full)
        distance = (full[nxt] - positions) % BINS
        empty = bins == _EMPTY
        bins[empty] = bins[full[nxt[empty]]] + distance[empty].astype(np.uint64) * _ROTATION
    return bins


def band_keys(sig: np.ndarray) -> list[int]:
    """One key per band: hash of (band number, its ROWS values), as a non-negative BIGINT."""
    combined = _mix((sig.reshape(BANDS, ROWS) * _BAND_WEIGHTS).sum(axis=1, dtype=np.uint64) ^ _BAND_SALT)
    return [int(v) & _KEY_MASK for v in combined.tolist()]


def title_band_key(key: str) -> int:
    """Key of the identical-title band (stable across processes, unlike hash())."""
    digest = hashlib.blake2b(f"{TITLE_BAND}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _KEY_MASK


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))
