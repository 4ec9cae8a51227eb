"""Extraction health in `status`: the share of a source's latest items with full text, page
dates and agreeing titles, template titles and files; a fall against the items before them
flags the source `degraded` with the reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import service
from app.status_page import render_status_page
from ops.health import WINDOW, extraction_health
from ops.status import source_statuses, status_json
from settings import load_config
from store.tx import ReadingRow
from tests.html_sites import FOOTER, NAV, article_page
from tests.support import open_test_store


def _row(i: int, origin: str = "page", guess: bool = False, agree: bool | None = True,
         title: str | None = None, chars: int = 900) -> ReadingRow:
    return ReadingRow(f"http://x.cn/{i}.html", title or f"标题{i}", origin, guess, agree, chars)


def test_steady_figures_are_not_degraded():
    health = extraction_health([_row(i) for i in range(40)])
    assert (health.items, health.full_text, health.date_from_page, health.titles_agree) == (20, 1.0, 1.0, 1.0)
    assert health.degraded is None and health.template_titles == 0


def test_full_text_falling_from_90_to_10_percent_is_degraded_with_the_reason():
    latest = [_row(i, "list" if i % 10 else "page") for i in range(WINDOW)]  # 10 % full text
    earlier = [_row(i, "page" if i % 10 else "list") for i in range(WINDOW, 2 * WINDOW)]  # 90 %
    health = extraction_health(latest + earlier)
    assert health.full_text == 0.1
    assert health.degraded == "full text 90% → 10% over the latest 20 items"


def test_dates_and_titles_falling_are_named_too():
    latest = [_row(i, guess=True, agree=False) for i in range(WINDOW)]
    health = extraction_health(latest + [_row(i) for i in range(WINDOW, 2 * WINDOW)])
    assert "dates from the page 100% → 0%" in health.degraded
    assert "list/page titles agreeing 100% → 0%" in health.degraded


def test_a_small_dip_or_a_short_history_is_not_a_fall():
    dip = [_row(i, "list" if i < 5 else "page") for i in range(WINDOW)] + [_row(i) for i in range(WINDOW, 40)]
    assert extraction_health(dip).degraded is None  # 75 % after 100 %
    young = [_row(i, "list") for i in range(WINDOW)] + [_row(i) for i in range(WINDOW, WINDOW + 3)]
    assert extraction_health(young).degraded is None  # 3 earlier items: too few to compare
    assert extraction_health([]) is None


def test_template_titles_are_counted_and_files_and_scraps_are_not_full_text():
    rows = [_row(i, title="云阳县人民政府" if i < 4 else None) for i in range(10)]
    rows += [_row(10, "attachment", agree=None), _row(11, chars=20), _row(12, "", agree=None)]
    health = extraction_health(rows)
    assert health.template_titles == 1
    assert health.full_text == round(10 / 11, 3)  # the scrap is not full text; '' and files not counted
    assert health.titles_agree == 1.0


SHELL = (f"<html><head><meta charset='utf-8'><title>{{}}_云阳县人民政府</title></head><body>{NAV}"
         f"<div id='app'></div><script>render()</script>{FOOTER}</body></html>")


def _serve(web, count: int, broken_from: int) -> None:
    rows = "".join(f'<li><a href="/news/{i}.html">云阳县第{i}期园区项目建设进展通报</a><span>2023-08-{1 + i % 28:02d}</span></li>'
                   for i in reversed(range(count)))
    web.add("/news/index.html", f"<html><head><meta charset='utf-8'><title>工作动态</title></head><body>{NAV}"
            f"<ul class='list'>{rows}</ul>{FOOTER}</body></html>", "text/html; charset=utf-8")
    for i in range(count):
        title = f"云阳县第{i}期园区项目建设进展通报"
        page = SHELL.format(title) if i >= broken_from else article_page(
            title, f"2023-08-{1 + i % 28:02d} 10:30", "云阳县融媒体中心", charset="utf-8")
        web.add(f"/news/{i}.html", page, "text/html; charset=utf-8")


def test_a_site_whose_pages_lose_their_text_shows_degraded_in_every_status_view(
        web, write_config, storage_url, capsys):
    config_path = write_config(f"""
        [[sources]]
        id = "yunyang"
        name = "云阳县人民政府"
        kind = "html"
        url = "{web.url('/news/index.html')}"
        backfill_pages = 1
        """)
    _serve(web, 24, broken_from=99)
    assert service.main(["--config", str(config_path), "collect"]) == 0
    _serve(web, 40, broken_from=24)  # a redesign: new articles are built by a script
    assert service.main(["--config", str(config_path), "collect"]) == 0
    capsys.readouterr()

    config = load_config(config_path)
    now = datetime.now(UTC)
    status = source_statuses(config, open_test_store(storage_url), now)[0]
    assert status.state == "degraded"
    assert status.health.full_text == 0.2 and "full text 100% → 20%" in status.health.degraded
    assert status.health.titles_agree == 1.0 and status.health.date_from_page == 1.0

    document = json.loads(status_json([status], now))
    assert document["states"] == {"degraded": 1}
    assert document["sources"][0]["health"]["full_text"] == 0.2
    assert "full text 100% → 20%" in render_status_page("zonefeed", [status], now, ZoneInfo("Asia/Shanghai")).decode()

    assert service.main(["--config", str(config_path), "status"]) == 0
    out = capsys.readouterr().out
    assert "degraded" in out and "full text 100% → 20% over the latest 20 items" in out
