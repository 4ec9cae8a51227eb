"""How long html sources spend per page, against plain lxml parsing of the same bytes.

Run: .venv/bin/python bench/html_pages.py   (reads tests/data/html in place)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sources.decode import decode_document  # noqa: E402
from sources.html.article import extract_article  # noqa: E402
from sources.html.detect import detect_list  # noqa: E402
from sources.html.dom import parse_html  # noqa: E402
from sources.html.lists import prepare_list_tree  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "html"
ROUNDS = 3


def _best(action, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def _list(text: str) -> None:
    tree = parse_html(text)
    prepare_list_tree(tree)
    detect_list(tree, "http://example.gov.cn/")


def main() -> None:
    pages = {p.name: decode_document(p.read_bytes(), "text/html")[0] for p in sorted(CORPUS.glob("*.html"))}
    lists = {n: t for n, t in pages.items() if n.startswith("list_") or n.endswith("xxgk_list.html")}
    articles = {n: t for n, t in pages.items() if n not in lists}
    print(f"{'page':<52} {'KB':>6} {'parse ms':>9} {'ours ms':>8} {'ratio':>6}")
    totals = {"list": [0.0, 0.0], "article": [0.0, 0.0]}
    for kind, group, work in (("list", lists, _list),
                              ("article", articles, lambda t: extract_article(t, "http://example.cn/a.html"))):
        for name, text in group.items():
            parse = _best(lambda t=text: parse_html(t))
            ours = _best(lambda t=text, w=work: w(t))
            totals[kind][0] += parse
            totals[kind][1] += ours
            print(f"{name:<52} {len(text.encode()) / 1024:>6.0f} {parse * 1000:>9.1f} {ours * 1000:>8.1f} "
                  f"{ours / parse:>6.1f}")
    for kind, (parse, ours) in totals.items():
        count = len(lists if kind == "list" else articles)
        print(f"{kind} pages: {count}, mean {ours / count * 1000:.1f} ms each, "
              f"{ours / parse:.1f}x the time of parsing them")


if __name__ == "__main__":
    main()
