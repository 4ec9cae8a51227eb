"""Operator endpoints on the feed server: live GET pages with their own status codes, and POST actions.

They are layered onto the server built by feeds.server.make_server by subclassing its
handler, so the feed-serving code stays untouched and knows nothing about operations.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"


def json_reply(status: int, document: object) -> Reply:
    return Reply(status, json.dumps(document, ensure_ascii=False).encode() + b"\n",
                 "application/json; charset=utf-8")


Page = Callable[[], Reply]
Action = Callable[[dict[str, list[str]]], Reply]


def install_ops_routes(server: ThreadingHTTPServer, pages: dict[str, Page],
                       actions: dict[str, Action], admin_token: str | None) -> None:
    """Serve `pages` on GET/HEAD; `actions` on POST only with `Authorization: Bearer <admin_token>`.

    Without a token the actions do not exist (404), so an unconfigured service exposes nothing.
    """
    base = server.RequestHandlerClass

    class OpsHandler(base):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:
            page = pages.get(urlsplit(self.path).path)
            if page is None:
                super().do_GET()
            else:
                self._reply(page(), send_body=True)

        def do_HEAD(self) -> None:
            page = pages.get(urlsplit(self.path).path)
            if page is None:
                super().do_HEAD()
            else:
                self._reply(page(), send_body=False)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            self._discard_body()
            action = actions.get(parts.path) if admin_token else None
            if action is None:
                self._reply(Reply(404, b"not found\n"), send_body=True)
            elif not self._authorized():
                self._reply(json_reply(403, {"error": "missing or wrong admin token"}), send_body=True)
            else:
                self._reply(action(parse_qs(parts.query)), send_body=True)

        def _authorized(self) -> bool:
            given = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            return hmac.compare_digest(given.encode(), (admin_token or "").encode())

        def _discard_body(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > 65536:
                self.close_connection = True  # not worth reading; drop the connection after replying
            elif length > 0:
                self.rfile.read(length)

        def _reply(self, reply: Reply, send_body: bool) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if send_body:
                self.wfile.write(reply.body)

    server.RequestHandlerClass = OpsHandler
