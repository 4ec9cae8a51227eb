"""What people call a division: its official name and, where safe, the short form
(云阳 for 云阳县, 苏州 for 苏州市, 黔南 for 黔南布依族苗族自治州, 广西 for 广西壮族自治区).

A short form is kept only when it has at least two characters and is not an everyday word
that news text uses on its own ("合作" is 合作市, "公安" is 公安县, "青山" is in 绿水青山):
those places are recognised by their full names only.
"""

from __future__ import annotations

NATIONS = (
    "蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
    "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 "
    "塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族 哈萨克 蒙古 维吾尔"
).split()
AUTONOMY = ("特别行政区", "自治区", "自治州", "自治县", "自治旗")
PLAIN_SUFFIXES = ("地区", "林区", "省", "盟", "市", "县", "区", "旗")

# Everyday words (or words of bigger names) that are also a division's short form.
COMMON_WORDS = frozenset((
    "合作 公安 共和 同心 通道 光明 和平 新华 复兴 长寿 青山 金山 白云 西湖 江南 南岸 河西 河东 城中 城北 城东 "
    "城西 新城 新兴 兴业 吉利 方正 大方 安宁 东方 平原 江山 红旗 解放 前进 向阳 永和 平安 长安 武功 兴国 东风 "
    "太平 朝阳 来宾 临江 阿里 长治 大通 宝山 新市 高新 开发 中原 城关 市中 铁东 铁西 新区 城区 郊区 矿区 龙华 "
    "海港 永定 安定 清河 大同 普陀 新建 建华 团结 先锋 胜利 凤凰 白银 东湖 白山 黄山 泰山 华山 龙山 南山 北山 "
    "东山 西山 中山 东区 西区 南区 北区 中区 河口 江城 城厢 南关 北关 文化 民权 红山 沙河 新河 江海 东港 龙江 "
    "龙泉 华容 中西 离岛"
).split())
# Names that are whole divisions but read as words in news text even in full.
COMMON_FULL_NAMES = frozenset("城区 郊区 矿区 新城区 市中区 市辖区 开发区 高新区 新区 示范区".split())
# Kept as short forms although they are words too: the place is what news means by them.
KEEP_SHORT = frozenset("苏州 中山 海南 吉林 延安 安康 东莞 海口 黄山 白山 通化 吉安 宝山 普陀 鼓楼 南山".split())


def short_name(name: str) -> str | None:
    """The short form people use for a division, or None when it would be unsafe."""
    short = _strip_suffix(name)
    if short == name or len(short) < 2:
        return None
    if short in COMMON_WORDS and short not in KEEP_SHORT:
        return None
    return short


def _strip_suffix(name: str) -> str:
    for suffix in AUTONOMY:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            changed = True
            while changed:  # 黔南布依族苗族 -> 黔南
                changed = False
                for nation in NATIONS:
                    if stem.endswith(nation) and len(stem) > len(nation) + 1:
                        stem, changed = stem[: -len(nation)], True
            return stem
    for suffix in PLAIN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
