"""Run nginx in the foreground with the README's config block, serving a static export.

Shared by bench/serve.py and the tests, so the documented config is the one measured and tested.
"""

from __future__ import annotations

import os
import pwd
import re
import socket
import subprocess
import time
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"

_WRAPPER = """
{user}
daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{block}
}}
"""


def readme_block() -> str:
    match = re.search(r"```nginx\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    if match is None:
        raise RuntimeError("README.md has no ```nginx block")
    return match.group(1)


def start_nginx(prefix: Path, public: Path, port: int, workers: str = "auto") -> subprocess.Popen:
    """nginx on 127.0.0.1:`port` serving `public`; the caller terminates it."""
    prefix.mkdir(parents=True, exist_ok=True)
    block = readme_block().replace("listen 80;", f"listen 127.0.0.1:{port};")
    block = block.replace("root /srv/zonefeed/data/public;", f"root {public};")
    config = prefix / "nginx.conf"
    # As root, workers would drop to "nobody" and could not read a private temp dir.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    config.write_text(_WRAPPER.format(user=user, workers=workers, prefix=prefix, block=block), encoding="utf-8")
    process = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"nginx failed: {process.stderr.read()}") from None
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not start")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
