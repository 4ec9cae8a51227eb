"""MinHash signatures and band keys: estimates track exact Jaccard; stored keys never drift
unless the scheme's name changes; the band scheme finds pairs at the merge threshold."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from items.minhash import (
    LSH,
    Banding,
    band_keys_many,
    shingle_hashes,
    shingle_hashes_many,
    signatures,
    title_band_key,
)
from items.similarity import MatchDoc, hash_overlap, overlap
from tests.items.dedupe_cases import STORIES

TEXT = "".join(STORIES["lj-forum"][3])


def _exact(a: str, b: str) -> float:
    sa, sb = set(shingle_hashes(a).tolist()), set(shingle_hashes(b).tolist())
    return len(sa & sb) / len(sa | sb)


def test_keys_of_a_fixed_text_never_change():
    """Band keys are stored under the scheme's name: a change of constants under the same name
    would silently stop old stories matching (a new name has them re-keyed)."""
    keys = band_keys_many(signatures([shingle_hashes("两江新区举办智能网联汽车产业发展论坛")]))[0]
    assert LSH.name == "oph-26x3"
    assert keys[:3] == [151077669062202535, 2863199606481889359, 4485462429905260278]
    assert title_band_key("两江新区") == 4671953489669226161


def test_the_band_scheme_finds_a_pair_at_the_threshold_with_probability_099():
    """1-(1-s^r)^b at the merge rule's Jaccard threshold; 21 bands of 3 rows gave 0.98."""
    assert LSH.candidate_probability(LSH.min_jaccard) >= 0.99
    assert Banding(21, 3, LSH.min_jaccard).candidate_probability(LSH.min_jaccard) < 0.99


def test_pairs_just_above_the_threshold_share_a_band_as_the_formula_says():
    """The signatures behave as the formula assumes: texts with exact Jaccard in [0.55, 0.58)
    (random characters, ~10 % of them replaced) share a band about 99 times in 100."""
    rng = random.Random(14)
    chars = [chr(0x4E00 + i) for i in range(3000)]
    shared = []
    while len(shared) < 300:
        base = [rng.choice(chars) for _ in range(rng.randint(150, 900))]
        other = list(base)
        for i in rng.sample(range(len(base)), int(len(base) * rng.uniform(0.08, 0.12))):
            other[i] = rng.choice(chars)
        a, b = "".join(base), "".join(other)
        if not LSH.min_jaccard <= _exact(a, b) < LSH.min_jaccard + 0.03:
            continue
        keys_a, keys_b = band_keys_many(signatures([shingle_hashes(a), shingle_hashes(b)]))
        shared.append(bool(set(keys_a) & set(keys_b)))
    assert sum(shared) / len(shared) >= 0.98


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(TEXT) - 60), st.integers(20, 300), st.text(alphabet="开发区园招商项目签约", max_size=80))
def test_signature_agreement_tracks_exact_jaccard(cut, keep, noise):
    a = TEXT
    b = TEXT[cut:cut + keep] + noise
    sig_a, sig_b = signatures([shingle_hashes(a), shingle_hashes(b)])
    estimate = float(np.mean(sig_a == sig_b))
    assert abs(estimate - _exact(a, b)) < 0.25  # 78 bins: a few standard deviations


@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_batched_signatures_equal_one_at_a_time_and_keys_fit_bigint(texts):
    together = signatures([shingle_hashes(t) for t in texts])
    assert together.shape == (len(texts), LSH.bins)
    for row, text in zip(together, texts, strict=True):
        assert (row == signatures([shingle_hashes(text)])[0]).all()
    for keys in band_keys_many(together):
        assert len(keys) == LSH.bands and all(0 <= k < 2**63 for k in keys)


def test_identical_texts_share_every_band_and_unrelated_ones_almost_none():
    other = "".join(STORIES["fj-tea"][3])
    same, copy, unrelated = band_keys_many(signatures([shingle_hashes(t) for t in (TEXT, TEXT, other)]))
    assert same == copy
    assert len(set(same) & set(unrelated)) <= 1


def test_batch_hashes_equal_one_by_one():
    texts = [TEXT, "", "区", "新区", "新区举", "标题\n" + TEXT[:50], "".join(STORIES["fj-tea"][3])]
    for text, hashes in zip(texts, shingle_hashes_many(texts), strict=True):
        assert hashes.tolist() == shingle_hashes(text).tolist()
    assert shingle_hashes_many([]) == []


def test_array_overlap_equals_set_overlap():
    texts = [TEXT, TEXT[40:], TEXT[:120] + "另加一句话", "".join(STORIES["fj-tea"][3]), "短"]
    docs = [MatchDoc(0, "s", "", text, None) for text in texts]
    for a in docs:
        for b in docs:
            assert hash_overlap(a.distinct_hashes, b.distinct_hashes) == overlap(a.shingles, b.shingles)
