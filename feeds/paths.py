"""The URL shapes of everything zonefeed publishes, relative to `service.base_url`: one home
for each, so the build, the server's routes, the pages and the tests agree."""

from __future__ import annotations

import re

from model.stories import GUID_PREFIX

_STORY_TOKEN = re.compile(r"[0-9a-f]{24}")


LIVE_PREFIXES = ("/stories/", "/search.", "/regions/")
ARCHIVE_PREFIX = "feeds/archive/"


def is_live_page(path: str) -> bool:
    """A page read from the store per request (feeds.reading), not a file of the export."""
    return path in ("/", "/search") or path.startswith(LIVE_PREFIXES)


def feed_path(feed_id: str, extension: str) -> str:
    return f"feeds/{feed_id}.{extension}"


def archive_path(feed_id: str, page: int) -> str:
    """RFC 5005 archive page `page` (1 = oldest) of a feed: Atom only."""
    return f"{ARCHIVE_PREFIX}{feed_id}/{page}.atom"


def is_archive_page(relative: str) -> bool:
    return relative.startswith(ARCHIVE_PREFIX)


def story_path(guid: str) -> str:
    """A story page is named by its permanent id, so a link stays valid however it renders."""
    return "stories/" + guid.removeprefix(GUID_PREFIX)


def guid_of_story_path(path: str) -> str | None:
    """The story GUID a `/stories/<token>` path names, or None when it names none."""
    token = path.removeprefix("/").removeprefix("stories/")
    return GUID_PREFIX + token if _STORY_TOKEN.fullmatch(token) else None
