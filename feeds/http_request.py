"""A request as the server hands it to the application, and what a client may send in one.

The request target is text: raw bytes in it are UTF-8, like percent-escapes (readers send
`?region=重庆市` either way); bytes that are not UTF-8 and control characters are the client's
mistake, answered with a ClientError's status and one-line reason, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

MAX_TARGET = 8192  # longest request target (path and query), like nginx's header buffers
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ClientError(Exception):
    """A request the client got wrong: answered with `status` and the one-line `reason`."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Headers(dict):
    """Request headers by lower-cased name; repeated fields joined with ", " (RFC 9110 5.3)."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return dict.get(self, name.lower(), default)


@dataclass(slots=True)
class Request:
    method: str
    target: str  # as sent: path and query, still percent-encoded
    headers: Headers
    body: bytes = b""

    @property
    def path(self) -> str:
        """The percent-decoded path, for routing; static lookups guard traversal themselves."""
        return unquote(self.target.partition("?")[0])

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]

    def params(self) -> dict[str, list[str]]:
        return parse_query(self.query)


def parse_query(query: str) -> dict[str, list[str]]:
    """A query string as UTF-8 (raw or percent-encoded); anything else is the client's mistake."""
    try:
        params = parse_qs(query, errors="strict", max_num_fields=50)
    except UnicodeDecodeError:
        raise ClientError("query string is not UTF-8") from None
    except ValueError:
        raise ClientError("too many query parameters (at most 50)") from None
    if any(_CONTROL.search(text) for name, values in params.items() for text in (name, *values)):
        raise ClientError("control character in query string")
    return params


def checked_target(target: str) -> tuple[str, str | None]:
    """The request target as text (raw bytes are UTF-8, like percent-escapes) and what is wrong with it."""
    if len(target) > MAX_TARGET:
        return target, f"request target over {MAX_TARGET} characters"
    if not target.isascii():
        try:
            target = target.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return target, "request target is not UTF-8"
    path = target.partition("?")[0]
    if not (path.startswith("/") or target == "*"):
        return target, "request target must be a path"
    if "%" in path:
        try:
            path = unquote(path, errors="strict")
        except UnicodeDecodeError:
            return target, "path is not UTF-8"
    if _CONTROL.search(path):
        return target, "control character in path"
    return target, None
