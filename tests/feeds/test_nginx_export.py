"""README's nginx block serves the static export with the same URLs, types and bytes as zonefeed."""

from __future__ import annotations

import gzip
import http.client
import shutil
import threading

import pytest

from bench.nginx import free_port, start_nginx
from feeds.build import build_feeds
from feeds.server import StaticSite, make_server
from store import open_store
from tests.feeds.stories import SOURCES_TOML, fill_store

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed")
# an archive page has no .gz twin: nginx compresses it on the fly (README's `gzip on`)
PATHS = ["/", "/index.html", "/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/opml.xml",
         "/feed.xsl", "/feeds/nope.atom", "/feeds/archive/all/1.atom"]


def get(port: int, path: str, **headers: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_nginx_serves_the_export_like_zonefeed(load, tmp_path):
    config = load(SOURCES_TOML + '[[feeds]]\nid = "all"\ntitle = "全部"\nmax_items = 2\n')
    fill_store(config)
    store = open_store(config.storage.url)
    build_feeds(config, store)
    store.close()
    public = config.service.data_dir / "public"
    assert (public / "feeds/archive/all/1.atom").exists() and not (public / "feeds/archive/all/1.atom.gz").exists()
    server = make_server("127.0.0.1", 0, StaticSite(public))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    nginx_port = free_port()
    nginx = start_nginx(tmp_path / "nginx", public, nginx_port)
    try:
        for path in PATHS:
            ours = get(server.server_address[1], path, Accept_Encoding="gzip")
            theirs = get(nginx_port, path, Accept_Encoding="gzip")
            assert ours[0] == theirs[0], path
            if ours[0] != 200:
                continue
            assert ours[1]["content-type"].lower() == theirs[1]["content-type"].lower(), path
            assert ours[1].get("content-encoding") == theirs[1].get("content-encoding") == "gzip", path
            assert gzip.decompress(ours[2]) == gzip.decompress(theirs[2]), path
            again = get(nginx_port, path, If_None_Match=theirs[1]["etag"], Accept_Encoding="gzip")
            assert (again[0], again[2]) == (304, b""), path
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        server.shutdown()
        server.server_close()
