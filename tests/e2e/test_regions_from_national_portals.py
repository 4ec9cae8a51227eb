"""Only national portals configured (region 全国): per-province, per-county and zone feeds
still carry exactly the stories about those places, from what the stories say.

Two portal feeds on 127.0.0.1 carry 30 stories about zones in 5 provinces plus national
round-ups; the feeds' precision and recall against the hand-written truth are printed."""

from __future__ import annotations

import json
from html import escape

import service

# (title, lead, {places the story is about, as the feeds below name them})
STORIES = [
    ("云阳县召开招商引资工作推进会", "11月20日，云阳县召开招商引资工作推进会。", {"重庆市", "云阳县"}),
    ("云阳工业园区新签约项目8个 总投资26亿元", "今年以来，云阳工业园区新签约项目8个。", {"重庆市", "云阳县"}),
    ("万州经开区高峰园标准厂房二期竣工", "11月19日，万州经开区高峰园标准厂房二期竣工交付。", {"重庆市", "万州区"}),
    ("万州区企业家赴深圳考察学习", "11月18日，万州区组织企业家赴深圳考察学习。", {"重庆市", "万州区"}),
    ("两江新区30个项目集中签约", "11月20日，两江新区举行项目集中签约活动。", {"重庆市", "两江新区"}),
    ("两江协议引资390亿元", "今年前三季度，两江新区协议引资390亿元。", {"重庆市", "两江新区"}),
    ("奉节脐橙产业园二期开园", "11月18日，奉节脐橙产业园二期开园。", {"重庆市"}),
    ("深圳客商到涪陵考察洽谈", "11月21日，深圳客商一行到涪陵区考察。", {"重庆市"}),
    ("天府新区总部经济项目集中开工", "11月21日，四川天府新区8个总部经济项目集中开工。", {"四川省"}),
    ("双流区航空经济产业园签约5个项目", "11月20日，成都市双流区航空经济产业园签约5个项目。", {"四川省", "双流区"}),
    ("成都高新区发布人工智能产业政策", "近日，成都高新区发布人工智能产业专项政策。", {"四川省"}),
    ("宜宾三江新区动力电池项目投产", "11月19日，宜宾三江新区动力电池项目投产。", {"四川省"}),
    ("绵阳科技城新区与上海企业签约", "11月20日，绵阳科技城新区与上海某企业签约。", {"四川省"}),
    ("双流与云阳缔结友好区县", "11月18日，成都市双流区与重庆市云阳县签署友好区县协议。", {"四川省", "双流区"}),
    ("苏州工业园区发布生物医药产业政策", "近日，苏州工业园区发布生物医药产业专项政策。", {"江苏省", "苏州工业园区"}),
    ("园区举办重点企业座谈会", "11月18日，苏州工业园区召开重点企业座谈会。", {"江苏省", "苏州工业园区"}),
    ("昆山开发区新增外资项目12个", "今年以来，昆山开发区新增外资项目12个。", {"江苏省", "昆山市"}),
    ("昆山市出台优化营商环境20条", "近日，昆山市出台优化营商环境20条措施。", {"江苏省", "昆山市"}),
    ("南京江北新区集成电路项目开工", "11月20日，南京江北新区集成电路项目开工。", {"江苏省"}),
    ("江阴高新区新材料项目签约", "11月19日，江阴高新区新材料项目签约。", {"江苏省"}),
    ("长沙经开区工程机械项目投产", "11月21日，长沙经开区工程机械项目投产。", {"湖南省"}),
    ("长沙县新增专精特新企业20家", "今年以来，长沙县新增专精特新企业20家。", {"湖南省", "长沙县"}),
    ("湖南湘江新区发布数字经济政策", "近日，湖南湘江新区发布数字经济专项政策。", {"湖南省"}),
    ("浏阳经开区生物医药项目开工", "11月18日，浏阳经开区生物医药项目开工。", {"湖南省"}),
    ("长沙县与深圳企业签约新能源项目", "11月20日，长沙县与深圳某企业签约新能源项目。", {"湖南省", "长沙县"}),
    ("西咸新区秦创原新增科技企业300家", "今年以来，西咸新区秦创原新增科技企业300家。", {"陕西省"}),
    ("西安高新区半导体项目投产", "11月19日，西安高新区半导体项目投产。", {"陕西省"}),
    ("榆林高新区煤化工项目开工", "11月20日，榆林高新区煤化工项目开工。", {"陕西省"}),
    ("神木市召开项目调度会", "11月21日，神木市召开第四季度项目调度会。", {"陕西省"}),
    ("延安高新区在西安举办招商推介会", "11月20日，延安高新区在西安举办招商推介会。", {"陕西省"}),
    ("商务部：前10月国家级经开区实际使用外资增长", "商务部发布数据，前10月全国国家级经开区实际使用外资增长。", set()),
    ("全国开发区工作会议在京召开", "11月20日，全国开发区工作会议在北京召开。", set()),
    ("国务院办公厅印发关于促进开发区高质量发展的意见", "国务院办公厅日前印发意见。", set()),
]
FEEDS = ["重庆市", "四川省", "江苏省", "湖南省", "陕西省", "云阳县", "万州区", "双流区", "昆山市", "长沙县",
         "两江新区", "苏州工业园区"]


def _rss(items: list[tuple[int, tuple[str, str, set[str]]]]) -> str:
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>http://portal.example/news/{i}.html</link>"
        f"<guid>n{i}</guid><pubDate>Fri, 20 Nov 2026 {8 + i % 10:02d}:00:00 +0800</pubDate>"
        f"<description>{escape(lead)}</description></item>"
        for i, (t, lead, _) in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>portal</title>{entries}</channel></rss>'


def test_feeds_by_region_from_national_portals_only(web, write_config, tmp_path, capsys):
    indexed = list(enumerate(STORIES))
    web.add("/invest/rss.xml", _rss(indexed[0::2]), "application/rss+xml")
    web.add("/kfq/rss.xml", _rss(indexed[1::2]), "application/rss+xml")
    feeds = "".join(f'\n[[feeds]]\nid = "f{n}"\ntitle = "{name}"\nregions = ["{name}"]\n'
                    for n, name in enumerate(FEEDS))
    config = write_config(f"""
        [[sources]]
        id = "invest"
        name = "中国投资促进网"
        kind = "feed"
        url = "{web.url('/invest/rss.xml')}"
        region = ["全国"]

        [[sources]]
        id = "kfq"
        name = "中国开发区网"
        kind = "feed"
        url = "{web.url('/kfq/rss.xml')}"
        region = ["全国"]
        """ + feeds)
    assert service.main(["--config", str(config), "check-config"]) == 0
    assert service.main(["--config", str(config), "collect"]) == 0
    right = selected = relevant = 0
    lines = []
    for n, name in enumerate(FEEDS):
        document = json.loads((tmp_path / "data" / "public" / "feeds" / f"f{n}.json").read_text())
        got = {item["title"] for item in document["items"]}
        want = {t for t, _, places in STORIES if name in places}
        right, selected, relevant = right + len(got & want), selected + len(got), relevant + len(want)
        lines.append(f"  {name}: {len(got & want)}/{len(got)} right, {len(got & want)}/{len(want)} found"
                     + (f" extra {sorted(got - want)}" if got - want else "")
                     + (f" missed {sorted(want - got)}" if want - got else ""))
    precision, recall = right / selected, right / relevant
    with capsys.disabled():
        print(f"\nregion feeds from national portals only: precision {precision:.1%}, recall {recall:.1%}")
        print("\n".join(lines))
    assert precision >= 0.95 and recall >= 0.95, lines
    assert relevant >= 40


def test_check_config_warns_on_a_region_the_gazetteer_does_not_know(write_config, capsys):
    config = write_config("""
        [[feeds]]
        id = "x"
        regions = ["重庆市", "渝东北"]
        """)
    assert service.main(["--config", str(config), "check-config"]) == 0
    err = capsys.readouterr().err
    assert "'渝东北' is not a place the gazetteer knows" in err and "重庆市" not in err
