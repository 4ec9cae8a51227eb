"""Operator endpoints on the feed server: live GET pages with their own status codes, and POST actions.

They are layered onto the server built by feeds.server.make_server by wrapping its
application, so the feed-serving code stays untouched and knows nothing about operations.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from feeds.http_request import Request
from feeds.httpd import App, HTTPServer, Response
from feeds.server import PROBE_LANE


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


def install_ops_routes(server: HTTPServer, pages: dict[str, Page],
                       actions: dict[str, Action], admin_token: str | None,
                       probes: frozenset[str] = frozenset()) -> None:
    """Serve `pages` on GET/HEAD; `actions` on POST only with `Authorization: Bearer <admin_token>`.

    Without a token the actions do not exist (404), so an unconfigured service exposes nothing.
    The pages named in `probes` (health checks) run on the server's probe lane.
    """
    server.app = OpsApp(server.app, pages, actions, admin_token, probes)


class OpsApp:
    """The operator routes in front of the feed application, which answers everything else."""

    def __init__(self, feeds: App, pages: dict[str, Page], actions: dict[str, Action],
                 admin_token: str | None, probes: frozenset[str] = frozenset()):
        self._feeds = feeds
        self._pages = pages
        self._actions = actions if admin_token else {}
        self._admin_token = admin_token or ""
        self._probes = probes

    def quick(self, request: Request) -> Response | None:
        return None if request.path in self._pages else self._feeds.quick(request)

    def front(self) -> OpsApp:
        """Routing without the pages and actions themselves, for a front process (feeds.front)."""
        return OpsApp(self._feeds.front(), dict.fromkeys(self._pages), {}, None, self._probes)

    def local(self, request: Request) -> Response | None:
        """In a front process: the feeds' answer; None for the operator routes, which read this
        process's state (metrics, readiness) and act on its scheduler."""
        if request.path in self._pages or request.method == "POST":
            return None
        return self._feeds.local(request)

    def lane(self, request: Request) -> str:
        return PROBE_LANE if request.path in self._probes else self._feeds.lane(request)

    def __call__(self, request: Request) -> Response:
        page = self._pages.get(request.path)
        if page is not None and request.method in ("GET", "HEAD"):
            return _response(page())
        if request.method != "POST":
            return self._feeds(request)
        action = self._actions.get(request.path)
        if action is None:
            return _response(Reply(404, b"not found\n"))
        if not self._authorized(request):
            return _response(json_reply(403, {"error": "missing or wrong admin token"}))
        return _response(action(request.params()))

    def _authorized(self, request: Request) -> bool:
        """Only `Authorization: Bearer <token>` (RFC 6750): a bare token is refused."""
        scheme, _, given = (request.headers.get("authorization") or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode(), self._admin_token.encode())


def _response(reply: Reply) -> Response:
    return Response.of(reply.status, reply.body, reply.content_type, Cache_Control="no-store")
