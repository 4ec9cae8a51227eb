"""`zonefeed demo`: the real service against the bundled sample web on 127.0.0.1.

Both ports are fixed (8080 for the service, 8081 for the sample web unless told otherwise), so
a restarted demo reads the same article URLs and keeps its database: no story is added twice and
feed URLs a reader subscribed to stay valid. A database collected from a sample web on another
port holds other URLs, so it is set aside and the demo starts afresh.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sampleweb.server import LocalWeb

HERE = Path(__file__).parent
DEMO_DIR = HERE.parent / "data" / "demo"
SERVICE_PORT = 8080
WEB_PORT = 8081
_GENERATED = """\
# Written by `zonefeed demo` at each start from sampleweb/demo.toml (edit that file, not this one).
# The sample sites are served at {web}/ and the service at http://127.0.0.1:{port}/.
"""


def run_demo(run: Callable[[Path], int], port: int = SERVICE_PORT, web_port: int = WEB_PORT,
             directory: Path = DEMO_DIR) -> int:
    """Serve the sample sites, write a demo config pointing at them, and run the service on it."""
    try:
        web = LocalWeb(port=web_port)
    except OSError as exc:
        print(f"demo: cannot serve the sample web on 127.0.0.1:{web_port} ({exc.strerror}); "
              "choose another with --web-port", file=sys.stderr)
        return 1
    with web:
        web.add_directory(HERE / "site")
        directory.mkdir(parents=True, exist_ok=True)
        config_path = directory / "config.toml"
        config = demo_config(web.base_url, port)
        _forget_other_web(directory, config_path, web.base_url)
        config_path.write_text(config, encoding="utf-8")
        print(f"sample web at {web.base_url}/ ; demo config at {config_path}", flush=True)
        return run(config_path)


def demo_config(web: str, port: int) -> str:
    """sampleweb/demo.toml with the sample web's URL and the service port filled in."""
    template = (HERE / "demo.toml").read_text(encoding="utf-8")
    body = template[template.index("[service]"):]  # the template's own comment is about the template
    return _GENERATED.format(web=web, port=port) + body.replace("{web}", web).replace("{port}", str(port))


def _forget_other_web(directory: Path, config_path: Path, web: str) -> None:
    """Stories collected from a sample web on another port carry its URLs: start afresh."""
    if not config_path.exists() or f"{web}/" in config_path.read_text(encoding="utf-8"):
        return
    for path in directory.glob("zonefeed.db*"):
        path.unlink()
    print(f"demo: the sample web moved to {web}; starting with an empty demo database", flush=True)
