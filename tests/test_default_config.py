"""The config.toml that ships is about development zones, checks clean, and its commented html
example works once uncommented."""

from __future__ import annotations

import re
import subprocess
import sys

from settings import load_config
from tests.support import ROOT

CONFIG = ROOT / "config.toml"


def test_shipped_config_checks_clean():
    result = subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(CONFIG), "check-config"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.strip().endswith("OK (6 sources, 5 feeds)")


def test_shipped_sources_are_zone_news_with_region_and_tags():
    config = load_config(CONFIG)
    for source in config.sources:
        assert source.region and source.tags, source.id
        assert {"开发区", "招商"} & set(source.tags), source.id
        assert not re.search(r"people\.com\.cn|xinhuanet\.com", source.url), source.id
    assert any(s.region == ("全国",) for s in config.sources)  # national columns
    assert any(s.region and s.region[0].endswith("省") for s in config.sources)  # a provincial one
    for feed in config.feeds:  # every shipped feed has a source that can fill it
        assert any(set(feed.regions) <= set(s.region) and set(feed.tags) <= set(s.tags)
                   for s in config.sources), feed.id


def test_commented_html_example_is_a_detecting_source_once_uncommented(tmp_path):
    text = CONFIG.read_text(encoding="utf-8")
    block = text[text.index("# [[sources]]"):text.index("# If detection picks")]
    uncommented = re.sub(r"^# ?", "", block, flags=re.M)
    path = tmp_path / "config.toml"
    path.write_text(text + "\n" + uncommented.replace("http://www.example.gov.cn", "http://127.0.0.1:9"),
                    encoding="utf-8")
    example = load_config(path).sources[-1]
    assert (example.id, example.kind, example.list) == ("wanzhou-kfq", "html", None)
    assert example.region == ("重庆市", "万州区") and "开发区" in example.tags
