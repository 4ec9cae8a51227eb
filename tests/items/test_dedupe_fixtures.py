"""The labelled cross-post set: no wrong merges, (nearly) every cross-post merged, any order."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

import pytest

from items.dedupe import sketch_of
from items.ingest import ingest
from items.minhash import LSH
from items.normalize import normalize
from items.similarity import compare, overlap
from store.sqlite import SQLiteStore
from tests.items.dedupe_cases import LOOKALIKE_PAIRS, STORIES, all_cases, source_configs

NOW = datetime(2024, 2, 1, tzinfo=UTC)
CONFIGS = {c.id: c for c in source_configs()}


def appearances():
    return [(case.label, normalize(case.raw(i), CONFIGS[case.source_id], "Asia/Shanghai", NOW))
            for i, case in enumerate(all_cases())]


def open_store(path) -> SQLiteStore:
    store = SQLiteStore(path)
    store.migrate()
    with store.transaction() as tx:
        tx.sync_sources(CONFIGS.values())
    return store


def collect_in_order(store: SQLiteStore, labelled, source_order: list[str]) -> None:
    """One transaction per source, like one collect per source."""
    for source_id in source_order:
        batch = [app for _, app in labelled if app.source_id == source_id]
        with store.transaction() as tx:
            ingest(tx, batch, NOW)


def clusters(store: SQLiteStore) -> dict[str, tuple[int, str]]:
    """URL -> (story id, story guid)."""
    with store.transaction() as tx:
        rows = tx.connection.execute(
            "SELECT a.url, s.id, s.guid FROM appearances a JOIN stories s ON s.id = a.story_id"
        ).fetchall()
    return {url: (story_id, guid) for url, story_id, guid in rows}


def partition(found: dict[str, tuple[int, str]]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for url, (story_id, _) in found.items():
        groups.setdefault(story_id, set()).add(url)
    return {frozenset(g) for g in groups.values()}


def pair_scores(labelled, found) -> tuple[int, int, int]:
    """(true merges, wrong merges, missed merges) over all pairs of appearances."""
    tp = fp = fn = 0
    for (la, a), (lb, b) in itertools.combinations(labelled, 2):
        same_story = found[a.url][0] == found[b.url][0]
        if la == lb:
            tp += same_story
            fn += not same_story
        else:
            fp += same_story
    return tp, fp, fn


def test_fixture_set_is_big_enough():
    labelled = appearances()
    labels = {label for label, _ in labelled}
    assert len(labelled) >= 60
    assert all(a in labels and b in labels for pair in LOOKALIKE_PAIRS for a, b in [pair])
    assert len(LOOKALIKE_PAIRS) >= 5


def test_labelled_set_precision_and_recall(tmp_path):
    labelled = appearances()
    store = open_store(tmp_path / "z.db")
    collect_in_order(store, labelled, sorted(CONFIGS))
    found = clusters(store)
    tp, fp, fn = pair_scores(labelled, found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn)
    print(f"\ndedupe fixtures: {len(labelled)} appearances, {len({lab for lab, _ in labelled})} stories, "
          f"{len(partition(found))} found; pairs: merged right {tp}, wrong {fp}, missed {fn}; "
          f"precision={precision:.3f} recall={recall:.3f}")
    assert fp == 0
    assert recall >= 0.98


def test_measured_similarities_behind_the_thresholds():
    """Re-post vs its original clears the Jaccard threshold; look-alikes above it are split by tokens."""
    sketches = [(label, sketch_of(app)) for label, app in appearances()]
    originals = {label: sketch for label, sketch in sketches if label in STORIES
                 and sketch.doc.source_id == STORIES[label][0]}
    lookalike_labels = {frozenset(p) for p in LOOKALIKE_PAIRS}
    cross = [overlap(originals[label].doc.shingles, sketch.doc.shingles)[0]
             for label, sketch in sketches if label in originals and sketch is not originals[label]]
    alike = [(overlap(a.doc.shingles, b.doc.shingles)[0], compare(a.doc, b.doc))
             for (la, a), (lb, b) in itertools.combinations(sketches, 2)
             if frozenset((la, lb)) in lookalike_labels]
    print(f"\nre-post vs original jaccard: n={len(cross)} min={min(cross):.2f} "
          f"median={sorted(cross)[len(cross) // 2]:.2f}; look-alike jaccard: n={len(alike)} "
          f"max={max(j for j, _ in alike):.2f} median={sorted(j for j, _ in alike)[len(alike) // 2]:.2f}")
    assert min(cross) >= LSH.min_jaccard
    assert not any(verdict.same for _, verdict in alike)
    assert any(j >= LSH.min_jaccard for j, _ in alike)  # the set does test the token rule


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_source_orders_and_restarts_give_the_same_stories(tmp_path, seed):
    labelled = appearances()
    reference = open_store(tmp_path / "ref.db")
    collect_in_order(reference, labelled, sorted(CONFIGS))
    expected = partition(clusters(reference))

    order = sorted(CONFIGS)
    random.Random(seed).shuffle(order)
    shuffled = labelled[:]
    random.Random(seed).shuffle(shuffled)
    path = tmp_path / f"order{seed}.db"
    store = open_store(path)
    collect_in_order(store, shuffled, order)
    first = clusters(store)
    assert partition(first) == expected
    store.close()

    reopened = open_store(path)  # a restart: new process state, same file
    collect_in_order(reopened, labelled, sorted(CONFIGS))  # and a re-run of every collect
    assert clusters(reopened) == first  # same stories, same GUIDs


def test_story_is_credited_to_the_original_publisher(tmp_path):
    labelled = appearances()
    store = open_store(tmp_path / "z.db")
    order = sorted(CONFIGS, reverse=True)  # origins not first
    collect_in_order(store, labelled, order)
    with store.transaction() as tx:
        rows = tx.connection.execute(
            "SELECT c.source_id, c.title FROM stories s JOIN appearances c ON c.id = s.canonical_id"
        ).fetchall()
    canonical_source = {title: source for source, title in rows}
    assert canonical_source["云阳县与三家企业签约新能源电池材料项目"] == "yunyang"
    assert canonical_source["两江新区举办智能网联汽车产业发展论坛"] == "liangjiang"
    assert canonical_source["奉节县脐橙产业园获评国家级现代农业产业园"] == "fengjie"


@pytest.mark.parametrize("seed", [3, 11])
def test_report_counts_the_stories_a_collect_adds(tmp_path, seed):
    """Metrics use the report instead of a COUNT(*) per collect: it must say the same."""
    store = open_store(tmp_path / "z.db")
    labelled = appearances()
    order = sorted(CONFIGS)
    random.Random(seed).shuffle(order)
    new = delta = 0
    for source_id in order:
        batch = [app for _, app in labelled if app.source_id == source_id]
        with store.transaction() as tx:
            before = tx.story_count()
            report = ingest(tx, batch, NOW)
            assert report.story_delta == tx.story_count() - before, source_id
        new, delta = new + report.new, delta + report.story_delta
    assert new == len(labelled) and 0 < delta < new  # cross-posts joined existing stories
