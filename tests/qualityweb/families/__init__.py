"""One module per CMS family; each renders a site's entries of one round into its pages."""

from __future__ import annotations

from types import ModuleType

from . import county, dede, discuz, hanweb, jiyue, phpcms, sitefactory, trs, wechat, wordpress

FAMILIES: dict[str, ModuleType] = {m.NAME: m for m in (trs, hanweb, dede, wordpress, phpcms, jiyue, wechat,
                                                       discuz, sitefactory, county)}
HELD_OUT = tuple(name for name, module in FAMILIES.items() if module.HELD_OUT)
