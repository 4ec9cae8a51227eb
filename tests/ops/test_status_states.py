"""The one-word state per source: the most specific problem wins, silence turns into "stale"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ops.status import classify
from settings.model import SourceConfig
from store.tx import SourceState

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
SOURCE = SourceConfig(id="a", name="A", kind="html", url="http://127.0.0.1/", interval=1800)


def _state(**changes) -> SourceState:
    fields = dict(id="a", name="A", url="http://127.0.0.1/", last_attempt_at=NOW,
                  last_success_at=NOW, last_error=None, error_kind=None, consecutive_failures=0,
                  next_poll_at=NOW + timedelta(minutes=30), polls=3, not_modified_polls=1, appearances=5)
    return SourceState(**(fields | changes))


def test_states():
    assert classify(SOURCE, _state(), NOW) == "ok"
    assert classify(SOURCE, None, NOW) == "new"
    assert classify(SourceConfig(**{**SOURCE.__dict__, "enabled": False}), _state(), NOW) == "disabled"
    assert classify(SOURCE, _state(last_error="HTTP 500", error_kind="error"), NOW) == "failing"
    assert classify(SOURCE, _state(last_error="challenge", error_kind="blocked"), NOW) == "blocked"
    assert classify(SOURCE, _state(last_error="no items", error_kind="layout"), NOW) == "layout changed"
    # last success longer ago than three intervals: the service is not polling it
    assert classify(SOURCE, _state(last_success_at=NOW - timedelta(hours=2)), NOW) == "stale"
    assert classify(SOURCE, _state(last_success_at=NOW - timedelta(minutes=80)), NOW) == "ok"
