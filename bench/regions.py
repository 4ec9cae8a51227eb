"""Benchmark: what tagging stories with places, topics and amounts costs.

Prints, in one run: the gazetteer's build time and the memory it adds (resident set, the Rust
automaton included), tagging throughput (stories/s through items.tagging), and ingest into a
real SQLite file of the same stories untagged (plain) and tagged (tagging + the place rows).

    .venv/bin/python bench/regions.py            # 20,000 stories
    .venv/bin/python bench/regions.py --n 5000

Targets (issue 18): tagging >= 2,000 stories/s; gazetteer <= 60 MB.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.filling import ingest_in_batches  # noqa: E402
from model.stories import Appearance  # noqa: E402
from settings.model import SourceConfig  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402

PLACES = ["云阳县", "万州经开区", "两江新区", "苏州工业园区", "昆山开发区", "天府新区", "成都高新区", "长沙县",
          "江北区", "鼓楼区", "黔南州", "和安县", "宜宾市", "西咸新区", "义乌综合保税区", "渝北区", "张家港",
          "青岛西海岸新区", "合肥高新区", "榆林"]
TITLES = ["{p}签约{n}个重点项目 总投资{a}亿元", "{p}{n}个重大项目集中开工", "{p}出台优化营商环境二十条措施",
          "{p}企业家赴深圳考察学习", "深圳客商到{p}考察洽谈", "{p}新增专精特新企业{n}家", "园区前三季度新签约项目{n}个",
          "商务部：前10月全国开发区实际使用外资增长{n}%", "{p}与{q}签署战略合作协议", "{p}发布一批干部任前公示"]
LEADS = ["{d}，{p}举行重点项目集中签约仪式，共签约项目{n}个，总投资{a}亿元，涉及新能源、新材料、智能制造等领域，"
         "其中外资项目{m}个，合同外资{u}万美元。", "记者从{p}投资促进中心获悉，前三季度该地园区新签约项目{n}个，协议引资{a}亿元，"
         "同比增长{m}%。", "{d}，来自长三角、珠三角的{n}余名企业家到{p}考察，实地察看产业园区建设情况，并与{q}有关部门座谈交流。"]
START = datetime(2026, 1, 1, tzinfo=UTC)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def stories(n: int, seed: int = 7) -> list[Appearance]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        fields = {"p": rng.choice(PLACES), "q": rng.choice(PLACES), "n": rng.randint(2, 40), "m": rng.randint(1, 9),
                  "a": round(rng.uniform(1, 400), 1), "u": rng.randint(100, 9000), "d": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"}
        title = rng.choice(TITLES).format(**fields) + f"（{i}）"
        lead = rng.choice(LEADS).format(**fields)
        out.append(Appearance(source_id=f"s{i % 40}", item_key=f"k{i}", url=f"http://s{i % 40}.example/{i}.html",
                              title=title, published_at=START + timedelta(minutes=i), date_is_guess=False,
                              content_html=f"<p>{lead}</p><p>第{i}篇正文。</p>", summary=lead,
                              regions=("全国",) if i % 3 else ("重庆市", "云阳县")))
    return out


def _ingest_rate(apps: list[Appearance]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "b.db")
        store.migrate()
        with store.transaction() as tx:
            tx.sync_sources([SourceConfig(id=f"s{i}", name=f"s{i}", kind="feed", url="http://x/", interval=60)
                             for i in range(40)])
        started = time.perf_counter()
        ingest_in_batches(store, apps, START)
        elapsed = time.perf_counter() - started
        store.close()
    return len(apps) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    plain = stories(args.n)
    import items.tagging as tagging  # the modules load before the gazetteer is measured
    before, started = _rss_mb(), time.perf_counter()
    tagger = tagging.tagger()
    build, gazetteer_mb = time.perf_counter() - started, _rss_mb() - before
    started = time.perf_counter()
    tagged = [tagger.tagged(app) for app in plain]
    tag_rate = len(plain) / (time.perf_counter() - started)
    placed = sum(bool(a.places) for a in tagged)
    plain_rate = _ingest_rate(plain)
    tagged_rate = _ingest_rate(tagged)
    print(f"gazetteer: built in {build:.2f} s, +{gazetteer_mb:.1f} MB resident "
          f"({len(tagger.gazetteer.places)} places)")
    print(f"tagging: {tag_rate:,.0f} stories/s ({placed}/{len(plain)} with a place)")
    print(f"ingest into SQLite, same {len(plain)} stories: plain {plain_rate:,.0f}/s, "
          f"with places/topics/amounts stored {tagged_rate:,.0f}/s; "
          f"tagging + storing tags end to end {1 / (1 / tag_rate + 1 / tagged_rate):,.0f}/s")


if __name__ == "__main__":
    main()
