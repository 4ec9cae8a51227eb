"""The running service's pid in data_dir, so `service.py reload` can signal it (SIGHUP)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

PID_NAME = "zonefeed.pid"


def pid_path(data_dir: Path) -> Path:
    return data_dir / PID_NAME


def write_pid(data_dir: Path) -> Path:
    """Record this process; written via rename so a reader never sees half a number."""
    path = pid_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{PID_NAME}.{os.getpid()}")
    temp.write_text(f"{os.getpid()}\n", encoding="ascii")
    os.replace(temp, path)
    return path


def remove_pid(data_dir: Path) -> None:
    """Remove the pid file only if it is still ours (another node may have replaced it)."""
    path = pid_path(data_dir)
    try:
        if int(path.read_text(encoding="ascii").strip()) == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def signal_reload(data_dir: Path) -> int:
    """Send SIGHUP to the service recorded in data_dir; return its pid or raise RuntimeError."""
    path = pid_path(data_dir)
    try:
        pid = int(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        raise RuntimeError(f"no running service: {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"unreadable pid file {path}: {exc}") from None
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        raise RuntimeError(f"no process {pid} (stale pid file {path})") from None
    return pid
