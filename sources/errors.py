"""Why a fetch failed, in words an operator can act on."""

from __future__ import annotations


class FetchError(Exception):
    """A source could not be read this time; the message is shown in `status`."""

    kind = "error"


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int):
        super().__init__(f"HTTP {status} from {url}")
        self.status = status


class TooLargeError(FetchError):
    kind = "too_large"


class RateLimitedError(FetchError):
    """The server asked us to come back later (429/503 with Retry-After)."""

    kind = "rate_limited"

    def __init__(self, url: str, status: int, retry_after: float):
        super().__init__(f"HTTP {status} from {url}: asked to retry after {retry_after:.0f}s")
        self.retry_after = retry_after


class BlockedError(FetchError):
    """An anti-bot challenge answered instead of the page; never retried in a loop."""

    kind = "blocked"


class RefusedURLError(FetchError):
    """The URL points somewhere zonefeed must not go (other scheme, private address)."""

    kind = "refused"


class RobotsDisallowedError(FetchError):
    """robots.txt of the site asks crawlers not to fetch this URL."""

    kind = "robots"


class LayoutChangedError(FetchError):
    """A list page that used to yield items yields none: its layout probably changed."""

    kind = "layout"


class ParseError(FetchError):
    kind = "parse"
