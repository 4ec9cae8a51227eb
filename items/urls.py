"""Canonical URLs: one spelling per page, so the same page is recognized wherever it appears."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_",)
_PATH_SAFE = "/%:@!$&'()*+,;=~"
_TRACKING_NAMES = {
    "spm", "from", "share_token", "sessionid", "jsessionid", "phpsessid", "sid",
    "fbclid", "gclid", "isappinstalled", "scene", "clicktime", "enterid", "wfr",
}


def canonical_url(url: str, base: str | None = None) -> str:
    """Absolute, lower-case host, no fragment, no default port, no tracking parameters.

    A URL urllib cannot split ("http://[x", port 99999) comes back stripped, unchanged: one
    bad link must not fail its whole source.
    """
    try:
        url = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    # Percent-encode what may not stand raw in a path (spaces, CJK): one spelling per page,
    # and canonical_url(canonical_url(u)) == canonical_url(u).
    path = quote(parts.path.split(";jsessionid=")[0], safe=_PATH_SAFE, errors="replace") or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return urlunsplit((scheme, host, path, query, ""))


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host: the only kind of link zonefeed publishes.

    `javascript:`, `data:`, `vbscript:`, `file:`, `urn:` and host-less URLs are not; a leading
    space makes no scheme at all, so " javascript:…" is refused too.
    """
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(_TRACKING_PREFIXES) or lowered in _TRACKING_NAMES


def other_spellings(url: str) -> tuple[str, ...]:
    """The same canonical http(s) URL with the other scheme and with/without a leading `www.`:
    where one site's page is found after a move to https or to or from `www.`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ()
    bare = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    spellings = {urlunsplit((scheme, host, parts.path, parts.query, ""))
                 for scheme in ("http", "https") for host in (bare, "www." + bare)}
    spellings.discard(url)
    return tuple(sorted(spellings))


def same_path(a: str, b: str) -> bool:
    """Whether two URLs name the same path and query (whatever their scheme, host or port)."""
    first, second = urlsplit(a), urlsplit(b)
    return (first.path, first.query) == (second.path, second.query)
