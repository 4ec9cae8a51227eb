"""WebSub publisher side: tell the configured hub which feed URLs just changed.

A hub that is down must not stop publishing; the next change pings again.
"""

from __future__ import annotations

import logging

import requests

log = logging.getLogger("zonefeed.websub")
PING_TIMEOUT = 10


def ping_hub(hub: str, topics: list[str], session: requests.Session | None = None) -> int:
    """POST hub.mode=publish for each topic; return how many the hub accepted (2xx)."""
    accepted = 0
    http = session or requests.Session()
    for topic in topics:
        try:
            response = http.post(hub, data={"hub.mode": "publish", "hub.url": topic},
                                 timeout=PING_TIMEOUT)
        except requests.RequestException as exc:
            log.warning("event=websub_ping_failed hub=%s topic=%s error=%s", hub, topic, exc)
            continue
        if 200 <= response.status_code < 300:
            accepted += 1
        else:
            log.warning("event=websub_ping_refused hub=%s topic=%s status=%s",
                        hub, topic, response.status_code)
    return accepted
