"""Collection speed and politeness on a loopback web of 200 sites (prints figures; not a test).

One run measures, each phase in its own process (so CPU time and peak RSS are its own):
  (a) naive baseline: sequential requests, feedparser for feeds, lxml for list and article pages,
      no politeness, no robots.txt, nothing stored;
  (b) zonefeed cold collect (`service.py collect`) with the default politeness settings;
  (c) the same command again with nothing changed on the sites;
  and for reference (b0): a cold collect into a fresh database with per-host spacing off
  (min_delay = 0, delay_factor = 0), which shows how much of (b) is politeness.
The sites are served by a separate process (bench/loopback_web.py), each on its own port, so
per-host politeness applies per site.

Run: .venv/bin/python bench/collect.py [--sites 200] [--html-share 0.25] [--latency 0.05] [--workers N]
     [--same-text]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def _helpers() -> dict[str, float]:
    """CPU seconds and peak RSS summed over the processes below this one, still running (the
    parse workers of sources/offload.py and their forkserver), read from /proc."""
    parents, found = {}, set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            parents[int(stat.parent.name)] = stat.read_text().rsplit(")", 1)[1].split()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, fields in parents.items() if int(fields[1]) in frontier} - found
        found |= frontier
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = sum((int(parents[pid][11]) + int(parents[pid][12])) / ticks for pid in found)
    rss = 0.0
    for pid in found:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            rss += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024
    return {"helpers_cpu": cpu, "helpers_rss_mb": rss}


def _phase_naive(sites: list[dict]) -> None:
    import feedparser
    import lxml.html
    import requests

    session = requests.Session()
    for site in sites:
        body = session.get(site["url"], timeout=30).content
        if site["kind"] == "feed":
            feedparser.parse(io.BytesIO(body))
            continue
        tree = lxml.html.fromstring(body, base_url=site["url"])
        tree.make_links_absolute()
        for link in tree.xpath("//ul/li/a/@href"):
            page = lxml.html.fromstring(session.get(link, timeout=30).content)
            page.xpath("string(//h1)"), page.xpath("string(//div[@class='content'])")


def _phase_zonefeed(config: str) -> None:
    import service

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        service.main(["--config", config, "--log-level", "ERROR", "collect"])


def run_phase(name: str, argument: str) -> None:
    """Child side: run one phase, print wall/CPU/RSS as JSON on the last line."""
    started_cpu, started = _usage()["cpu"], time.perf_counter()
    if name == "naive":
        _phase_naive(json.loads(Path(argument).read_text())["sites"])
    else:
        _phase_zonefeed(argument)
    wall = time.perf_counter() - started
    usage = _usage()
    print(json.dumps({"wall": wall, "cpu": usage["cpu"] - started_cpu, "rss_mb": usage["rss_mb"],
                      **_helpers()}))


def _config(sites: list[dict], folder: Path, fetch: str = "") -> Path:
    blocks = "".join(
        f'\n[[sources]]\nid = "{s["id"]}"\nname = "园区{s["id"][4:]}"\nkind = "{s["kind"]}"\nurl = "{s["url"]}"\n'
        for s in sites
    )
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(
        f'[service]\ndata_dir = "{folder / "data"}"\nbase_url = "http://127.0.0.1:8080"\n\n'
        f'[storage]\nurl = "sqlite:///{folder / "data" / "zonefeed.db"}"\n\n{fetch}\n{blocks}',
        encoding="utf-8",
    )
    return path


def _control(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def _measure(name: str, argument: str, control: str) -> dict:
    _control(control + "/reset")
    child = subprocess.run([sys.executable, __file__, "--phase", name, argument],
                           capture_output=True, text=True, cwd=ROOT)
    if child.returncode != 0:
        sys.exit(f"phase {name} failed:\n{child.stderr[-4000:]}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    figures.update(_control(control + "/stats"))
    return figures


def _row(label: str, f: dict) -> str:
    """CPU and RSS columns include the parse worker processes (their own columns after)."""
    requests, sizes = f["requests"], f["bytes"]
    return (f"{label:<34} {f['wall']:>8.2f} {f['cpu'] + f['helpers_cpu']:>8.2f} "
            f"{f['rss_mb'] + f['helpers_rss_mb']:>8.1f} "
            f"{sum(requests.values()):>6} {requests.get('source', 0):>6} {requests.get('article', 0):>6} "
            f"{requests.get('robots', 0):>6} {sum(sizes.values()) / 1e6:>7.2f} "
            f"{f['helpers_cpu']:>8.2f} {f['helpers_rss_mb']:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--html-share", type=float, default=0.25)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before every response")
    parser.add_argument("--workers", type=int, help="[scheduler] workers for zonefeed (default: its own)")
    parser.add_argument("--same-text", action="store_true",
                        help="every article one text (the dedupe's worst case, the first corpus)")
    parser.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_phase(*args.phase)
        return
    load_before = os.getloadavg()[0]
    web = subprocess.Popen([sys.executable, str(ROOT / "bench" / "loopback_web.py"), str(args.sites),
                            str(args.html_share), str(args.latency)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        layout = json.loads(web.stdout.readline())
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp)
            (folder / "sites.json").write_text(json.dumps(layout))
            scheduler = f"[scheduler]\nworkers = {args.workers}\n" if args.workers else ""
            config = _config(layout["sites"], folder, scheduler)
            naive = _measure("naive", str(folder / "sites.json"), layout["control"])
            cold = _measure("zonefeed", str(config), layout["control"])
            again = _measure("zonefeed", str(config), layout["control"])
            undelayed = _config(layout["sites"], folder / "no-delay",
                                f"{scheduler}[fetch]\nmin_delay = 0\ndelay_factor = 0")
            no_delay = _measure("zonefeed", str(undelayed), layout["control"])
    finally:
        web.stdin.close()
        web.wait(timeout=30)
    html_sites = sum(1 for s in layout["sites"] if s["kind"] == "html")
    print(f"zonefeed workers: {args.workers or 'default'}; article texts: "
          f"{'one for all (--same-text)' if args.same_text else 'each its own, two stories reposted by all'}")
    print(f"loopback web: {args.sites} sites ({html_sites} html list+20 articles, "
          f"{args.sites - html_sites} RSS with 20 items), {args.latency * 1000:.0f} ms per response, "
          f"served by a separate process")
    print(f"{'phase':<34} {'wall s':>8} {'cpu s':>8} {'rss MB':>8} {'reqs':>6} {'source':>6} "
          f"{'artcl':>6} {'robots':>6} {'MB':>7} {'wrk cpu':>8} {'wrk MB':>8}")
    print(_row("(a) naive sequential baseline", naive))
    print(_row("(b) zonefeed cold collect", cold))
    print(_row("(c) zonefeed second poll", again))
    print(_row("(b0) cold collect, no host spacing", no_delay))
    print(f"speed-up (a)/(b): {naive['wall'] / cold['wall']:.2f}x   (target >= 5x)")
    print(f"speed-up (a)/(b0): {naive['wall'] / no_delay['wall']:.2f}x   (politeness spacing off)")
    print(f"CPU (b)/(a): {(cold['cpu'] + cold['helpers_cpu']) / naive['cpu']:.2f}x   second poll (c)/(b) wall: "
          f"{again['wall'] / cold['wall']:.3f}")
    print(f"(c) source requests {again['requests'].get('source', 0)} for {args.sites} sources, "
          f"article requests {again['requests'].get('article', 0)}   (target: {args.sites} and 0)")
    print(f"peak RSS (b) {cold['rss_mb']:.0f} MB + workers {cold['helpers_rss_mb']:.0f} MB, "
          f"(c) {again['rss_mb']:.0f} MB + {again['helpers_rss_mb']:.0f} MB   (target <= 250 MB)")
    print(f"load average (1 min) before {load_before:.2f}, after {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
