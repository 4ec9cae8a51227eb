"""SSRF through a source's own links, performed on 127.0.0.1 (issue 13, point 1).

A "public" site (LocalWeb on 127.0.0.1, reached as public.example through the resolver and
route seams, see tests/pretend_public.py) links, redirects, refreshes, frames and pages into a
secret server. The secret server's request log must stay empty, nothing of it may reach the
store or the published feeds, the refusals are reported with kind `refused`, and the
source's other items are still collected.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from feeds.build import build_feeds
from sampleweb.server import LocalWeb
from scheduler.collect import collect_source
from settings import load_config
from settings.model import FetchSettings, ListSelectors, SourceConfig
from sources.errors import FetchError, RefusedURLError
from sources.fetch import Fetcher
from sources.guard import is_public_address
from sources.html.poll import read_html
from tests.pretend_public import PUBLIC_IP, PretendPublic
from tests.support import EmptyStore, open_test_store, query

SECRET = "机密内容不得外泄"
TITLES = ["经开区新材料项目签约", "高新区召开招商推介会", "保税区一季度外贸增长", "工业园区安全生产检查",
          "开发区人才服务中心揭牌", "秘密一", "秘密二", "秘密三", "秘密四", "秘密五", "秘密六", "秘密七",
          "秘密八", "秘密九", "秘密十", "秘密报告"]


@pytest.fixture
def secret():
    """The server a public source must never reach: every page of it holds SECRET."""
    with LocalWeb() as server:
        for path in ("/secret/1.html", "/secret/stub.html", "/secret/frame.html", "/secret/js.html",
                     "/secret/list_2.html", "/secret/redirect.html", "/robots.txt"):
            server.add(path, f"<html><title>{SECRET}</title><body><p>{SECRET}</p></body></html>", "text/html")
        yield server


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "255.255.255.255", "224.0.0.1", "240.0.0.1", "198.18.0.1", "192.0.2.1",
    "::1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "fd00::1", "fc00::1", "fe80::1%lo",
    "fec0::1", "ff02::1", "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::a00:1", "2002:7f00:1::1",
    "2001:db8::1", "not-an-address",
])
def test_non_public_addresses_in_every_form_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8",
                                     "64:ff9b::808:808"])
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)


def _public_list(web: LocalWeb, secret: LocalWeb) -> str:
    """The attack page: a public list linking the secret server in every spelling."""
    port = secret.base_url.rsplit(":", 1)[1]
    bad = [f"http://127.0.0.1:{port}/secret/1.html", f"http://127.1:{port}/secret/1.html",
           f"http://2130706433:{port}/secret/1.html", f"http://0x7f.0.0.1:{port}/secret/1.html",
           f"http://0177.0.0.1:{port}/secret/1.html", f"http://0.0.0.0:{port}/secret/1.html",
           f"http://[::1]:{port}/secret/1.html", f"http://[::ffff:127.0.0.1]:{port}/secret/1.html",
           f"http://localhost:{port}/secret/1.html", f"http://LOCALHOST.:{port}/secret/1.html",
           f"http://127.0.0.1:{port}/secret/report.pdf"]
    good = ["/news/1.html", "/news/stub.html", "/news/frame.html", "/news/js.html", "/news/moved.html"]
    rows = [f'<li><a href="{href}">{title}</a><span>2024-05-0{n % 9 + 1}</span></li>'
            for n, (href, title) in enumerate(zip(good + bad, TITLES, strict=True))]
    web.add("/list.html", f'<html><body><ul class="news">{"".join(rows)}</ul>'
                          f'<a href="http://127.0.0.1:{port}/secret/list_2.html">下一页</a></body></html>',
            "text/html")
    article = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>{1}</p></body></html>"
    web.add("/news/1.html", article.format("经开区项目签约投产", "正文" * 60), "text/html")
    web.add("/news/stub.html", f'<html><head><meta http-equiv="refresh" content="0;url=http://127.0.0.1:{port}'
                               '/secret/stub.html"></head><body></body></html>', "text/html")
    web.add("/news/frame.html", f'<html><body><iframe src="http://127.1:{port}/secret/frame.html"></iframe>'
                                "</body></html>", "text/html")
    web.add("/news/js.html", f'<html><body><script>window.location.href = "http://[::1]:{port}/secret/js.html";'
                             "</script></body></html>", "text/html")
    web.add("/news/moved.html", b"", status=302, conditional=False,
            headers={"Location": f"http://2130706433:{port}/secret/redirect.html"})
    return web.url("/list.html").replace("127.0.0.1", "public.example")


def _source(url: str) -> SourceConfig:
    return SourceConfig(id="pub", name="pub", kind="html", url=url, interval=60, backfill_pages=3,
                        list=ListSelectors(item="ul.news li"))


def test_public_list_cannot_reach_the_secret_server_in_any_spelling(web, secret):
    net = PretendPublic("public.example")
    fetcher = Fetcher(FetchSettings(min_delay=0, delay_factor=0, timeout=3, respect_robots=True),
                      resolve=net.resolve, route=net.route)
    source = _source(_public_list(web, secret))

    read = read_html(source, fetcher, EmptyStore())

    assert secret.requests == []
    assert set(net.dialled) == {PUBLIC_IP}  # every connection went to the validated public address
    public_base = web.base_url.replace("127.0.0.1", "public.example")
    assert [i.url for i in read.items] == [public_base + p for p in ("/news/1.html", "/news/stub.html",
                                                                     "/news/frame.html", "/news/js.html",
                                                                     "/news/moved.html")]
    assert [i.title for i in read.items][1:] == TITLES[1:5]  # stubs refused: kept as the list shows them
    assert all(SECRET not in (i.content_html or "") + i.title for i in read.items)
    refused = "\n".join(read.refused)
    assert len(read.refused) == 11 + 1 + 4  # 11 links, the next page, stub, iframe, script, redirect
    for spelling in ("127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "0.0.0.0", "[::1]",
                     "[::ffff:127.0.0.1]", "localhost", "LOCALHOST.", "list_2.html", "redirect.html"):
        assert spelling in refused, spelling
    assert "for a source on a public address" in refused


def test_refused_links_reach_neither_store_nor_feeds(web, secret, write_config, tmp_path, storage_url):
    url = _public_list(web, secret)
    config = load_config(write_config(f'[[sources]]\nid = "pub"\nkind = "html"\nurl = "{url}"\n'
                                      'backfill_pages = 3\n[sources.list]\nitem = "ul.news li"\n'))
    net = PretendPublic("public.example")
    store = open_test_store(storage_url)

    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch, resolve=net.resolve,
                                                                route=net.route), store)
    build_feeds(config, store)

    assert outcome.error is None
    assert len(outcome.refused) == 16 and all("refused" in r for r in outcome.refused)
    assert secret.requests == []
    port = secret.base_url.rsplit(":", 1)[1]
    stored = query(storage_url, "SELECT url, title FROM appearances")
    assert len(stored) == 5 and not any(port in u or SECRET in t for u, t in stored)
    published = [p for p in (tmp_path / "data" / "public").rglob("*") if p.is_file()]
    assert published
    for path in published:
        text = path.read_text("utf-8", "replace")
        assert SECRET not in text and f":{port}/" not in text, path


def test_the_address_checked_is_the_address_connected_to(web):
    """DNS rebinding: rebind.example answers a public address to the first look-up and a
    loopback one after that. The poll looks the name up once and dials that answer only."""
    inside = LocalWeb("127.0.0.2")
    with inside:
        inside.add("/news/1.html", f"<html><body><p>{SECRET}</p></body></html>", "text/html")
        port = inside.base_url.rsplit(":", 1)[1]
        web.add("/list.html", f'<ul class="news"><li><a href="http://rebind.example:{port}/news/1.html">'
                              "经开区项目签约投产新闻</a></li></ul>", "text/html")
        answers = {"rebind.example": 0}

        def rebinding(host: str) -> set[str]:
            if host == "rebind.example":
                answers[host] += 1
                return {PUBLIC_IP} if answers[host] == 1 else {"127.0.0.2"}
            return {PUBLIC_IP} if host == "public.example" else set()

        net = PretendPublic(answers=rebinding)
        fetcher = Fetcher(FetchSettings(min_delay=0, delay_factor=0, timeout=3, respect_robots=True),
                          resolve=net.resolve, route=net.route)
        read = read_html(_source(web.url("/list.html").replace("127.0.0.1", "public.example")), fetcher,
                         EmptyStore())

        assert inside.requests == []
        assert answers["rebind.example"] == 1
        assert set(net.dialled) == {PUBLIC_IP}
        assert [i.title for i in read.items] == ["经开区项目签约投产新闻"]  # unreadable there, kept as listed
        assert not read.items[0].content_html

        # the next poll looks again, sees loopback and refuses it before any connection
        again = read_html(_source(web.url("/list.html").replace("127.0.0.1", "public.example")), fetcher,
                          EmptyStore())
        assert again.items == () and "private/loopback" in again.refused[0]
        assert inside.requests == []


def test_a_private_source_reaches_its_own_host_on_any_port_and_no_other(web):
    other_port = LocalWeb()
    inside = LocalWeb("127.0.0.2")
    with other_port, inside:
        other_port.add("/news/2.html", "<html><body><h1>同一主机另一端口的新闻</h1><p>" + "正文" * 60 + "</p></body></html>",
                       "text/html")
        inside.add("/secret/1.html", f"<html><body><p>{SECRET}</p></body></html>", "text/html")
        web.add("/news/1.html", "<html><body><h1>本站新闻</h1><p>" + "正文" * 60 + "</p></body></html>", "text/html")
        web.add("/list.html", '<ul class="news">'
                              '<li><a href="/news/1.html">本站新闻标题第一条</a></li>'
                              f'<li><a href="{other_port.url("/news/2.html")}">同一主机另一端口的新闻</a></li>'
                              f'<li><a href="{inside.url("/secret/1.html")}">另一私有主机的页面</a></li>'
                              "</ul>", "text/html")
        settings = FetchSettings(min_delay=0, delay_factor=0, timeout=3, respect_robots=False)

        read = read_html(_source(web.url("/list.html")), Fetcher(settings), EmptyStore())

        assert [i.title for i in read.items] == ["本站新闻标题第一条", "同一主机另一端口的新闻"]
        assert inside.requests == [] and other_port.count("/news/2.html") == 1
        assert len(read.refused) == 1 and "may reach only its own host 127.0.0.1" in read.refused[0]

        # the operator's global override lets it reach the other private host too
        opened = FetchSettings(min_delay=0, delay_factor=0, timeout=3, respect_robots=False, allow_private=True)
        read = read_html(_source(web.url("/list.html")), Fetcher(opened), EmptyStore())
        assert len(read.items) == 3 and read.refused == () and inside.count("/secret/1.html") == 1


@pytest.mark.parametrize("target", ["file:///etc/passwd", "javascript:alert(1)", "http:///nohost"])
def test_urls_that_are_not_http_with_a_host_are_refused_before_any_request(web, target):
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=2, respect_robots=True))
    with fetcher.for_source(web.url("/list.html")) as fetch, pytest.raises(RefusedURLError):
        fetch.get(target)
    assert web.requests == []


def test_a_one_off_fetch_keeps_its_own_trust(web):
    """Fetcher.get(url) is a source of its own: a public URL redirecting to loopback is refused."""
    web.add("/secret", SECRET, "text/plain")
    web.add("/go", b"", status=302, headers={"Location": web.url("/secret")}, conditional=False)
    net = PretendPublic("public.example")
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=2, respect_robots=False), resolve=net.resolve,
                      route=net.route)
    with pytest.raises(RefusedURLError, match="private/loopback"):
        fetcher.get(web.url("/go").replace("127.0.0.1", "public.example"))
    assert web.count("/secret") == 0


@pytest.fixture
def tls_site(tmp_path):
    """An https server on 127.0.0.1 whose self-signed certificate names public.example only;
    it records the SNI name and Host header of each request."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=public.example",
                    "-addext", "subjectAltName=DNS:public.example"], check=True, capture_output=True)
    seen: dict[str, list[str]] = {"sni": [], "host": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["host"].append(self.headers.get("Host", ""))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen["sni"].append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], cert, seen
    server.shutdown()
    server.server_close()


def test_https_dials_the_validated_address_and_checks_the_certificate_for_the_url_name(tls_site):
    port, cert, seen = tls_site
    net = PretendPublic("public.example", "other.example")
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=3, respect_robots=False), resolve=net.resolve,
                      route=net.route)
    with fetcher.for_source(f"https://public.example:{port}/") as fetch:
        fetch.session.verify = str(cert)  # trust the test's self-signed certificate
        assert fetch.get(f"https://public.example:{port}/page").body == b"ok"
    assert net.dialled == [PUBLIC_IP]
    assert seen["sni"] == ["public.example"] and seen["host"] == [f"public.example:{port}"]

    with fetcher.for_source(f"https://other.example:{port}/") as fetch:
        fetch.session.verify = str(cert)
        with pytest.raises(FetchError, match="(?i)certificate|hostname"):
            fetch.get(f"https://other.example:{port}/page")  # same address, name not in the certificate
    assert seen["host"] == [f"public.example:{port}"]
