"""MinHash signatures of character 3-grams and the LSH band keys stored in the database.

One-permutation hashing (one 64-bit hash per shingle; its top bits pick a bin, the rest
compete for the bin's minimum; empty bins borrow from the next full bin) costs O(shingles)
per document instead of O(shingles x permutations), which keeps signatures cheap enough for
ingest at thousands of items per second. Every constant is fixed, so keys computed today
match keys stored by an earlier process; the scheme's name is stored beside them, and a
store holding another scheme's keys is re-banded (items/ingest.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Banding:
    """How near-duplicates are found and confirmed: `rows` signature bins per band, `bands`
    bands, and the Jaccard similarity the merge rule asks for. Two texts share a band with
    probability 1-(1-s^rows)^bands; at `min_jaccard` that must stay >= 0.99, or pairs the
    rule would merge are never compared. More bands cost stored keys; more rows cost recall."""

    bands: int
    rows: int
    min_jaccard: float

    @property
    def bins(self) -> int:
        return self.bands * self.rows

    @property
    def name(self) -> str:
        """Stored beside the band keys: keys of another scheme are rebuilt, never matched."""
        return f"oph-{self.bands}x{self.rows}"

    def candidate_probability(self, similarity: float) -> float:
        """The chance that two texts of this Jaccard similarity share at least one band."""
        return 1 - (1 - similarity ** self.rows) ** self.bands


LSH = Banding(bands=26, rows=3, min_jaccard=0.55)  # p(0.55) = 0.991 (21x3 gave 0.98)
TITLE_BAND = LSH.bands  # an extra "band" for an identical title key, so short re-posts meet their origin

_HALF = np.uint64(32)
_VALUE_MASK = np.uint64((1 << 63) - 1)  # a bin's values stay below _EMPTY
_EMPTY = np.uint64(np.iinfo(np.uint64).max)
_C1 = np.uint64(0x9E3779B97F4A7C15)
_C2 = np.uint64(0xC2B2AE3D27D4EB4F)
_C3 = np.uint64(0x165667B19E3779F9)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SHIFT = np.uint64(31)
_ROTATION = np.uint64(0x2545F4914F6CDD1D)
_BAND_SALT = np.arange(LSH.bands, dtype=np.uint64) * np.uint64(0x94D049BB133111EB)
_W = [np.uint64(w) for w in (0x8CB92BA72F3D8DD7, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB)]  # one per row
_KEY_MASK = (1 << 63) - 1  # band keys fit a signed BIGINT


def shingle_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the character 3-grams of `text` (the whole text if shorter)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) == 0:
        return np.empty(0, dtype=np.uint64)
    if len(points) < 3:
        points = np.concatenate([points, np.zeros(3 - len(points), dtype=np.uint64)])
    mixed = points[:-2] * _C1 ^ points[1:-1] * _C2 ^ points[2:] * _C3
    return (mixed ^ (mixed >> _SHIFT)) * _MIX  # repeated shingles are harmless to a minimum


def shingle_hashes_many(texts: list[str]) -> list[np.ndarray]:
    """`shingle_hashes` of each text, computed over the batch in a few numpy calls."""
    if not texts:
        return []
    lengths = np.array([len(t) for t in texts], dtype=np.intp)
    counts = np.maximum(lengths - 2, 0)
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.repeat(np.cumsum(lengths) - lengths, counts)  # each 3-gram's text start ...
    starts += np.arange(len(starts)) - np.repeat(np.cumsum(counts) - counts, counts)  # + offset
    mixed = points[:-2] * _C1 ^ points[1:-1] * _C2 ^ points[2:] * _C3  # also across texts ...
    mixed = mixed[starts]  # ... then only the 3-grams inside one text are kept
    hashes = np.split((mixed ^ (mixed >> _SHIFT)) * _MIX, np.cumsum(counts)[:-1])
    # texts of 1-2 characters are one zero-padded shingle: rare, done one by one
    return [shingle_hashes(text) if 0 < len(text) < 3 else h for text, h in zip(texts, hashes, strict=True)]


def signatures(hash_arrays: list[np.ndarray]) -> np.ndarray:
    """One row of `LSH.bins` bin minimums per document; equal bins estimate the Jaccard similarity.

    A shingle's bin is its top 32 bits scaled to the bin count (every shingle lands in a used
    bin, whatever the count). Computed for a whole batch at once: numpy's per-call cost is paid
    once, not per document.
    """
    count, width = len(hash_arrays), np.uint64(LSH.bins)
    bins = np.full(count * LSH.bins, _EMPTY, dtype=np.uint64)
    if count and any(len(h) for h in hash_arrays):
        flat = np.concatenate(hash_arrays)
        owner = np.repeat(np.arange(count, dtype=np.uint64), [len(h) for h in hash_arrays])
        slots = owner * width + ((flat >> _HALF) * width >> _HALF)
        np.minimum.at(bins, slots.astype(np.intp), flat & _VALUE_MASK)
    rows = bins.reshape(count, LSH.bins)
    for row in np.flatnonzero((rows == _EMPTY).any(axis=1)):
        _densify(rows[row])
    return rows


def _densify(bins: np.ndarray) -> None:
    """An empty bin borrows the next full bin's value, tagged with the distance (in place)."""
    full = np.flatnonzero(bins != _EMPTY)
    if len(full) == 0:
        return
    positions = np.arange(LSH.bins)
    nxt = np.searchsorted(full, positions) % len(full)
    distance = (full[nxt] - positions) % LSH.bins
    empty = bins == _EMPTY
    bins[empty] = bins[full[nxt[empty]]] + distance[empty].astype(np.uint64) * _ROTATION


def band_keys_many(sigs: np.ndarray) -> list[list[int]]:
    """Per signature, one key per band: its `LSH.rows` values and its number combined (a BIGINT >= 0)."""
    combined = np.broadcast_to(_BAND_SALT, (len(sigs), LSH.bands))
    for row in range(LSH.rows):
        combined = combined ^ sigs[:, row::LSH.rows] * _W[row]
    return (combined >> np.uint64(1)).tolist()


def title_band_key(key: str) -> int:
    """Key of the identical-title band (stable across processes, unlike hash())."""
    digest = hashlib.blake2b(f"{TITLE_BAND}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _KEY_MASK
