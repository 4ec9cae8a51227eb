"""The shipped gazetteer: names and short names, zones in full and short forms, look-ups by
name, adcode or zone id, and everyday words that are not places."""

from __future__ import annotations

import pytest

from items.places.gazetteer import gazetteer


def _found(text: str) -> list[tuple[str, list[str]]]:
    return [(h.written, sorted(p.code for p in h.places)) for h in gazetteer().find(text)]


@pytest.mark.parametrize("text, expected", [
    ("重庆市云阳县召开会议", [("重庆市", ["500000"]), ("云阳县", ["500235"])]),
    ("云阳召开会议", [("云阳", ["500235"])]),
    ("黔南州招商", [("黔南", ["522700"])]),
    ("苏州工业园区", [("苏州工业园区", ["320571"])]),  # the listed zone, not 苏州 + 工业园区
    ("万州经开区", [("万州经开区", ["500101-jkq"])]),
    ("昆山开发区", [("昆山开发区", ["320583-kfq"])]),
    ("烟台开发区", [("烟台开发区", ["370672"])]),  # 开发区 alone: the city's listed 经济技术开发区
    ("芜湖经开区", [("芜湖经开区", ["340271"])]),  # not 安徽芜湖长江大桥经济开发区
    ("两江协议引资", [("两江", ["500100-xq"])]),
    ("江北区", [("江北区", ["330205", "500105"])]),  # shared: the story has to say which
    ("签约合作共建，绿水青山，朝阳产业", []),  # 合作市, 青山区, 朝阳区 are not matched as short names
    ("经开区高新区开发区", []),
])
def test_find(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize("name, code", [
    ("重庆市", "500000"), ("500000", "500000"), ("重庆", "500000"), ("云阳", "500235"), ("苏州", "320500"),
    ("长沙", "430100"), ("吉林", "220000"), ("海南", "460000"), ("两江新区", "500100-xq"),
    ("万州经开区", "500101-jkq"), ("500101-jkq", "500101-jkq"), ("和安县", "653229"),
    ("江北区", None), ("全国", None), ("渝东北", None), ("999999-jkq", None), ("500101-xyz", None),
])
def test_lookup(name, code):
    place = gazetteer().lookup(name)
    assert (place.code if place else None) == code


def test_hierarchy():
    gaz = gazetteer()
    zone, county, city, province = (gaz.lookup(n) for n in ("万州经开区", "万州区", "重庆市", "重庆市"))
    assert zone.within(county) and zone.within(province) and county.within(province)
    assert gaz.parent(zone).code == "500101" and gaz.parent(gaz.lookup("昆山市")).code == "320500"
    assert gaz.parent(gaz.lookup("苏州市")).code == "320000" and gaz.parent(province) is None
    lianggang = gaz.lookup("两江新区")
    assert lianggang.adcode == "500100" and lianggang.within(province) and not lianggang.within(county)
