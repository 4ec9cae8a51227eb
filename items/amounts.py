"""Investment figures as numbers: 总投资51亿元, 协议引资390亿元, 12.6亿元, 5000万美元.

Each amount keeps its currency; Amount.cny converts with fixed reference rates.
"""

from __future__ import annotations

import re

from model.stories import Amount

_UNITS = {"万亿": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "": 1.0}
_CURRENCIES = {"元": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD",
               "日元": "JPY", "英镑": "GBP"}
_AMOUNT = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>万亿|千万|百万|亿|万)?\s*(?:元)?(?P<cur>人民币|美元|欧元|港元|港币|日元|英镑|元)")


def amounts_in(*texts: str) -> tuple[Amount, ...]:
    """Every money amount written in the texts, once each, in order."""
    found: dict[tuple[float, str], Amount] = {}
    for text in texts:
        for m in _AMOUNT.finditer(text or ""):
            value = round(float(m["num"].replace(",", "")) * _UNITS[m["unit"] or ""], 2)
            currency = _CURRENCIES[m["cur"]]
            found.setdefault((value, currency), Amount(m.group(0), value, currency))
    return tuple(found.values())

