"""News quality on a web zonefeed was not tuned to (issue 15): prints figures; not a test.

The quality web (tests/qualityweb: 10 CMS families, one site each, each on its own 127.0.0.1
port) is served in this process; the real service runs as an operator runs it, one
`service.py collect` per round against a generated config.toml, and the published JSON Feed is
compared with the web's labelled ground truth after every round:

  round 1  first stories (backfill of every list and feed)
  round 2  new stories + corrected titles + moved URLs (the third site's older articles at
           another port, the fourth site's links with tracking parameters)
  round 3  faults: one site answers 500, one waits past the fetch timeout; attachments
           (a .pdf, and a .doc behind an extension-less URL, both served as text/html) in
           two lists; one new story per healthy site
  round 4  new stories (the faulty sites are back)

Per round and per CMS family of the original publisher: recall, duplicate entries, wrong
merges, date exact (60 s, +08:00), title exact, full text present, non-text entries, entity
residue, with PASS/FAIL against the targets in tests/qualityweb/measure.py. Families marked *
are held out of tuning.

Run: .venv/bin/python bench/quality.py [--seed 15] [--rounds 4] [--families trs,dede] [--keep DIR]
     [--samples N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.qualityweb.config import write_config  # noqa: E402
from tests.qualityweb.families import FAMILIES, HELD_OUT  # noqa: E402
from tests.qualityweb.measure import TARGETS, Figures, measure, total  # noqa: E402
from tests.qualityweb.web import QualityWeb, make_plan  # noqa: E402

COLUMNS = ("recall", "duplicates", "wrong merges", "dates", "titles", "full text", "non-text", "entity residue")


def collect(config: Path) -> tuple[int, float, str]:
    """One `service.py collect`: exit code, seconds, the last error lines it logged."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(config), "collect"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    errors = [line for line in done.stderr.splitlines()
              if "level=ERROR" in line or "Traceback" in line or "event=collect_failed" in line]
    return done.returncode, time.perf_counter() - started, "\n".join(errors[-5:])


def _cell(name: str, fig: Figures) -> str:
    value = fig.ratios()[name]
    if not fig.expected and name not in ("non-text", "entity residue", "wrong merges"):
        return "-"
    if name in ("wrong merges", "non-text", "entity residue"):
        return str(int(value))
    if name == "duplicates":
        return f"{fig.duplicates} ({value:.0%})"
    return f"{value:.0%}"


def table(figures: dict[str, Figures]) -> list[str]:
    head = f"{'family':<13}{'stories':>8}" + "".join(f"{c:>15}" for c in COLUMNS)
    rows = [head]
    for family in [*FAMILIES, "?"]:
        if family in figures:
            fig = figures[family]
            mark = "*" if family in HELD_OUT else ""
            rows.append(f"{family + mark:<13}{fig.expected:>8}" + "".join(f"{_cell(c, fig):>15}" for c in COLUMNS))
    all_ = total(figures)
    rows.append(f"{'ALL':<13}{all_.expected:>8}" + "".join(f"{_cell(c, all_):>15}" for c in COLUMNS))
    verdicts = all_.verdicts()
    rows.append(f"{'target':<21}" + "".join(f"{op + str(bound):>15}" for op, bound in TARGETS.values()))
    rows.append(f"{'':<21}" + "".join(f"{'PASS' if verdicts[c] else 'FAIL':>15}" for c in COLUMNS))
    return rows


def by_page(fig: Figures) -> list[str]:
    """Defect counts by the family of the page the faulty entry shows (where a fix belongs)."""
    kinds = ("duplicates", "dates", "titles", "full text", "non-text", "entity residue")
    rows = [f"{'page family':<13}" + "".join(f"{k:>15}" for k in kinds)]
    for family in [*FAMILIES, "?"]:
        counts = [fig.by_page.get((family, k), 0) for k in kinds]
        if any(counts):
            rows.append(f"{family:<13}" + "".join(f"{c:>15}" for c in counts))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=4, choices=(1, 2, 3, 4))
    parser.add_argument("--families", default="", help="comma-separated family names (default: all)")
    parser.add_argument("--keep", type=Path, help="keep the config, database and feeds in this directory")
    parser.add_argument("--samples", type=int, default=3, help="examples printed per defect kind")
    args = parser.parse_args(argv)
    families = tuple(f for f in args.families.split(",") if f) or None
    unknown = [f for f in families or () if f not in FAMILIES]
    if unknown:
        parser.error(f"unknown families: {', '.join(unknown)} (known: {', '.join(FAMILIES)})")
    with tempfile.TemporaryDirectory() as scratch, QualityWeb(make_plan(args.seed, families)) as web:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        config = write_config(web, directory)
        print(f"quality web: seed {args.seed}, {len(web.plan.sites)} sites, {len(web.plan.stories)} stories, "
              f"held out: {', '.join(HELD_OUT)}")
        failed_rounds = 0
        for round_ in range(1, args.rounds + 1):
            web.set_round(round_)
            code, seconds, errors = collect(config)
            published = directory / "public" / "feeds" / "all.json"
            if not published.exists():
                print(f"round {round_}: collect exit {code} published no feed\n{errors}", file=sys.stderr)
                return 1
            feed = json.loads(published.read_text(encoding="utf-8"))
            figures = measure(feed, web, web.truth(round_))
            print(f"\nround {round_}: collect exit {code} in {seconds:.1f} s, {len(feed['items'])} entries")
            if errors:
                print("  " + errors.replace("\n", "\n  "))
            print("\n".join(table(figures)))
            all_ = total(figures)
            failed_rounds += not all(all_.verdicts().values())
            print("defects by the family of the page the faulty entry shows:")
            print("\n".join(by_page(all_)))
            print(f"({'?':<3} = entries that belong to no true story, e.g. an attachment's)" if "?" in figures else "")
            for kind, values in sorted(all_.samples.items()):
                for value in values[:args.samples]:
                    print(f"  {kind}: {value}")
                if len(values) > args.samples:
                    print(f"  {kind}: … {len(values) - args.samples} more")
        print(f"\n{args.rounds - failed_rounds} of {args.rounds} rounds meet every target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
