"""`make` installs the `zonefeed` command into the virtualenv the tests run in, and it is
service.py's main: the README's commands read `.venv/bin/zonefeed …`."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.support import ROOT


def test_zonefeed_console_script_is_service_main():
    (script,) = entry_points(group="console_scripts", name="zonefeed")
    assert script.value == "service:main"


def test_installed_zonefeed_command_runs_from_any_directory(tmp_path):
    command = Path(sys.executable).parent / "zonefeed"
    assert command.is_file(), f"{command} missing: run `make` (it installs the project into .venv)"
    shown = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: zonefeed"), shown.stderr
    checked = subprocess.run([str(command), "--config", str(ROOT / "config.toml"), "check-config"],
                             capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert checked.returncode == 0 and ": OK (" in checked.stdout, checked.stdout + checked.stderr
