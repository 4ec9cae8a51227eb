"""Coverage-guided fuzzing (atheris) of the parsers that read strangers' bytes.

Any exception other than FetchError (which a broken document rightly earns) is a finding.
atheris is optional and not in requirements.txt; see bench/README.md ("Fuzzing") for the
one-line install and run commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from items.sanitize import sanitize_html
    from sources.decode import decode_document
    from sources.errors import FetchError
    from sources.feed import parse_feed
    from sources.html.article import extract_article
    from sources.html.dom import parse_html
    from sources.html.lists import list_entries, prepare_list_tree

URL = "http://www.example.gov.cn/news/list.html"


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    content_type = provider.PickValueInList(["", "text/html", "application/xml; charset=gbk",
                                             "text/xml; charset=utf-8"])
    body = provider.ConsumeBytes(provider.remaining_bytes())
    try:
        parse_feed("fuzz", body, content_type, URL)
    except FetchError:
        pass
    text, _ = decode_document(body, content_type)
    tree = parse_html(text)
    prepare_list_tree(tree)
    list_entries(tree, URL, None)
    extract_article(text, URL)
    sanitize_html(text, URL)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
