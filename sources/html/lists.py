"""One decoded list page to entries: configured selectors, else presets and detection."""

from __future__ import annotations

import lxml.html

from settings.model import ListSelectors
from sources.html.detect import Detection, detect_list
from sources.html.dom import drop_scripts, expand_datastores
from sources.html.listing import ListEntry, entries_by_selectors


def prepare_list_tree(tree: lxml.html.HtmlElement) -> None:
    """Unpack Hanweb datastores (they sit inside <script>) before dropping scripts."""
    expand_datastores(tree)
    drop_scripts(tree)


def list_entries(tree: lxml.html.HtmlElement, page_url: str,
                 selectors: ListSelectors | None) -> tuple[list[ListEntry], Detection | None]:
    """Entries of a prepared tree, and the detection used when no item selector is configured."""
    if selectors and selectors.item:
        entries = entries_by_selectors(tree, page_url, selectors.item, selectors.link,
                                       selectors.title, selectors.date)
        return entries, None
    detection = detect_list(tree, page_url)
    if detection is None:
        return [], None
    if selectors and (selectors.link or selectors.title or selectors.date):
        # Detected items, read with the configured parts (e.g. only `date` was given).
        return entries_by_selectors(tree, page_url, detection.selector, selectors.link,
                                    selectors.title, selectors.date), detection
    return list(detection.entries), detection
