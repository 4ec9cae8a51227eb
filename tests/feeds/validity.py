"""Feed validity checks used by the tests: jing for Atom's RELAX NG schema, plus the rules a
schema cannot express (RFC 4287 author and date rules) and a structural RSS 2.0 profile."""

from __future__ import annotations

import re
import subprocess
from email.utils import parsedate_tz
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from tests.support import DATA

A = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


ATOM_RNC = DATA / "schemas" / "atom.rnc"
# RFC 3339 date-time as RFC 4287 3.3 narrows it: uppercase T and Z, explicit offset.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
RFC822 = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                    r" \d{4} \d\d:\d\d:\d\d [+-]\d{4}")


def jing_errors(paths: list[Path]) -> str:
    """Validate Atom files against the RFC 4287 RELAX NG schema; '' when all are valid."""
    result = subprocess.run(["jing", "-c", str(ATOM_RNC), *map(str, paths)],
                            capture_output=True, text=True, timeout=120)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def atom_rule_errors(xml: bytes) -> list[str]:
    """RFC 4287 rules the schema leaves out: authors (4.1.1/4.1.2), dates (3.3), ids, alternate
    links, and the source metadata (4.2.11) the W3C Feed Validator asks for."""
    root = etree.fromstring(xml)
    problems = []
    entries = root.findall(f"{A}entry")
    if root.find(f"{A}author") is None and not all(e.find(f"{A}author") is not None for e in entries):
        problems.append("feed without author has an entry without author")
    for element in root.iter(f"{A}updated", f"{A}published"):
        if not RFC3339.fullmatch(element.text or ""):
            problems.append(f"date {element.text!r} is not RFC 3339 with a timezone")
    for index, entry in enumerate(entries):
        for name in ("id", "title", "updated"):
            if len(entry.findall(f"{A}{name}")) != 1:
                problems.append(f"entry {index}: needs exactly one {name}")
        if entry.find(f"{A}content") is None and not any(
                link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{A}link")):
            problems.append(f"entry {index}: no content and no alternate link")
        alternates = [(link.get("type"), link.get("hreflang")) for link in entry.findall(f"{A}link")
                      if link.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            problems.append(f"entry {index}: two alternate links with the same type and hreflang")
        for source in entry.findall(f"{A}source"):  # the W3C validator: "Missing source element: …"
            problems += [f"entry {index}: source has no {name}" for name in ("id", "title", "updated")
                         if len(source.findall(f"{A}{name}")) != 1]
        if not _absolute(entry.findtext(f"{A}id") or "") and not (entry.findtext(f"{A}id") or "").startswith(("tag:", "urn:")):
            problems.append(f"entry {index}: id is not an IRI")
    ids = [e.findtext(f"{A}id") for e in entries]
    if len(ids) != len(set(ids)):
        problems.append("duplicate entry ids")
    return problems


def rss_profile_errors(xml: bytes) -> list[str]:
    """RSS 2.0 structure: required channel elements, item title-or-description, RFC 822 dates,
    unique guids, absolute links."""
    root = etree.fromstring(xml)
    problems = []
    if root.tag != "rss" or root.get("version") != "2.0":
        problems.append("root is not <rss version=\"2.0\">")
    channels = root.findall("channel")
    if len(channels) != 1:
        return problems + ["needs exactly one channel"]
    channel = channels[0]
    for name in ("title", "link", "description"):
        if len(channel.findall(name)) != 1 or not (channel.findtext(name) or "").strip():
            problems.append(f"channel needs one non-empty <{name}>")
    links = [channel.findtext("link")]
    links += [link.get("href") for link in channel.findall(f"{A}link")]
    for name in ("pubDate", "lastBuildDate"):
        for element in channel.findall(name):
            problems += _rfc822(element.text, f"channel {name}")
    guids = []
    for index, item in enumerate(channel.findall("item")):
        if not (item.findtext("title") or item.findtext("description")):
            problems.append(f"item {index}: needs a title or a description")
        for element in item.findall("pubDate"):
            problems += _rfc822(element.text, f"item {index} pubDate")
        guid = item.find("guid")
        if guid is None:
            problems.append(f"item {index}: no guid")
        else:
            guids.append(guid.text)
            if guid.get("isPermaLink", "true") == "true":
                links.append(guid.text)
        links += [item.findtext("link")] + [s.get("url") for s in item.findall("source")]
        if item.find(f"{CONTENT}encoded") is None:
            problems.append(f"item {index}: no content:encoded")
    if len(guids) != len(set(guids)):
        problems.append("duplicate guids")
    problems += [f"link {link!r} is not absolute" for link in links if link is not None and not _absolute(link)]
    return problems


def _rfc822(text: str | None, where: str) -> list[str]:
    if not RFC822.fullmatch(text or "") or parsedate_tz(text) is None:
        return [f"{where}: {text!r} is not an RFC 822 date with a numeric zone"]
    return []


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def json_feed_errors(data: bytes) -> list[str]:
    """JSON Feed 1.1: required keys, string ids, RFC 3339 dates, absolute URLs, content present."""
    import json

    feed = json.loads(data)
    problems = [f"missing {key}" for key in ("version", "title", "items") if key not in feed]
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version is not 1.1")
    problems += [f"{key} is not absolute" for key in ("home_page_url", "feed_url")
                 if key in feed and not _absolute(feed[key])]
    ids = []
    for index, item in enumerate(feed.get("items", [])):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {index}: id must be a non-empty string")
        ids.append(item.get("id"))
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"item {index}: no content_html or content_text")
        for key in ("date_published", "date_modified"):
            if key in item and not RFC3339.fullmatch(item[key]):
                problems.append(f"item {index}: {key} {item[key]!r} is not RFC 3339")
        if "url" in item and not _absolute(item["url"]):
            problems.append(f"item {index}: url is not absolute")
    if len(ids) != len(set(ids)):
        problems.append("duplicate item ids")
    return problems
