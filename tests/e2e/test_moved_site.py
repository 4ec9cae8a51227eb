"""A site that comes back on another port (what restarting `make demo` did) adds no story: its
articles, read again at their new URLs, join the stored ones. Fixture sites on 127.0.0.1."""

from __future__ import annotations

import service
from sampleweb.server import LocalWeb
from tests.html_sites import TRS_ITEMS, TRS_PAGE2, serve_trs
from tests.support import query


def _config(write_config, url: str):
    return write_config(f"""
        [[sources]]
        id = "yunyang"
        name = "云阳县人民政府"
        kind = "html"
        url = "{url}"
        """)


def test_the_same_site_on_a_new_port_adds_no_story(write_config, storage_url):
    with LocalWeb() as first:
        assert service.main(["--config", str(_config(write_config, serve_trs(first))), "collect"]) == 0
    before = query(storage_url, "SELECT s.guid FROM stories s ORDER BY s.id")
    assert len(before) == len(TRS_ITEMS + TRS_PAGE2)

    with LocalWeb() as second:
        assert service.main(["--config", str(_config(write_config, serve_trs(second))), "collect"]) == 0
        port = second.base_url.rsplit(":", 1)[1]
        rows = query(storage_url, "SELECT s.guid, a.url FROM stories s JOIN appearances a ON a.story_id = s.id "
                                  "ORDER BY s.id")
        assert [guid for guid, _ in rows] == [guid for guid, in before]  # same stories, same ids
        # the links follow the site where it was read again (later polls read page 1 only)
        assert sum(f":{port}/" in url for _, url in rows) == len(TRS_ITEMS)

        requests = len(second.requests)
        assert service.main(["--config", str(_config(write_config, second.url("/trs/index.html"))),
                             "collect"]) == 0
        assert [p for _, p, _ in second.requests[requests:]] == ["/trs/index.html"]  # a 304, nothing more


def test_restarting_the_demo_on_a_new_port_adds_no_story(tmp_path):
    """The issue's own case: `make demo` serves its sample web on a new port after a restart."""
    from pathlib import Path

    site = Path(__file__).resolve().parents[2] / "sampleweb" / "site"
    template = (site.parent / "demo.toml").read_text(encoding="utf-8").replace("{port}", "8080")
    config = tmp_path / "config.toml"

    def collect_once() -> list[tuple]:
        with LocalWeb() as web:
            web.add_directory(site)
            config.write_text(template.replace("{web}", web.base_url), encoding="utf-8")
            assert service.main(["--config", str(config), "collect"]) == 0
        return query(f"sqlite:///{tmp_path / 'zonefeed.db'}", "SELECT guid FROM stories ORDER BY id")

    first = collect_once()
    assert len(first) >= 5
    assert collect_once() == first
