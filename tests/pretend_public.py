"""Play "a public web site" on 127.0.0.1, through the Fetcher's resolver and route seams.

Chosen names resolve to a global address (PUBLIC_IP), so the SSRF guard treats them as public;
the route then dials that address on 127.0.0.1, as a NAT would. Every other name resolves for
real. Both seams keep a log, so a test can show which addresses were looked up and dialled.
The route refuses to dial anything but loopback: tests never leave this machine.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from sources.fetch import resolve_host

PUBLIC_IP = "93.184.216.34"  # a global unicast address; never dialled, mapped to 127.0.0.1


class PretendPublic:
    def __init__(self, *names: str, answers: Callable[[str], set[str]] | None = None):
        self.names = set(names) or {"public.example"}
        self._answers = answers
        self.lookups: list[str] = []
        self.dialled: list[str] = []

    def resolve(self, host: str) -> set[str]:
        self.lookups.append(host)
        if self._answers is not None:
            return self._answers(host)
        return {PUBLIC_IP} if host in self.names else resolve_host(host)

    def route(self, address: str) -> str:
        self.dialled.append(address)
        target = "127.0.0.1" if address == PUBLIC_IP else address
        if not ipaddress.ip_address(target.split("%")[0]).is_loopback:
            raise OSError(f"test route: {address} is not on this machine")
        return target
