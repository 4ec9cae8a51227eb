"""Start `service.py run` as an operator would, in a subprocess, and wait for its address."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT


def start_service(config: Path, log_file: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """Run the service on `config`; its logs go to `log_file` (appended), stdout is read here."""
    return start_command(["--config", str(config), *extra, "run"], log_file)


def start_command(args: list[str], log_file: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Run `service.py ARGS` (a command that serves) and return it with the base URL it announced."""
    with (log_file.open("ab") if log_file else open(os.devnull, "wb")) as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "service.py"), *args], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"zonefeed serving (http://\S+?)/ ", line)
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
    process.kill()
    logged = log_file.read_text()[-3000:] if log_file else "(not kept)"
    pytest.fail(f"service did not announce its address; log:\n{logged}")


def service_cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(config), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def wait_for(predicate, timeout: float, step: float = 0.1):
    """Poll `predicate` until it returns something truthy; return that, or the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)
