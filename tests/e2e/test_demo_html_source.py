"""The demo's html source (GBK TRS-style site in sampleweb/site/zone) collected for real."""

from __future__ import annotations

import sqlite3

import service
from sampleweb.demo import HERE


def test_demo_html_source_collects_gbk_articles_with_their_publisher(web, tmp_path):
    web.add_directory(HERE / "site")
    template = (HERE / "demo.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(template.replace("{web}", web.base_url).replace("{port}", "0"), encoding="utf-8")

    assert service.main(["--config", str(config), "collect", "--source", "yunyang-park"]) == 0

    with sqlite3.connect(tmp_path / "zonefeed.db") as connection:
        rows = connection.execute("SELECT title, publisher, published_at, content_html FROM appearances "
                                  "WHERE source_id = 'yunyang-park' ORDER BY published_at DESC").fetchall()
    assert [r[0] for r in rows] == ["云阳工业园区新签约项目5个 总投资18.6亿元", "园区标准化厂房三期主体工程完工",
                                    "园区举办2026年重点企业用工对接会"]
    cross_post = rows[0]
    assert cross_post[1] == "云阳网" and cross_post[2] == "2026-11-20T02:30:00Z"
    assert "县领导王镕出席并致辞" in cross_post[3]  # GBK-only 镕 survives
    assert all("打印" not in r[3] and "Copyright" not in r[3] for r in rows)
