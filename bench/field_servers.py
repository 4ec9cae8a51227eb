"""The feed answers of feeds/server.py served by the field's servers, for bench/serve.py.

Run with a Python that has the server installed (a throwaway venv, not the project's):

    /tmp/cmpvenv/bin/python bench/field_servers.py aiohttp|uvicorn PUBLIC_DIR PORT
    PUBLIC=PUBLIC_DIR granian --interface asgi --port PORT bench.field_servers:asgi_app

Each answers GET/HEAD from the same StaticSite (prepared bytes, strong ETag, 304, gzip) with
header lists built once per representation, so the comparison is of the servers, not of
the application code. Only the standard library is imported from the project.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feeds.server import CACHE_CONTROL, Representation, StaticSite  # noqa: E402

_headers: dict[tuple[int, bool], tuple[list, list]] = {}


def answer(site: StaticSite, path: str, if_none_match: str | None, accept_encoding: str) -> tuple[int, list, bytes]:
    """(status, [(name, value) bytes], body) for one request, as FeedApp answers it."""
    found = site.lookup(path)
    if found is None:
        return 404, [(b"content-type", b"text/plain")], b"not found\n"
    gzipped = "gzip" in accept_encoding
    not_modified, full = _header_lists(found, gzipped)
    if if_none_match and (found.etag in if_none_match or found.gzip_etag in if_none_match):
        return 304, not_modified, b""
    return 200, full, found.gzipped if gzipped else found.body


def _header_lists(found: Representation, gzipped: bool) -> tuple[list, list]:
    key = (id(found), gzipped)
    if key not in _headers:
        etag = found.gzip_etag if gzipped else found.etag
        common = [(b"etag", etag.encode()), (b"last-modified", found.last_modified.encode()),
                  (b"cache-control", CACHE_CONTROL.encode()), (b"vary", b"Accept-Encoding")]
        body = found.gzipped if gzipped else found.body
        full = [*common, (b"content-type", found.content_type.encode()),
                (b"content-length", str(len(body)).encode())]
        if gzipped:
            full.append((b"content-encoding", b"gzip"))
        _headers[key] = (common, full)
    return _headers[key]


def _site() -> StaticSite:
    return StaticSite(Path(os.environ["PUBLIC"]))


async def asgi_app(scope, receive, send) -> None:
    """A bare ASGI application (no framework), for uvicorn and granian."""
    if scope["type"] != "http":
        return
    global _asgi_site
    if _asgi_site is None:
        _asgi_site = _site()
    headers = dict(scope["headers"])
    inm = headers.get(b"if-none-match")
    status, header_list, body = answer(_asgi_site, scope["path"], inm.decode("latin-1") if inm else None,
                                       headers.get(b"accept-encoding", b"").decode("latin-1"))
    await send({"type": "http.response.start", "status": status, "headers": header_list})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


_asgi_site: StaticSite | None = None


def run_aiohttp(port: int) -> None:
    from aiohttp import web

    site = _site()

    async def handle(request: web.Request) -> web.Response:
        status, header_list, body = answer(site, request.path, request.headers.get("If-None-Match"),
                                           request.headers.get("Accept-Encoding", ""))
        headers = {k.decode(): v.decode() for k, v in header_list if k != b"content-length"}
        return web.Response(status=status, body=body or None, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def run_uvicorn(port: int) -> None:
    import uvicorn

    uvicorn.run(asgi_app, host="127.0.0.1", port=port, http="httptools", loop="uvloop",
                log_level="warning", access_log=False)


if __name__ == "__main__":
    kind, public, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.environ["PUBLIC"] = public
    {"aiohttp": run_aiohttp, "uvicorn": run_uvicorn}[kind](port)
