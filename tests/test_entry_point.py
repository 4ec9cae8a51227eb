"""`make` installs the `zonefeed` command into the virtualenv the tests run in, and it is
service.py's main: the README's commands read `.venv/bin/zonefeed …`."""

from __future__ import annotations

import subprocess
import sys
import tomllib
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


def test_every_top_level_package_is_installed():
    """The editable install maps only the packages pyproject.toml names: a new top-level package
    left out of it imports in the tests (run from the checkout) but not in `.venv/bin/zonefeed`."""
    include = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"])
    packages = {path.parent.name for path in ROOT.glob("*/*.py")} - {"tests", "bench", "fuzz"}
    missing = {name for name in packages if name not in include or f"{name}.*" not in include}
    assert not missing, f"add to [tool.setuptools.packages.find] include in pyproject.toml: {sorted(missing)}"
