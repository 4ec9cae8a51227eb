"""A person's mistake gets one line on stderr and a non-zero exit, never a traceback: each case
runs service.py as a subprocess, as an operator would."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support import ROOT


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "service.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def _config(tmp_path: Path, body: str = "", data_dir: Path | None = None) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(f"""
        [service]
        data_dir = "{data_dir or tmp_path / 'data'}"
        [storage]
        url = "sqlite:///{tmp_path / 'z.db'}"
        [scheduler]
        parse_processes = 0
        """) + textwrap.dedent(body), encoding="utf-8")
    return path


def _one_line(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


def test_port_already_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = _config(tmp_path, f"[server]\nhost = \"127.0.0.1\"\nport = {port}\n")
        for command in ("run", "serve"):
            _one_line(_cli("--config", str(config), "--log-level", "ERROR", command),
                      f"{command}: cannot listen on 127.0.0.1:{port}: address already in use")


def test_data_dir_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    config = _config(tmp_path, data_dir=blocker / "data")
    for command in ("build", "run", "collect"):
        _one_line(_cli("--config", str(config), "--log-level", "ERROR", command), f"{command}: ", str(blocker))


def test_export_to_a_path_that_cannot_be_written(tmp_path):
    config = _config(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    _one_line(_cli("--config", str(config), "export-db", str(blocker / "out.jsonl")),
              "export-db: Not a directory: ", str(blocker / "out.jsonl"))
    _one_line(_cli("--config", str(config), "export-db", str(tmp_path)), "export-db: Is a directory: ")


def test_import_of_a_missing_file(tmp_path):
    config = _config(tmp_path)
    _one_line(_cli("--config", str(config), "import-db", str(tmp_path / "missing.jsonl")),
              "import-db: No such file or directory: ", str(tmp_path / "missing.jsonl"))


def test_config_path_that_does_not_exist(tmp_path):
    _one_line(_cli("--config", str(tmp_path / "nope.toml"), "status"),
              f"config error: {tmp_path / 'nope.toml'}: cannot read: No such file or directory")
