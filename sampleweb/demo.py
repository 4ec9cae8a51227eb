"""`service.py demo`: the real service against the bundled sample web on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from sampleweb.server import LocalWeb

HERE = Path(__file__).parent
DEMO_DIR = HERE.parent / "data" / "demo"


def run_demo(run: Callable[[Path], int], port: int | None = None) -> int:
    """Serve the sample sites, write a demo config pointing at them, and run the service on it."""
    port = port or _free_port()
    with LocalWeb() as web:
        web.add_directory(HERE / "site")
        DEMO_DIR.mkdir(parents=True, exist_ok=True)
        config_path = DEMO_DIR / "config.toml"
        template = (HERE / "demo.toml").read_text(encoding="utf-8")
        config_path.write_text(template.replace("{web}", web.base_url).replace("{port}", str(port)),
                               encoding="utf-8")
        print(f"sample web at {web.base_url}/ ; demo config at {config_path}", flush=True)
        return run(config_path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
