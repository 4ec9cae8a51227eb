"""Development zones as places: the kinds of zone, their full and short names, and the rule
that resolves "<place><kind>" (万州经开区, 昆山开发区, 成都高新区) to the place it lies in.

Zones with a statistical code (data/zones.tsv, from jionlp's 功能区 rows) and the national-level
new areas (data/national_zones.tsv, from the State Council approvals) are listed; any other
zone is named by the division inside its name and gets the id "<adcode>-<kind>".
"""

from __future__ import annotations

# (how it is written, kind id, the kind's usual short form); longest forms first.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("高新技术产业开发区", "gxq", "高新区"),
    ("高新技术产业园区", "gxq", "高新区"),
    ("经济技术开发区", "jkq", "经开区"),
    ("高新技术开发区", "gxq", "高新区"),
    ("自贸试验区片区", "zmq", "自贸片区"),
    ("综合保税区", "zbq", "综保区"),
    ("经济开发区", "jkq", "经开区"),
    ("工业园区", "gyy", "工业园区"),
    ("产业园区", "cyy", "产业园"),
    ("自贸片区", "zmq", "自贸片区"),
    ("高技术产业开发区", "gxq", "高新区"),
    ("经开区", "jkq", "经开区"),
    ("高新区", "gxq", "高新区"),
    ("综保区", "zbq", "综保区"),
    ("开发区", "kfq", "开发区"),
    ("产业园", "cyy", "产业园"),
    ("工业园", "gyy", "工业园区"),
    ("新区", "xq", "新区"),
)
KIND_NAMES = {kind: short for _, kind, short in KINDS}
KIND_FORMS = frozenset(written for written, _, _ in KINDS)


def zone_kind(text: str, at: int) -> tuple[str, int] | None:
    """The zone kind written at `text[at:]` and where it ends, if one is."""
    for written, kind, _ in KINDS:
        if text.startswith(written, at):
            return kind, at + len(written)
    return None


def kind_of_name(name: str) -> str | None:
    """The kind of a listed zone from its full name (None: a zone of another sort)."""
    for written, kind, _ in KINDS:
        if name.endswith(written):
            return kind
    return None


def listed_kinds(kind: str) -> tuple[str, ...]:
    """Kinds a zone written as `kind` may be listed under: "开发区" alone usually means the
    city's 经济技术开发区 (烟台开发区, 昆山开发区)."""
    return (kind, "jkq") if kind == "kfq" else (kind,)


def short_forms(name: str) -> list[str]:
    """Other ways a listed zone's name is written: 长沙经济技术开发区 -> 长沙经开区."""
    forms = []
    for written, _, short in KINDS:
        if name.endswith(written) and written != short and len(name) > len(written) + 1:
            forms.append(name[: -len(written)] + short)
            break
    return forms
