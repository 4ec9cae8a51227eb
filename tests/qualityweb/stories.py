"""The labelled stories of the quality web: who publishes what, when, and who copies it.

Everything is drawn from one `random.Random(seed)`, so a seed gives the same stories, texts,
times, copies and corrections every time. Nothing here knows HTML or ports: the family modules
render these records, the server serves them, the bench compares the published feed to them.

Shapes a real regional web has and that the stories carry:
- cross-posts: a story re-posted by 1-2 other sites hours later, the title sometimes prefixed
  (`转载｜`, `【园区动态】`, the zone's name), an extra sentence, `来源：<original site>` at the end;
- short stories (two sentences) that are cross-posted too (Jaccard of such pairs is low);
- look-alikes: the same template title and sentences with another zone, number and date, on
  other sites and on the same site; they are different stories and must stay apart;
- corrections: a title that says `126亿` in round 1 and `12.6亿` from round 2 on;
- moved URLs: from round 2 a site links its older articles at another port or with tracking
  parameters (the same page, so the same story).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
ROUNDS = (1, 2, 3, 4)
NEW_PER_ROUND = {1: 8, 2: 3, 3: 1, 4: 3}  # own stories per healthy site and round

ZONES = ["万州经开区", "云阳工业园区", "涪陵高新区", "长寿经开区", "璧山高新区", "永川高新区", "綦江工业园区",
         "荣昌高新区", "奉节工业园区", "巫山工业园区", "开州工业园区", "梁平工业园区", "垫江工业园区", "忠县工业园区",
         "丰都工业园区", "南川工业园区", "铜梁高新区", "潼南高新区", "大足高新区", "江津综保区"]
COMPANIES = ["华晨新材料", "渝丰电子", "长江智造", "三峡食品", "西部锂电", "山城医药", "嘉陵光电", "巴渝汽配",
             "金沙数码", "秦巴农业", "武陵康养", "乌江化工", "缙云精密", "大江科技", "海川能源", "天府纺织"]
INDUSTRIES = ["新材料", "电子信息", "智能制造", "食品加工", "新能源", "生物医药", "汽车零部件", "数字经济",
              "现代物流", "绿色化工", "装备制造", "文旅康养"]
OFFICIALS = ["张立新", "王晓东", "李明华", "陈建国", "刘海涛", "杨春林", "赵文斌", "周志强"]
TITLE_TEMPLATES = [
    "{zone}与{company}签约{industry}项目 总投资{money}亿元",
    "{zone}{industry}产业园一期主体工程完工",
    "{official}调研{zone}{industry}重点项目建设",
    "{zone}举办{industry}企业用工对接会 提供岗位{jobs}个",
    "{zone}前{month}月规上工业产值同比增长{pct}%",
    "{zone}召开{industry}产业链招商推介会",
    "{company}年产{tons}万吨{industry}项目在{zone}投产",
    "{zone}开展安全生产大检查 排查隐患{jobs}处",
]
SENTENCES = [
    "{day}，{zone}与{company}举行项目签约仪式，总投资{money}亿元的{industry}项目正式落户。",
    "该项目主要建设年产{tons}万吨{industry}生产线及配套研发中心，达产后预计年产值可达{money2}亿元。",
    "项目建成后将新增就业岗位{jobs}余个，带动上下游配套企业{n}家集聚发展。",
    "{official}出席活动并讲话，要求各部门强化要素保障，推动项目早开工、早投产、早见效。",
    "近年来，{zone}坚持以招商引资为抓手，聚焦{industry}等主导产业，持续优化营商环境。",
    "今年以来，{zone}累计签约项目{n}个，协议引资{money2}亿元，到位资金同比增长{pct}%。",
    "下一步，{zone}将围绕{industry}产业链补链强链，力争年底前再引进{n}个亿元以上项目。",
    "{company}负责人表示，选择{zone}看重的是这里完善的配套设施和高效的政务服务。",
    "据了解，{industry}产业园规划面积{n}平方公里，分三期建设，一期已入驻企业{jobs}家。",
    "活动现场，{n}家企业与{zone}管委会签订合作协议，涉及{industry}、物流等多个领域。",
    "{zone}相关负责人介绍，园区将实行专班推进、专人服务，全力以赴保障项目建设进度。",
    "截至{month}月底，{zone}规上工业企业达到{jobs}家，实现产值{money2}亿元，同比增长{pct}%。",
    "检查组深入{company}等{n}家企业生产一线，查看消防设施、危化品管理和应急预案落实情况。",
    "会议强调，{zone}要牢固树立安全发展理念，压实{company}等{n}家重点企业主体责任，坚决防范重特大事故。",
    "{month}月以来，{official}先后{n}次带队赴{zone}现场办公，协调解决{industry}项目用地、用电等问题{jobs}件。",
    "{zone}{industry}产业基金首期规模{money}亿元，已投资{company}等{n}个项目。",
    "为破解用工难题，{zone}联合{n}所职业院校开设{industry}订单班，今年可输送技能人才{jobs}名。",
    "{company}二期项目计划投资{money}亿元，建成后{industry}产能将提升{pct}%。",
    "{zone}还将举办第{n}届{industry}博览会，预计吸引参展企业{jobs}家。",
    "在项目审批环节，{zone}推行“拿地即开工”，{company}项目从签约到开工仅用{n}天。",
    "{day}上午，{official}一行先后来到{company}生产车间、研发中心，详细了解{industry}产品市场和订单情况。",
    "数据显示，{zone}{industry}产业集群去年营收突破{money2}亿元，占全区工业总量的{pct}%。",
    "{zone}管委会将对{company}等企业兑现扶持资金{money}千万元，惠及企业{n}家。",
]
EXTRA_SENTENCES = ["（本网编辑整理）", "编者按：本文转自相关部门，内容有删节。", "更多园区动态，请关注本网“园区新闻”栏目。"]
PREFIXES = ["转载｜", "【园区动态】", "{zone}：", ""]


@dataclass(frozen=True)
class Site:
    id: str
    family: str
    name: str  # publisher name, as the site and its 来源 lines spell it
    zone: str


@dataclass
class Story:
    """One true story: the title and time its original publisher gives it."""

    id: str
    site: str  # original publisher's site id
    round: int  # first round it is online
    titles: dict[int, str]  # round -> true title (a correction changes it from that round on)
    published: datetime  # true publish time, +08:00 (midnight when the site gives only a date)
    paragraphs: list[str]
    lookalike_of: str | None = None
    copies: list[Copy] = field(default_factory=list)

    def title(self, round_: int) -> str:
        return self.titles[max(r for r in self.titles if r <= round_)]


@dataclass
class Copy:
    """A re-post of a story on another site, with the small edits re-posts have."""

    site: str
    published: datetime
    prefix: str
    extra: str
    credit: bool  # ends with 来源：<original site name>
    info: str  # whom the info line names: "origin", "own" (the re-posting site) or "none"


@dataclass
class Attachment:
    """A list entry that links a file (served as text/html): not a story, never text content."""

    site: str
    round: int
    title: str
    path: str  # with an extension, or a download script's URL without one
    data: bytes


@dataclass
class Plan:
    sites: list[Site]
    stories: list[Story]
    attachments: list[Attachment]
    faults: dict[int, dict[str, str]]  # round -> site id -> "500" | "timeout"
    moved: dict[str, str]  # site id -> "port" | "tracking": from round 2 its old articles move

    def site(self, site_id: str) -> Site:
        return next(s for s in self.sites if s.id == site_id)

    def online(self, round_: int) -> list[Story]:
        return [s for s in self.stories if s.round <= round_]


def _slots(rng: random.Random, zone: str) -> dict[str, object]:
    return {"zone": zone, "company": rng.choice(COMPANIES), "industry": rng.choice(INDUSTRIES),
            "official": rng.choice(OFFICIALS), "money": rng.randint(3, 90), "money2": rng.randint(10, 300),
            "jobs": rng.randint(50, 3000), "pct": rng.randint(5, 40), "month": rng.randint(3, 11),
            "tons": rng.randint(2, 50), "n": rng.randint(3, 40),
            "day": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"}


def _text(rng: random.Random, slots: dict[str, object], count: int) -> list[str]:
    """`count` paragraphs of 2-3 filled sentences; distinct stories share few 3-grams."""
    chosen = rng.sample(SENTENCES, min(len(SENTENCES), count * 2))
    paragraphs = []
    for i in range(count):
        pair = chosen[2 * i:2 * i + 2]
        paragraphs.append("".join(s.format(**slots) for s in pair) + f"{slots['zone']}第{rng.randint(1, 999)}号简报。")
    return paragraphs


def build_plan(sites: list[Site], seed: int, list_sites: list[str]) -> Plan:
    """The stories of every round for `sites`, deterministic in `seed`; attachments go into the
    first two of `list_sites` (sites with HTML list pages)."""
    rng = random.Random(seed)
    stories: list[Story] = []
    faults = {3: {sites[-3].id: "500", sites[-2].id: "timeout"}} if len(sites) >= 4 else {}
    base_day = datetime(2023, 9, 1, tzinfo=CHINA)
    for round_ in ROUNDS:
        for site in sites:
            if site.id in faults.get(round_, {}):
                continue
            for n in range(NEW_PER_ROUND[round_]):
                day = base_day + timedelta(days=(round_ - 1) * 8 + rng.randint(0, 6),
                                           hours=rng.randint(8, 17), minutes=rng.randint(0, 59))
                slots = _slots(rng, site.zone)
                title = rng.choice(TITLE_TEMPLATES).format(**slots)
                short = n == 5  # one short story per site in round 1
                paragraphs = _text(rng, slots, 1 if short else rng.randint(3, 5))
                if short:
                    paragraphs = [paragraphs[0]]
                stories.append(Story(f"{site.id}-{round_}-{n}", site.id, round_, {round_: title}, day, paragraphs))
    _add_lookalikes(rng, sites, stories)
    _add_copies(rng, sites, stories)
    _add_corrections(sites, stories)
    files = [("关于印发园区2023年重点项目清单的通知（附件）", "/uploadfiles/xmqd2023.pdf",
              b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(250_000)),
             ("2023年园区企业申报表（附件下载）", "/module/download/downfile.jsp?classid=0&fileid=2317",
              b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(120_000))]
    attachments = [Attachment(site, 3, title, path, data) for site, (title, path, data) in zip(list_sites, files, strict=False)]
    moved = {sites[2].id: "port", sites[3].id: "tracking"} if len(sites) >= 4 else {}
    return Plan(sites, stories, attachments, faults, moved)


def _add_lookalikes(rng: random.Random, sites: list[Site], stories: list[Story]) -> None:
    """Each of a few round-1 stories gets a twin: same template sentences, other zone/numbers/date."""
    short = [s for s in stories if len(s.paragraphs) == 1]
    originals = [s for s in stories if s.round == 1 and len(s.paragraphs) >= 3][::7][:6] + short[1::4][:2]
    for i, original in enumerate(originals):
        same_site = i % 2 == 0 or len(sites) == 1
        site = next(x for x in sites if x.id == original.site) if same_site else rng.choice(
            [x for x in sites if x.id != original.site])
        other_zone = site.zone if not same_site else rng.choice([z for z in ZONES if z != site.zone])
        title = original.titles[1]
        own = next(x for x in sites if x.id == original.site).zone
        twin_title = _renumber(title.replace(own, other_zone), rng)
        twin_paras = [_renumber(p.replace(own, other_zone), rng) for p in original.paragraphs]
        stories.append(Story(f"{original.id}-twin", site.id, 1, {1: twin_title},
                             original.published + timedelta(days=rng.randint(1, 3), hours=2),
                             twin_paras, lookalike_of=original.id))


def _renumber(text: str, rng: random.Random) -> str:
    out, digits = [], False
    for ch in text:
        if ch.isdigit():
            if not digits:
                out.append(str(rng.randint(2, 9)))
            digits = True
        else:
            digits = False
            out.append(ch)
    return "".join(out)


def _add_copies(rng: random.Random, sites: list[Site], stories: list[Story]) -> None:
    """About a quarter of stories are re-posted by one or two other sites; every other short
    story is re-posted with a prefixed title and a 来源 line (the pair dedupe finds hardest)."""
    shorts = 0
    for story in stories:
        if len(story.paragraphs) == 1 and not story.lookalike_of:
            shorts += 1
            if shorts % 2 and len(sites) > 1:
                site = rng.choice([s for s in sites if s.id != story.site])
                story.copies.append(Copy(site.id, story.published + timedelta(hours=rng.randint(2, 40)),
                                         rng.choice(PREFIXES[:3]).format(zone=site.zone), "", True, "own"))
                continue
        if story.lookalike_of or rng.random() > 0.28:
            continue
        others = [s for s in sites if s.id != story.site]
        for site in rng.sample(others, min(len(others), rng.choice((1, 1, 2)))):
            prefix = rng.choice(PREFIXES).format(zone=site.zone)
            story.copies.append(Copy(site.id, story.published + timedelta(hours=rng.randint(2, 40)), prefix,
                                     rng.choice(EXTRA_SENTENCES), credit=rng.random() < 0.8,
                                     info=rng.choice(("origin", "own", "none"))))


def _add_corrections(sites: list[Site], stories: list[Story]) -> None:
    """The newest round-1 story of every other site gets a corrected number in round 2."""
    for site in sites[::2]:
        own = [s for s in stories if s.site == site.id and s.round == 1 and not s.copies and not s.lookalike_of]
        if own:
            story = max(own, key=lambda s: s.published)
            title = story.titles[1]
            story.titles[1] = re.sub(r"总投资\d+亿元", "总投资126亿元", title) if "总投资" in title else \
                title + " 总投资126亿元"
            story.titles[2] = story.titles[1].replace("126亿元", "12.6亿元")
