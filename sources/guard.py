"""Where a source's requests may connect: the SSRF rule, applied at the socket.

A source's trust is decided once, from its configured URL, when its poll starts: a source
whose host resolves to public addresses only may reach public addresses only; a source
configured on a private or loopback address may also reach that host's own addresses (any
port), and no other private one. Every request of the poll (list pages, next pages, articles,
redirect stubs, iframes, robots.txt, redirect hops) is held to that trust.

The address checked is the address connected to: each host name is resolved once per poll,
each resolved address is validated, and the connection is opened to a validated address
itself (the URL's name still goes in the Host header and, for https, in SNI and the
certificate check). A name that answers a public address to the check and a loopback one
to the connect (DNS rebinding) therefore cannot reach the loopback: there is no second
look-up. The same idea as the `advocate` library's validating connection.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.poolmanager import PoolManager
from urllib3.util import connection

from sources.deadline import WatchedHTTPConnection, WatchedHTTPSConnection
from sources.errors import FetchError, RefusedURLError

Resolver = Callable[[str], set[str]]
# Where a validated address is really dialled. The identity in production; tests map a
# pretend-public address to 127.0.0.1, the way a NAT would, to play "a public site" offline.
Route = Callable[[str], str]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix; 64:ff9b:1::/48 (local use) is refused


def resolve_host(host: str) -> set[str]:
    """Addresses `host` resolves to (empty when it does not resolve)."""
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return set()


def same_address(address: str) -> str:
    return address


def is_public_address(address: str) -> bool:
    """True only for a globally routable unicast address, IPv4 inside IPv6 included.

    Refused: private, loopback, link-local, site-local, multicast, unspecified, reserved,
    shared (100.64/10), documentation ranges, and IPv6 forms that carry one of those IPv4
    addresses (::ffff:127.0.0.1, NAT64 64:ff9b::7f00:1, 6to4 2002:7f00:1::).
    """
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:  # reaches that IPv4 address: judged as it
            return is_public_address(str(embedded))
        if ip.is_site_local:
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_private or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified)


class AddressGuard:
    """One source's trust and the addresses its poll resolved (each name once).

    `allow_all` is the operator's `fetch.allow_private`: every address is allowed.
    """

    def __init__(self, source_url: str, resolve: Resolver = resolve_host, route: Route = same_address,
                 allow_all: bool = False):
        self._resolve = resolve
        self.route = route
        self._allow_all = allow_all
        self._resolved: dict[str, tuple[str, ...]] = {}
        self.source_host = _host_key(urlsplit(source_url).hostname or "")
        own = self._lookup(self.source_host) if self.source_host else ()
        # The private addresses this source may reach: its own host's, when it is configured on one.
        self.own_private = frozenset(a for a in own if not is_public_address(a))

    @property
    def public(self) -> bool:
        """True when the source is on public addresses only (so may reach no private one)."""
        return not self.own_private

    def check(self, url: str) -> None:
        """Raise RefusedURLError unless `url` is http(s) on a host this source may reach."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURLError(f"refused non-HTTP URL {url!r}")
        try:
            host = parts.hostname
        except ValueError:
            host = None
        if not host:
            raise RefusedURLError(f"refused URL without a host {url!r}")
        try:
            self.addresses(host)
        except RefusedURLError as exc:
            raise RefusedURLError(f"{exc}: {url}") from None

    def addresses(self, host: str) -> tuple[str, ...]:
        """The addresses of `host` this source may connect to; RefusedURLError when none.

        Resolved once per guard: every later connection to `host` uses this same answer.
        """
        key = _host_key(host)
        found = self._lookup(key)
        if not found:
            raise FetchError(f"cannot connect to {host}: the name does not resolve")
        if self._allow_all:
            return found
        allowed = tuple(a for a in found if is_public_address(a) or a in self.own_private)
        if not allowed:
            if self.public:
                raise RefusedURLError(f"refused private/loopback address {host} ({', '.join(found)}) "
                                      "for a source on a public address")
            raise RefusedURLError(f"refused private/loopback address {host} ({', '.join(found)}): "
                                  f"this source may reach only its own host {self.source_host}")
        return allowed

    def _lookup(self, key: str) -> tuple[str, ...]:
        if key not in self._resolved:
            self._resolved[key] = tuple(sorted(self._resolve(key)))
        return self._resolved[key]


def _host_key(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


class _GuardedConnection(WatchedHTTPConnection):
    """Connects only to an address the source's guard validated, never to a fresh look-up."""

    def __init__(self, *args, guard: AddressGuard, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.guard = guard

    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)


class _GuardedHTTPSConnection(WatchedHTTPSConnection):
    """As _GuardedConnection; TLS still names the URL's host (SNI, certificate check)."""

    def __init__(self, *args, guard: AddressGuard, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.guard = guard

    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self)


def _guarded_socket(conn: _GuardedConnection | _GuardedHTTPSConnection) -> socket.socket:
    error: OSError | None = None
    for address in conn.guard.addresses(conn.host):
        try:
            return connection.create_connection(
                (conn.guard.route(address), conn.port), conn.timeout,
                source_address=conn.source_address, socket_options=conn.socket_options)
        except TimeoutError as exc:
            raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out. "
                                            f"(connect timeout={conn.timeout})") from exc
        except OSError as exc:
            error = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {error}")


class _GuardedPoolManager(PoolManager):
    def __init__(self, guard: AddressGuard, **kwargs) -> None:
        super().__init__(**kwargs)
        self._guard = guard

    def _new_pool(self, scheme, host, port, request_context=None):  # type: ignore[override]
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = _GuardedHTTPSConnection if scheme == "https" else _GuardedConnection
        pool.conn_kw["guard"] = self._guard
        return pool


class GuardedAdapter(HTTPAdapter):
    """The adapter of one source's session: deadline-watched sockets opened through its guard."""

    def __init__(self, guard: AddressGuard, **kwargs) -> None:
        self._guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs) -> None:  # type: ignore[override]
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = _GuardedPoolManager(self._guard, num_pools=connections, maxsize=maxsize,
                                               block=block, **pool_kwargs)
