"""Servers that misbehave on purpose: the fetcher must stop in bounded time, memory and scope."""

from __future__ import annotations

import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from settings.model import FetchSettings
from sources.errors import FetchError, RefusedURLError, TooLargeError
from sources.fetch import Fetcher
from tests.pretend_public import PretendPublic
from tests.rawserver import RawServer, headers, stall_after_headers, stream, trickle

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def fetcher(**overrides) -> Fetcher:
    return Fetcher(FetchSettings(**{"min_delay": 0, "timeout": 1.0, "respect_robots": False, **overrides}))


def timed_failure(fetch: Fetcher, url: str) -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch.get(url)
    return caught.value, time.monotonic() - started


def test_headers_then_silence_times_out():
    with RawServer(stall_after_headers(seconds=8)) as server:
        error, elapsed = timed_failure(fetcher(timeout=1.0), server.url)
    assert elapsed < 2.5, elapsed
    assert "timed out" in str(error) or "broke" in str(error)


def test_body_trickling_a_byte_a_second_hits_the_total_limit():
    body = FEED * 10
    head = headers(Content_Type="application/xml", Content_Length=str(len(body)))

    def body_slowly() -> Iterator[bytes]:
        for byte in body:
            yield bytes([byte])
            time.sleep(0.5)  # every read sees data within the 1 s timeout: only a total limit helps

    with RawServer(stream(head, body_slowly)) as server:
        error, elapsed = timed_failure(fetcher(timeout=1.0), server.url)
    assert "too slow" in str(error)
    assert 2.9 < elapsed < 4.0, elapsed  # the total budget is 3 x timeout


def test_trickled_headers_without_content_length_are_not_taken_as_a_short_body():
    response = headers(Content_Type="application/xml") + FEED * 10
    with RawServer(trickle(response, every=0.5, limit=12)) as server:
        error, elapsed = timed_failure(fetcher(timeout=1.0), server.url)
    assert "too slow" in str(error)
    assert elapsed < 4.0, elapsed


def _gzip_bomb(decompressed: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(decompressed >> 20)]
    return b"".join(parts) + packer.flush()


def test_gzip_bomb_is_stopped_at_max_bytes_decompressed():
    bomb = _gzip_bomb(1 << 30)  # 1 GiB of zeros in about 1 MB
    head = headers(Content_Type="application/xml", Content_Encoding="gzip",
                   Content_Length=str(len(bomb)))
    with RawServer(stream(head, lambda: iter([bomb]))) as server:
        tracemalloc.start()
        try:
            with pytest.raises(TooLargeError):
                fetcher(max_bytes=2_000_000, timeout=5).get(server.url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 30_000_000, peak


def test_fifty_megabyte_page_is_refused_without_holding_it():
    mebibyte = b"<p>" + b"x" * ((1 << 20) - 7) + b"</p>\n"
    head = headers(Content_Type="text/html", Content_Length=str(50 * len(mebibyte)))
    with RawServer(stream(head, lambda: iter([mebibyte] * 50))) as server:
        tracemalloc.start()
        try:
            with pytest.raises(TooLargeError):
                fetcher(timeout=5).get(server.url)  # default max_bytes: 5,000,000
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 30_000_000, peak


def test_redirect_loop_stops(web):
    web.add("/a", b"", status=302, headers={"Location": "/b"}, conditional=False)
    web.add("/b", b"", status=302, headers={"Location": "/a"}, conditional=False)
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher().get(web.url("/a"))
    assert web.count("/a") + web.count("/b") == 6


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/pub/x", "gopher://127.0.0.1/"])
def test_redirect_to_non_http_scheme_is_refused(web, target):
    web.add("/feed", b"", status=302, headers={"Location": target}, conditional=False)
    with pytest.raises(RefusedURLError):
        fetcher().get(web.url("/feed"))


def _localhost_is_public(**settings) -> Fetcher:
    """'localhost' plays a public site (dialled on 127.0.0.1); every other name resolves for real."""
    net = PretendPublic("localhost")
    return Fetcher(FetchSettings(**{"min_delay": 0, "timeout": 2, **settings}), resolve=net.resolve,
                   route=net.route)


@pytest.mark.parametrize("target", [
    "http://127.0.0.1:{port}/secret",
    "http://2130706433:{port}/secret",  # 127.0.0.1 spelled as one decimal number
    "http://[::1]:{port}/secret",
])
def test_public_source_may_not_redirect_into_loopback(web, target):
    web.add("/secret", b"internal admin page", "text/plain")
    port = web.base_url.rsplit(":", 1)[1]
    web.add("/feed", b"", status=302, headers={"Location": target.format(port=port)}, conditional=False)
    public_source = web.url("/feed").replace("127.0.0.1", "localhost")
    fetch = _localhost_is_public(respect_robots=False)
    assert fetch.for_source(public_source).guard.public
    with pytest.raises(RefusedURLError, match="private/loopback"):
        fetch.get(public_source)
    assert web.count("/feed") == 1 and web.count("/secret") == 0


def test_allow_private_lets_the_same_redirect_through(web):
    web.add("/secret", b"internal admin page", "text/plain")
    web.add("/feed", b"", status=302, headers={"Location": web.url("/secret")}, conditional=False)
    public_source = web.url("/feed").replace("127.0.0.1", "localhost")
    fetch = _localhost_is_public(allow_private=True, respect_robots=False)
    assert fetch.get(public_source).body == b"internal admin page"


def test_private_source_may_redirect_within_private_space(web):
    web.add("/secret", b"fine", "text/plain")
    web.add("/feed", b"", status=302, headers={"Location": "/secret"}, conditional=False)
    assert fetcher().get(web.url("/feed")).body == b"fine"


def test_public_source_robots_txt_may_not_redirect_into_loopback(web):
    web.add("/secret", b"User-agent: *\nAllow: /", "text/plain")
    web.add("/robots.txt", b"", status=302, headers={"Location": web.url("/secret")}, conditional=False)
    web.add("/feed", FEED)
    public_source = web.url("/feed").replace("127.0.0.1", "localhost")
    fetch = _localhost_is_public(respect_robots=True)
    with pytest.raises(RefusedURLError, match="robots.txt.*private/loopback"):
        fetch.get(public_source)
    assert web.count("/robots.txt") == 1 and web.count("/secret") == 0
