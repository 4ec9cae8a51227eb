"""/status as HTML: the per-source table an operator opens when a feed looks quiet."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from items.urls import is_web_url
from ops.status import SourceStatus, shown_or_never

_STATE_COLOURS = {"ok": "#1a7f37", "failing": "#cf222e", "blocked": "#8250df",
                  "stale": "#9a6700", "layout changed": "#bc4c00", "degraded": "#bc4c00"}


def render_status_page(title: str, statuses: list[SourceStatus], now: datetime, tz: ZoneInfo) -> bytes:
    rows = "\n".join(_row(s, tz) for s in statuses)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<title>{escape(title)} · status</title>
<style>body{{font:14px system-ui,sans-serif;margin:1.5em}}table{{border-collapse:collapse}}
td,th{{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}
td.n{{text-align:right}}.state{{font-weight:600}}</style></head>
<body><h1>{escape(title)} · sources</h1>
<p>Generated {shown_or_never(now, tz)} · times in {escape(tz.key)} · <a href="/status.json">JSON</a> · <a href="/metrics">metrics</a> · <a href="/">feeds</a></p>
<table><thead><tr><th>source</th><th>state</th><th>last success</th><th>last error</th>
<th>failures</th><th>next poll</th><th>items 24 h</th><th>items 7 d</th><th>304 ratio</th>
<th title="latest items: with full text / date read from the page / list and page titles agreeing">text · date · title</th>
<th>template titles</th><th>files</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
""".encode()


def _row(s: SourceStatus, tz: ZoneInfo) -> str:
    colour = _STATE_COLOURS.get(s.state, "#57606a")
    ratio = f"{s.not_modified_ratio:.0%}" if s.not_modified_ratio is not None else "—"
    source, poll, h = s.source, s.poll, s.health
    error = escape(poll.last_error or (h and h.degraded) or "—")
    link = f'<a href="{escape(source.url)}">{escape(source.id)}</a>' if is_web_url(source.url) else escape(source.id)
    return (f'<tr id="{escape(source.id)}"><td>{link}<br>'
            f"<small>{escape(source.name)}</small></td>"
            f'<td class="state" style="color:{colour}">{escape(s.state)}</td>'
            f"<td>{shown_or_never(poll.last_success_at, tz)}</td><td>{error}</td>"
            f'<td class="n">{poll.consecutive_failures}</td><td>{shown_or_never(poll.next_poll_at, tz)}</td>'
            f'<td class="n">{s.items_24h}</td><td class="n">{s.items_7d}</td><td class="n">{ratio}</td>'
            f'<td class="n">{_share(h and h.full_text)} · {_share(h and h.date_from_page)} · '
            f'{_share(h and h.titles_agree)}</td><td class="n">{h.template_titles if h else "—"}</td>'
            f'<td class="n" title="list items that were files, linked as enclosures">{s.non_text_items}</td></tr>')


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
