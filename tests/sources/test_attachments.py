"""Files linked from news lists never become text: PDF/Word/ZIP served as pages or as
themselves, with and without an extension, and text too broken to be text. Each keeps its
list title, links the file as an enclosure (RSS, Atom, JSON Feed) and is counted in status."""

from __future__ import annotations

import json
import random

import pytest
from lxml import etree

import service
from ops.status import source_statuses
from settings import load_config
from settings.model import FetchSettings
from sources.fetch import Fetcher
from sources.sniff import binary_type, mostly_not_text
from tests.feeds.validity import atom_rule_errors, jing_errors, json_feed_errors, rss_profile_errors
from tests.support import open_test_store

ATOM = "{http://www.w3.org/2005/Atom}"


def noise(seed: int, size: int, low: int = 0) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(size))


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + noise(1, 300_000)
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise(2, 60_000)
ZIP = b"PK\x03\x04\x14\x00\x06\x00" + noise(3, 250_000)
# No signature and no NUL byte (a compressed stream): only the decoded text shows it is not text.
NOISE = noise(4, 250_000, low=1)
ARTICLE = ("<html><head><meta charset='utf-8'><title>园区召开项目推进会_某县</title></head><body>"
           "<h1>园区召开项目推进会</h1><div id='zoom'>" + "<p>会议听取了重点项目建设进展情况汇报，研究部署下一步工作。</p>" * 4
           + "</div></body></html>")

FILES = {
    # path, list title, body, served as, expected type, expected length
    "/f/notice.pdf": ("关于2023年度项目申报的通知（PDF）", PDF, "application/pdf", "application/pdf", len(PDF)),
    "/f/table.doc": ("项目申报表（Word）", DOC, "text/html", "application/msword", len(DOC)),
    "/f/download.jsp?id=7": ("园区规划文本下载", ZIP, "text/html; charset=utf-8", "application/zip", len(ZIP)),
    "/f/show.jsp?id=8": ("园区统计数据公开", NOISE, "text/html; charset=utf-8", "application/octet-stream",
                         len(NOISE)),
    "/f/missing.xlsx": ("项目汇总表（已删除）", None, None,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None),
}


def serve(web) -> str:
    rows = "<li><a href='/f/a1.html'>园区召开项目推进会</a><span>2023-08-28</span></li>"
    for path, (title, body, served_as, _, _) in FILES.items():
        rows += f"<li><a href='{path}'>{title}</a><span>2023-08-27</span></li>"
        if body is not None:
            web.add(path, body, served_as)
    web.add("/f/a1.html", ARTICLE, "text/html; charset=utf-8")
    return web.add("/f/index.html", "<html><head><meta charset='utf-8'><title>通知公告</title></head>"
                   f"<body><ul class='list'>{rows}</ul></body></html>", "text/html; charset=utf-8")


@pytest.fixture
def collected(web, write_config, tmp_path):
    url = serve(web)
    config_path = write_config(f"""
        [[sources]]
        id = "files"
        name = "某县人民政府"
        kind = "html"
        url = "{url}"
        """)
    assert service.main(["--config", str(config_path), "collect"]) == 0
    return load_config(config_path), tmp_path / "data" / "public" / "feeds"


def test_files_are_linked_never_read_as_text(collected, web):
    _, feeds = collected
    items = {i["url"]: i for i in json.loads((feeds / "all.json").read_text("utf-8"))["items"]}
    assert len(items) == len(FILES) + 1
    for path, (title, _, _, mime_type, length) in FILES.items():
        item = items[web.url(path)]
        assert item["title"] == title
        assert len(item["content_html"]) < 400 and "附件" in item["content_html"]
        assert "\ufffd" not in item["content_html"] and "PK" not in item["content_html"]
        attachment = item["attachments"][0]
        assert attachment["url"] == web.url(path) and attachment["mime_type"] == mime_type
        assert attachment.get("size_in_bytes") == length
    article = items[web.url("/f/a1.html")]
    assert "attachments" not in article and "重点项目建设进展" in article["content_html"]


def test_rss_and_atom_carry_enclosures_with_type_and_length(collected, web):
    _, feeds = collected
    rss = etree.fromstring((feeds / "all.rss").read_bytes())
    enclosures = {e.get("url"): e for e in rss.iter("enclosure")}
    atom = etree.fromstring((feeds / "all.atom").read_bytes())
    links = {link.get("href"): link for link in atom.iter(f"{ATOM}link") if link.get("rel") == "enclosure"}
    assert len(enclosures) == len(links) == len(FILES)
    pdf = web.url("/f/notice.pdf")
    assert enclosures[pdf].get("type") == "application/pdf" and enclosures[pdf].get("length") == str(len(PDF))
    assert links[pdf].get("type") == "application/pdf" and links[pdf].get("length") == str(len(PDF))
    assert "length" not in links[web.url("/f/missing.xlsx")].attrib  # unknown: not made up


def test_status_counts_the_sources_files(collected, web):
    config, _ = collected
    store = open_test_store(config.storage.url)
    from store.times import utc_now
    status = source_statuses(config, store, utc_now())[0]
    assert status.non_text_items == len(FILES)
    assert status.last_non_text_url in {web.url(p) for p in FILES}


def test_a_file_served_as_a_page_is_not_downloaded_past_its_first_chunk(web):
    url = web.add("/big.bin", b"PK\x03\x04" + b"\x01" * 3_000_000, "text/html")
    result = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=False)).get(
        url, truncate=True, stop_when=lambda head: binary_type(head, "") is not None)
    assert result.truncated and len(result.body) <= 65536
    assert result.content_length == 3_000_004


@pytest.mark.parametrize("text", ["正常的中文新闻正文。" * 100, "plain English text, as a page has. " * 50])
def test_real_text_is_text(text):
    assert not mostly_not_text(text)
    assert binary_type(text.encode("gb18030"), "http://x/a.html", "text/html") is None


def test_feeds_with_enclosures_stay_valid(collected):
    _, feeds = collected
    assert jing_errors([feeds / "all.atom"]) == ""
    assert atom_rule_errors((feeds / "all.atom").read_bytes()) == []
    assert rss_profile_errors((feeds / "all.rss").read_bytes()) == []
    assert json_feed_errors((feeds / "all.json").read_bytes()) == []
