"""A damaged SQLite file is noticed: one line naming the file, a non-zero exit, never an empty
store that passes for a healthy one. The damaged file here is a real one made by `collect`."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sampleweb.server import LocalWeb
from store.sqlite import SQLiteStore
from tests.support import ROOT

PAGE = 4096


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(config),
                           "--log-level", "ERROR", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def _feed(count: int) -> str:
    rng = random.Random(7)
    entries = "".join(
        f"<item><title>{''.join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(16))}</title>"
        f"<link>http://127.0.0.1/a/{i}.html</link><guid>k{i}</guid>"
        f"<pubDate>Mon, 28 Aug 2023 {i % 24:02d}:{i % 60:02d}:00 +0800</pubDate>"
        f"<description>{'园区新闻正文' * 40}{i}</description></item>" for i in range(count))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'


def _config(tmp_path: Path, database: Path, feed_url: str = "http://127.0.0.1:9/x.xml") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(f"""
        [service]
        data_dir = "{tmp_path / 'data'}"
        [storage]
        url = "sqlite:///{database}"
        [server]
        port = 0
        [fetch]
        min_delay = 0
        delay_factor = 0
        respect_robots = false
        allow_private = true
        [scheduler]
        parse_processes = 0
        [[sources]]
        id = "s"
        kind = "feed"
        url = "{feed_url}"
        """), encoding="utf-8")
    return path


def _assert_one_line_naming(result: subprocess.CompletedProcess, database: Path) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines() or result.stdout.strip().splitlines()[-1:]
    assert len(lines) == 1 and str(database) in lines[0], result.stderr + result.stdout


@pytest.mark.parametrize("content", [b"this is not a database, just text\n" * 200,
                                     bytes(random.Random(1).getrandbits(8) for _ in range(20000))],
                         ids=["text", "random"])
def test_garbage_file(tmp_path, content):
    database = tmp_path / "z.db"
    database.write_bytes(content)
    config = _config(tmp_path, database)
    for command in ("status", "collect", "run", "export-db"):
        args = (command, str(tmp_path / "out.jsonl")) if command == "export-db" else (command,)
        _assert_one_line_naming(_cli(config, *args), database)


@pytest.fixture(scope="module")
def real_database(tmp_path_factory) -> bytes:
    """The bytes of a database `collect` made from 400 stories, checkpointed."""
    tmp_path = tmp_path_factory.mktemp("real")
    database = tmp_path / "z.db"
    with LocalWeb() as web:
        web.add("/feed.xml", _feed(400), "application/rss+xml")
        result = _cli(_config(tmp_path, database, web.url("/feed.xml")), "collect")
    assert result.returncode == 0, result.stderr
    connection = sqlite3.connect(database)
    assert connection.execute("SELECT COUNT(*) FROM appearances").fetchone()[0] == 400
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return database.read_bytes()


def test_healthy_database_status_says_checked(tmp_path, real_database):
    database = tmp_path / "z.db"
    database.write_bytes(real_database)
    result = _cli(_config(tmp_path, database), "status")
    assert result.returncode == 0, result.stderr
    assert f"database: {database}: quick_check ok" in result.stdout


def test_truncated_file(tmp_path, real_database):
    database = tmp_path / "z.db"
    database.write_bytes(real_database[: len(real_database) // 3])
    config = _config(tmp_path, database)
    for command in ("status", "collect", "run"):
        _assert_one_line_naming(_cli(config, command), database)


def test_file_damaged_mid_way(tmp_path, real_database):
    """Pages in the middle overwritten (a bad sector, a copy of a live file gone wrong): the
    first page is intact, so the file opens and migrates, and only a check can tell."""
    assert len(real_database) > 40 * PAGE
    damaged = bytearray(real_database)
    middle = len(damaged) // PAGE // 2
    noise = random.Random(3)
    for page in range(middle, middle + 4):
        damaged[page * PAGE:(page + 1) * PAGE] = bytes(noise.getrandbits(8) for _ in range(PAGE))
    database = tmp_path / "z.db"
    database.write_bytes(bytes(damaged))
    config = _config(tmp_path, database)
    for command in ("status", "collect", "run"):
        result = _cli(config, command)
        _assert_one_line_naming(result, database)
        assert "damaged" in result.stderr + result.stdout


def test_the_check_stops_at_its_time_bound(tmp_path, real_database):
    database = tmp_path / "z.db"
    database.write_bytes(real_database)
    store = SQLiteStore(database)
    try:
        started = time.monotonic()
        cut = store.check(0.0)
        assert time.monotonic() - started < 1
        assert cut.damaged is None and "not finished within 0s" in cut.detail
        assert store.check(30).damaged is False
    finally:
        store.close()
