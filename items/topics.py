"""Topics of a story from keyword rules: a small default taxonomy operators can extend.

Rules are tried in order and the title decides before the lead, so the first topic is the one
the headline is about; a story may carry several.
"""

from __future__ import annotations

from collections.abc import Mapping

LEAD_CHARS = 120
DEFAULT_TOPICS: dict[str, tuple[str, ...]] = {
    "人事": ("任命", "任免", "免去", "当选", "履新", "干部任前公示", "任前公示", "人事调整", "新任", "挂职"),
    "招商签约": ("签约", "签订", "签署", "招商", "引资", "落户", "合作协议", "推介会", "洽谈会", "产业对接会", "项目对接会",
                 "投资协议", "外资", "引进项目"),
    "项目开工/投产": ("开工", "投产", "竣工", "奠基", "达产", "试生产", "建成", "封顶", "开园", "点火", "下线"),
    "营商环境/政策": ("营商环境", "政策", "新政", "办法", "措施", "举措", "意见", "通知", "审批", "改革",
                     "一网通办", "惠企", "条例", "自由贸易", "自贸"),
    "科技创新": ("科技", "创新", "研发", "专利", "高新技术企业", "专精特新", "实验室", "数字化", "人工智能", "孵化"),
    "会议/考察": ("会议", "座谈会", "调研", "考察", "推进会", "调度会", "观摩", "视察", "论坛", "大会", "学习"),
}


def topic_rules(extra: Mapping[str, tuple[str, ...]] = ()) -> dict[str, tuple[str, ...]]:
    """The default rules with an operator's own: a configured topic adds keywords or a new topic."""
    rules = dict(DEFAULT_TOPICS)
    for topic, words in dict(extra).items():
        rules[topic] = tuple(dict.fromkeys(rules.get(topic, ()) + tuple(words)))
    return rules


def topics_of(title: str, lead: str, rules: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Topics whose keywords occur, those found in the title first (each in rule order)."""
    found: list[str] = []
    for text in (title, lead[:LEAD_CHARS]):
        for topic, words in rules.items():
            if topic not in found and any(w in text for w in words):
                found.append(topic)
    return tuple(found)
