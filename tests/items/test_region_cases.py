"""The labelled set (tests/items/region_cases.py) through the real tagger: county-level
region accuracy, wrong provinces among primary regions, topic accuracy and amounts, printed
for the whole set and for the held-out third."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from items.tagging import tagger
from model.stories import Appearance
from tests.items.region_cases import CASES, LATE, SECOND_BATCH, Case

TEMPLATED = len(CASES) - len(LATE)


def _held_out(index: int) -> bool:
    """Every third templated case, and every case written after the tuning (LATE)."""
    return index >= TEMPLATED or index % 3 == 2

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def _tag(case: Case) -> Appearance:
    return tagger().tagged(Appearance(source_id="s", item_key=case.title, url="http://x/", title=case.title,
                                      published_at=NOW, date_is_guess=False, summary=case.lead,
                                      publisher=case.publisher, regions=case.regions))


def _figures(cases: list[tuple[int, Case]]) -> dict[str, float]:
    right_place = wrong_province = right_topic = right_amounts = right_zone = zones = 0
    misses = []
    for index, case in cases:
        app = _tag(case)
        primary = next((p for p in app.places if p.primary), None)
        got = primary.adcode if primary else None
        right_place += got == case.adcode
        if primary and primary.province != case.expected_province:
            wrong_province += 1
        if case.zone:
            zones += 1
            right_zone += primary is not None and primary.zone == case.zone
        right_topic += (app.topics[0] if app.topics else None) == case.topic
        right_amounts += tuple((a.value, a.currency) for a in app.amounts) == case.amounts
        if got != case.adcode or (app.topics[0] if app.topics else None) != case.topic:
            misses.append(f"#{index} {case.title} | want {case.adcode} {case.topic} | got {got} "
                          f"{app.topics[:1]} {[p.evidence for p in app.places]}")
    n = len(cases)
    return {"n": n, "region": right_place / n, "wrong_province": wrong_province, "topic": right_topic / n,
            "amounts": right_amounts / n, "zone": right_zone / max(zones, 1), "misses": misses}


@pytest.fixture(scope="module")
def figures():
    indexed = list(enumerate(CASES))
    result = {"all": _figures(indexed),
              "tuned": _figures([c for c in indexed if not _held_out(c[0])]),
              "held-out": _figures([c for c in indexed if _held_out(c[0])]),
              "written after tuning": _figures([c for c in indexed if c[0] >= TEMPLATED]),
              "second hand-written batch": _figures([c for c in indexed if c[0] >= len(CASES) - SECOND_BATCH])}
    for name, f in result.items():
        print(f"\n{name}: {f['n']} cases, county-level region accuracy {f['region']:.1%}, wrong provinces "
              f"{f['wrong_province']}, zone ids {f['zone']:.1%}, topic accuracy {f['topic']:.1%}, "
              f"amounts exact {f['amounts']:.1%}")
    for miss in result["all"]["misses"]:
        print("  miss:", miss)
    return result


def test_the_set_is_large_and_varied():
    assert len(CASES) >= 300
    assert sum(c.zone is not None for c in CASES) >= 60 and sum(c.adcode is None for c in CASES) >= 8


@pytest.mark.parametrize("part", ["all", "held-out"])
def test_regions_topics_and_amounts_meet_the_targets(figures, part):
    f = figures[part]
    assert f["region"] >= 0.95, f["misses"]
    assert f["wrong_province"] == 0, f["misses"]
    assert f["topic"] >= 0.90, f["misses"]
    assert f["amounts"] == 1.0
