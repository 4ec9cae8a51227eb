"""Per-source status for people and machines: one computation behind /status, /status.json and `status`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from model.holders import parse_holder
from ops.health import WINDOW, ExtractionHealth, extraction_health
from settings.model import Config, SourceConfig
from store.base import Store
from store.times import shown_time
from store.tx import SourceState

LAYOUT_KIND = "layout"  # the error kind meaning "selectors no longer match" (sources.errors)
STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class SourceStatus:
    """A source as an operator sees it: its settings, its poll record as stored, the one word
    derived from both, and figures over its items."""

    source: SourceConfig
    poll: SourceState
    state: str  # ok | failing | blocked | stale | layout changed | degraded | new | disabled
    items_24h: int
    items_7d: int
    health: ExtractionHealth | None = None  # over the latest items (ops/health.py)
    non_text_items: int = 0  # list items that were files: linked as enclosures, never content
    last_non_text_url: str | None = None

    @property
    def not_modified_ratio(self) -> float | None:
        return round(self.poll.not_modified_polls / self.poll.polls, 3) if self.poll.polls else None


def source_statuses(config: Config, store: Store, now: datetime) -> list[SourceStatus]:
    """Status of every configured source, in config order."""
    with store.read() as tx:
        states = {s.id: s for s in tx.source_states()}
        recent = tx.items_seen_since(now - timedelta(days=1), now - timedelta(days=7))
        health = {s.id: extraction_health(tx.latest_readings(s.id, 2 * WINDOW)) for s in config.sources
                  if s.id in states and states[s.id].appearances}
        files = tx.non_text_items()
    return [_status(source, states.get(source.id), *recent.get(source.id, (0, 0)), now,
                    files.get(source.id, (0, None)), health.get(source.id)) for source in config.sources]


def _status(source: SourceConfig, state: SourceState | None, day: int, week: int,
            now: datetime, files: tuple[int, str | None] = (0, None),
            health: ExtractionHealth | None = None) -> SourceStatus:
    state_word = classify(source, state, now)
    if state_word == "ok" and health and health.degraded:
        state_word = "degraded"
    return SourceStatus(source, state or SourceState.unpolled(source), state_word, day, week, health,
                        non_text_items=files[0], last_non_text_url=files[1])


def classify(source: SourceConfig, state: SourceState | None, now: datetime) -> str:
    """The one word an operator scans for; the most specific problem wins."""
    if not source.enabled:
        return "disabled"
    if state is None or state.polls == 0:
        return "new"
    if state.last_poll_failed:
        if state.error_kind == "blocked":
            return "blocked"
        if state.error_kind == LAYOUT_KIND:
            return "layout changed"
        return "failing"
    stale_after = timedelta(seconds=STALE_AFTER_INTERVALS * source.interval + 60)
    if state.last_success_at is None or now - state.last_success_at > stale_after:
        return "stale"
    return "ok"


def status_json(statuses: list[SourceStatus], now: datetime) -> bytes:
    def encode(value: object) -> object:
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        return value.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else value

    sources = [{k: encode(v) for k, v in _document(s).items()} for s in statuses]
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status.state] = counts.get(status.state, 0) + 1
    document = {"generated_at": encode(now), "states": counts, "sources": sources}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _document(status: SourceStatus) -> dict[str, object]:
    """One source in /status.json: the names operators' scripts read (stable across releases)."""
    source, poll = status.source, status.poll
    return {
        "id": source.id, "name": source.name, "kind": source.kind, "url": source.url,
        "enabled": source.enabled, "state": status.state, "interval_seconds": source.interval,
        "last_attempt_at": poll.last_attempt_at, "last_success_at": poll.last_success_at,
        "last_error": poll.last_error, "error_kind": poll.error_kind,
        "consecutive_failures": poll.consecutive_failures, "next_poll_at": poll.next_poll_at,
        "items_24h": status.items_24h, "items_7d": status.items_7d, "items_total": poll.appearances,
        "polls": poll.polls, "not_modified_ratio": status.not_modified_ratio,
        "leased_by": poll.leased_by, "leased_since": poll.leased_at,
        "health": asdict(status.health) if status.health else None,
        "non_text_items": status.non_text_items, "last_non_text_url": status.last_non_text_url,
    }


def status_table(statuses: list[SourceStatus], tz: ZoneInfo) -> str:
    """The same facts as /status, as fixed-width text for a terminal; times in `tz`, labelled."""
    header = (f"{'source':<20} {'state':<14} {'24h':>4} {'7d':>5} {'items':>6} {'304%':>5} "
              f"{'fails':>5} {'files':>5} {'text%':>5} {'date%':>5} {'title%':>6}  {'last success':<22} "
              f"{'next poll':<22} last error / degraded because")
    lines = [f"times in {tz.key}", header]
    for s in statuses:
        ratio = f"{s.not_modified_ratio * 100:.0f}" if s.not_modified_ratio is not None else "-"
        h, poll = s.health, s.poll
        lines.append(
            f"{s.source.id:<20} {s.state:<14} {s.items_24h:>4} {s.items_7d:>5} {poll.appearances:>6} {ratio:>5} "
            f"{poll.consecutive_failures:>5} {s.non_text_items:>5} {_percent(h and h.full_text):>5} "
            f"{_percent(h and h.date_from_page):>5} {_percent(h and h.titles_agree):>6}  "
            f"{shown_or_never(poll.last_success_at, tz):<22} {shown_or_never(poll.next_poll_at, tz):<22} "
            f"{poll.last_error or (h and h.degraded) or '-'}"
        )
    lines += [f"{s.source.id}: being polled by {_holder(s.poll.leased_by)} since "
              f"{shown_or_never(s.poll.leased_at, tz)}" for s in statuses if s.poll.leased_by]
    return "\n".join(lines)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}"


def _holder(node_id: str) -> str:
    holder = parse_holder(node_id)
    return f"{holder.describe()} ({node_id})" if holder else node_id


def shown_or_never(moment: datetime | None, tz: ZoneInfo) -> str:
    return shown_time(moment, tz) if moment else "never"
