"""Labelled short re-posts that credit their original, and short look-alikes that do not.

Short texts (a feed summary, a two-sentence notice) are below what text similarity can judge,
so these pairs are decided by the credit rule: one side names the other's site or publisher
as 来源 (in any set form: a body line, `（来源：…）`, `转自`, a feed author, ContentSource), and
the titles agree once re-post marks (【转载】, 转：, a site-name prefix) are cut.
Look-alikes share a template and are short too: another place, month, number or date.

Each case: (label, source id, title, published, body paragraphs, publisher stated, author).
Cases with the same label are one story.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.raw import RawItem
from settings.model import SourceConfig

SOURCES = {
    "wzkfq": "万州经开区管委会",
    "cqinvest": "重庆投资促进网",
    "yyzf": "云阳县人民政府",
    "kzkfq": "开州经开区管委会",
    "cqkfq": "重庆开发区网",
    "fjzf": "奉节县人民政府",
    "ljxq": "两江新区管委会",
    "portal": "西部园区门户",
}


def source_configs() -> list[SourceConfig]:
    return [SourceConfig(id=k, name=v, kind="feed", url=f"http://{k}.test/", interval=3600)
            for k, v in SOURCES.items()]


@dataclass(frozen=True)
class Case:
    label: str
    source_id: str
    title: str
    published: str
    paragraphs: tuple[str, ...]
    publisher: str | None = None
    author: str | None = None

    def raw(self, index: int) -> RawItem:
        return RawItem(source_id=self.source_id, url=f"http://{self.source_id}.test/c/{index}.html",
                       title=self.title, guid=f"{self.source_id}-c{index}", published=self.published,
                       content_html="".join(f"<p>{p}</p>" for p in self.paragraphs),
                       publisher=self.publisher, author=self.author)


MERGE = [
    # the demo's pair: a portal re-post with a longer title, credit at the end of a short summary
    Case("m-job-fair", "wzkfq", "经开区举办2026年企业用工对接会", "2026-11-19 16:45",
         ("对接会提供就业岗位1200余个，吸引求职者2000余人次。",), author="万州经开区管委会"),
    Case("m-job-fair", "cqinvest", "万州经开区举办2026年企业用工对接会", "2026-11-19 18:00",
         ("对接会提供就业岗位1200余个。来源：万州经开区管委会",)),
    # 【转载】 prefix, 转自 on the first line
    Case("m-yy-visit", "yyzf", "云阳县领导调研工业园区重点项目", "2026-11-02 10:00",
         ("11月2日，县领导到工业园区调研新材料项目建设进展。",)),
    Case("m-yy-visit", "cqkfq", "【转载】云阳县领导调研工业园区重点项目", "2026-11-02 15:00",
         ("转自：云阳县人民政府", "11月2日，县领导到工业园区调研项目进展情况。")),
    # 转： prefix, bracketed credit at the end
    Case("m-kz-sign", "kzkfq", "开州经开区签约3个智能制造项目", "2026-10-21 09:00",
         ("开州经开区集中签约智能制造项目3个，协议投资18亿元。",)),
    Case("m-kz-sign", "portal", "转：开州经开区签约3个智能制造项目", "2026-10-22 09:00",
         ("集中签约智能制造项目3个，协议投资18亿元。（来源：开州经开区管委会）",)),
    # a site-name prefix with a colon, 稿源
    Case("m-lj-park", "ljxq", "数字经济产业园二期开园", "2026-09-12 10:00",
         ("数字经济产业园二期正式开园，首批入驻企业26家。",)),
    Case("m-lj-park", "cqinvest", "两江新区：数字经济产业园二期开园", "2026-09-12 20:00",
         ("产业园二期正式开园，首批入驻企业26家。", "稿源：两江新区管委会")),
    # [转] prefix, 文章来源
    Case("m-fj-orange", "fjzf", "奉节脐橙开园采摘季启动", "2026-11-08 09:30",
         ("奉节脐橙开园采摘季今日启动，预计产量40万吨。",)),
    Case("m-fj-orange", "cqkfq", "[转]奉节脐橙开园采摘季启动", "2026-11-09 08:00",
         ("文章来源：奉节县人民政府", "奉节脐橙采摘季启动，预计产量40万吨。")),
    # ascii colon, 信息来源, a bracketed （转载） suffix
    Case("m-wz-safety", "wzkfq", "万州经开区开展消防安全演练", "2026-10-09 15:00",
         ("经开区组织园区企业开展消防安全应急演练，300余人参加。",)),
    Case("m-wz-safety", "portal", "万州经开区开展消防安全演练（转载）", "2026-10-10 10:00",
         ("园区企业开展消防安全应急演练。", "信息来源:万州经开区管委会")),
    # 转载自, no colon
    Case("m-kfq-list", "cqkfq", "全市开发区亩均效益排名发布", "2026-08-30 09:00",
         ("全市开发区亩均效益综合排名发布，5个园区进入前十。",)),
    Case("m-kfq-list", "ljxq", "全市开发区亩均效益排名发布", "2026-08-30 17:00",
         ("转载自重庆开发区网", "全市开发区亩均效益综合排名发布。")),
    # the re-post states the original as ContentSource (the feed's <source>), short prefix 云阳
    Case("m-yy-road", "yyzf", "工业园区环线道路建成通车", "2026-07-15 10:00",
         ("园区环线道路全长6.2公里，今日建成通车。",)),
    Case("m-yy-road", "cqinvest", "云阳：工业园区环线道路建成通车", "2026-07-15 19:00",
         ("环线道路全长6.2公里，今日建成通车。",), publisher="云阳县人民政府"),
    # two re-posts of an original we do not read, crediting the same publisher
    Case("m-trade", "portal", "一季度全市外贸进出口增长12%", "2026-04-18 09:00",
         ("一季度全市外贸进出口总值增长12%。来源：重庆市商务委员会",)),
    Case("m-trade", "cqinvest", "【转载】一季度全市外贸进出口增长12%", "2026-04-18 11:00",
         ("来源：重庆市商务委员会", "全市外贸进出口总值增长12%，增速居西部前列。")),
    # the original credits itself; the re-post names a shorter form of it
    Case("m-kz-train", "kzkfq", "开州经开区举办企业安全生产培训班", "2026-06-03 09:00",
         ("来源：开州经开区管委会", "培训班邀请专家授课，120家企业参训。")),
    Case("m-kz-train", "portal", "开州经开区举办企业安全生产培训班", "2026-06-04 09:00",
         ("培训班邀请专家授课。转自：开州经开区",)),
    # a one-line summary in other words: no text in common, found by the marked title alone
    Case("m-fj-bridge", "fjzf", "奉节长江大桥主体工程完工", "2026-03-18 10:00",
         ("大桥主体工程今日完工，预计年底通车。",)),
    Case("m-fj-bridge", "portal", "转：奉节长江大桥主体工程完工", "2026-03-18 21:00",
         ("该桥全长1.2公里，由县交通局组织建设。（来源：奉节县人民政府）",)),
    # a three-way story: original, a credited re-post, a re-post of the re-post
    Case("m-wz-expo", "wzkfq", "万州经开区组团参加西洽会", "2026-05-20 10:00",
         ("经开区组织18家企业参加西洽会，现场签约项目5个。",)),
    Case("m-wz-expo", "cqkfq", "万州经开区组团参加西洽会", "2026-05-20 16:00",
         ("组织18家企业参加西洽会，签约项目5个。（来源：万州经开区管委会）",)),
    Case("m-wz-expo", "portal", "转载：万州经开区组团参加西洽会", "2026-05-21 09:00",
         ("来源：万州经开区管委会", "经开区组织企业参加西洽会。")),
]

APART = [
    # another place under one template, the re-post crediting its own county
    Case("a-wz-meeting", "wzkfq", "万州经开区召开安全生产会议", "2026-03-10 09:00",
         ("会议部署了近期安全生产重点工作。",)),
    Case("a-yy-meeting", "cqkfq", "云阳县召开安全生产会议", "2026-03-10 15:00",
         ("会议部署了近期安全生产重点工作。来源：云阳县人民政府",)),
    # another month, both credited to the same publisher
    Case("a-jan-report", "wzkfq", "1月经开区经济运行情况", "2026-02-15 09:00",
         ("1月，经开区规上工业产值增长8.1%。",)),
    Case("a-feb-report", "portal", "2月经开区经济运行情况", "2026-03-14 09:00",
         ("2月，经开区规上工业产值增长6.3%。来源：万州经开区管委会",)),
    Case("a-mar-report", "cqkfq", "3月经开区经济运行情况", "2026-04-12 09:00",
         ("来源：万州经开区管委会", "3月，经开区规上工业产值增长7.4%。")),
    # one notice title, two notices: other dates and places in the body
    Case("a-notice-1", "kzkfq", "关于开展安全生产大检查的通知", "2026-03-01 09:00",
         ("定于3月5日至3月10日在高峰园开展安全生产大检查。",)),
    Case("a-notice-2", "portal", "关于开展安全生产大检查的通知", "2026-03-08 09:00",
         ("定于4月8日至4月12日在江南新区开展安全生产大检查。来源：开州经开区管委会",)),
    # same title, no credit at all, short texts: nothing proves they are one story
    Case("a-no-credit-1", "ljxq", "园区召开安全生产工作会议", "2026-05-06 09:00",
         ("会议通报了上月安全检查情况。",)),
    Case("a-no-credit-2", "fjzf", "园区召开安全生产工作会议", "2026-05-07 09:00",
         ("会议部署了汛期安全工作。",)),
    # another meeting number, credited
    Case("a-first-meeting", "wzkfq", "经开区召开2026年第一次党工委会议", "2026-01-08 09:00",
         ("会议研究了年度重点工作。",)),
    Case("a-second-meeting", "cqkfq", "经开区召开2026年第二次党工委会议", "2026-01-15 09:00",
         ("会议研究了一季度重点工作。来源：万州经开区管委会",)),
    # another zone's job fair (the demo pair's look-alike), credited to its own zone
    Case("a-kz-fair", "portal", "开州经开区举办2026年企业用工对接会", "2026-11-19 20:00",
         ("对接会提供就业岗位800余个。来源：开州经开区管委会",)),
]


def all_cases() -> list[Case]:
    return MERGE + APART
