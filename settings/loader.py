"""Read config.toml into typed settings, reporting every mistake with its key path."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from settings.intervals import format_interval, parse_interval
from settings.kinds import known_kinds
from settings.model import (
    FULLTEXT_MODES,
    ArticleSelectors,
    Config,
    FeedConfig,
    FetchSettings,
    ListSelectors,
    SchedulerSettings,
    ServerSettings,
    ServiceSettings,
    SourceConfig,
    StorageSettings,
)
from settings.selectors import check_element_selector, parse_selector


class ConfigError(Exception):
    """All problems found in one config file; each line names the key path."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


@dataclass(frozen=True)
class _Field:
    check: Callable[[Any], Any]
    default: Any = None
    required: bool = False


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    return value


def _nonempty_text(value: Any) -> str:
    if not _text(value).strip():
        raise ValueError("must not be empty")
    return value


def _integer(minimum: int, maximum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer, got {type(value).__name__}")
        return _in_range(value, minimum, maximum)

    return check


def _number(minimum: float, maximum: float) -> Callable[[Any], float]:
    """A finite number within the range: nan, inf and 1e308 would pass a "> 0" test, then
    overflow the first time they are added to a clock."""

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {type(value).__name__}")
        if not math.isfinite(value):
            raise ValueError(f"must be a finite number between {minimum:g} and {maximum:g}, got {value}")
        return float(_in_range(value, minimum, maximum))

    return check


def _in_range(value: Any, minimum: Any, maximum: Any) -> Any:
    """The one range rule for every number in the config (README lists the ranges)."""
    if not minimum <= value <= maximum:
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        raise ValueError(f"must be between {minimum:g} and {maximum:g}, got {shown}")
    return value


def _source_kind(value: Any) -> str:
    """A kind some reader registered (sources/kinds.py): the built-ins and any added one."""
    return _choice(*known_kinds())(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type(value).__name__}")
    return value


def _text_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return tuple(value)


def _http_url(value: Any) -> str:
    parts = urlsplit(_text(value))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"bad URL {value!r}: must be an absolute http(s) URL")
    return value


def _interval(minimum: int, maximum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        seconds = parse_interval(_text(value))
        if not minimum <= seconds <= maximum:
            raise ValueError(f"bad interval {value!r}: must be between {format_interval(minimum)} "
                             f"and {format_interval(maximum)}")
        return seconds

    return check


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(_text(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {value!r} (use an IANA name like Asia/Shanghai)") from None
    return value


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value

    return check


def _identifier(value: Any) -> str:
    text = _nonempty_text(value)
    if not all(c.isalnum() or c in "-_." for c in text) or text.startswith("."):
        raise ValueError(f"bad id {text!r}: use letters, digits, '-', '_' or '.'")
    return text


def _admin_token(value: Any) -> str | None:
    """Empty means "admin actions off"; a short token would be guessable, so refuse it."""
    text = _text(value).strip()
    if not text:
        return None
    if len(text) < 16 or any(c.isspace() for c in text):
        raise ValueError("must be at least 16 characters without spaces (or \"\" to turn admin actions off)")
    return text


def _storage_url(value: Any) -> str:
    text = _text(value)
    if not text.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ValueError("must start with sqlite:/// or postgresql://")
    return text


DAY = 86400

_SERVICE = {
    "data_dir": _Field(_nonempty_text, "data"),
    "base_url": _Field(_http_url, "http://127.0.0.1:8080"),
    "timezone": _Field(_timezone, ServiceSettings.timezone),
    "title": _Field(_nonempty_text, ServiceSettings.title),
    "log_level": _Field(_choice("DEBUG", "INFO", "WARNING", "ERROR"), ServiceSettings.log_level),
    "websub_hub": _Field(_http_url),
}
_SERVER = {
    "host": _Field(_nonempty_text, ServerSettings.host),
    "port": _Field(_integer(0, 65535), ServerSettings.port),
    "admin_token": _Field(_admin_token),
    "max_connections": _Field(_integer(16, 100_000), ServerSettings.max_connections),
    "head_timeout": _Field(_number(0.1, 300), ServerSettings.head_timeout),
    "body_timeout": _Field(_number(0.1, 3600), ServerSettings.body_timeout),
    "idle_timeout": _Field(_number(0.1, 3600), ServerSettings.idle_timeout),
    "send_timeout": _Field(_number(0.1, 3600), ServerSettings.send_timeout),
    "max_unread": _Field(_integer(16_384, 64 << 20), ServerSettings.max_unread),
    "workers": _Field(_integer(1, 64), ServerSettings.workers),
    "view_workers": _Field(_integer(1, 32), ServerSettings.view_workers),
}
_STORAGE = {"url": _Field(_storage_url, StorageSettings.url), "keep_content": _Field(_interval)}
_FETCH = {
    "user_agent": _Field(_nonempty_text, FetchSettings.user_agent),
    "timeout": _Field(_number(0.1, 600), FetchSettings.timeout),
    "max_bytes": _Field(_integer(1024, 1 << 30), FetchSettings.max_bytes),
    "per_host_concurrency": _Field(_integer(1, 64), FetchSettings.per_host_concurrency),
    "respect_robots": _Field(_boolean, FetchSettings.respect_robots),
    "min_delay": _Field(_number(0, 3600), FetchSettings.min_delay),
    "max_delay": _Field(_number(0, DAY), FetchSettings.max_delay),
    "delay_factor": _Field(_number(0, 1000), FetchSettings.delay_factor),
    "allow_private": _Field(_boolean, FetchSettings.allow_private),
}
_INTERVAL = _interval(1, 30 * DAY)
_DEFAULTS = {"interval": _Field(_INTERVAL, 1800)}
_SCHEDULER = {
    "workers": _Field(_integer(1, 1024), SchedulerSettings.workers),
    "parse_processes": _Field(_integer(0, 64), SchedulerSettings.parse_processes),
    "max_backoff": _Field(_interval(1, 30 * DAY), SchedulerSettings.max_backoff),
    "lease": _Field(_interval(1, DAY), SchedulerSettings.lease),
}
def _value_selector(value: Any) -> str:
    """A selector that may end in ::attr(name) or ::text (see settings/selectors.py)."""
    parse_selector(_nonempty_text(value))
    return value


def _element_selector(value: Any) -> str:
    check_element_selector(_nonempty_text(value))
    return value


def _element_selectors(value: Any) -> tuple[str, ...]:
    selectors = _text_list(value)
    for selector in selectors:
        check_element_selector(selector)
    return selectors


_LIST = {"item": _Field(_element_selector)} | {
    k: _Field(_value_selector) for k in ("link", "title", "date")
}
_ARTICLE = {k: _Field(_value_selector) for k in ("title", "date", "source")} | {
    "body": _Field(_element_selector),
    "remove": _Field(_element_selectors, ()),
}
_SOURCE = {
    "id": _Field(_identifier, required=True),
    "name": _Field(_nonempty_text),
    "kind": _Field(_source_kind, required=True),
    "url": _Field(_http_url, required=True),
    "region": _Field(_text_list, ()),
    "tags": _Field(_text_list, ()),
    "interval": _Field(_INTERVAL),
    "enabled": _Field(_boolean, SourceConfig.enabled),
    "encoding": _Field(_nonempty_text),
    "timezone": _Field(_timezone),
    "pages": _Field(_integer(1, 100), SourceConfig.pages),
    "backfill_pages": _Field(_integer(1, 1000), SourceConfig.backfill_pages),
    "list": _Field(dict),
    "article": _Field(dict),
    "fulltext": _Field(_choice(*FULLTEXT_MODES), "auto"),
}
_FEED = {
    "id": _Field(_identifier, required=True),
    "title": _Field(_nonempty_text),
    "description": _Field(_text, FeedConfig.description),
    "regions": _Field(_text_list, ()),
    "sources": _Field(_text_list, ()),
    "tags": _Field(_text_list, ()),
    "include": _Field(_text_list, ()),
    "exclude": _Field(_text_list, ()),
    "max_items": _Field(_integer(1, 10000), FeedConfig.max_items),
    "topics": _Field(_text_list, ()),
    "min_investment": _Field(_number(1, 1e15)),
}
_TOP = {"service", "server", "storage", "fetch", "defaults", "sources", "feeds", "scheduler", "topics"}


class _Reader:
    """Collects problems instead of stopping at the first, so an operator fixes them in one go."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def table(self, raw: Any, path: str, spec: dict[str, _Field]) -> dict[str, Any]:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problems.append(f"{path}: expected a table")
            return {k: f.default for k, f in spec.items()}
        for key in raw:
            if key not in spec:
                self.problems.append(f"{path}.{key}: unknown key (known: {', '.join(sorted(spec))})")
        values = {}
        for key, field in spec.items():
            if key not in raw:
                if field.required:
                    self.problems.append(f"{path}.{key}: missing required key")
                values[key] = field.default
                continue
            try:
                values[key] = field.check(raw[key])
            except ValueError as exc:
                self.problems.append(f"{path}.{key}: {exc}")
                values[key] = field.default
        return values

    def array(self, raw: Any, path: str) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problems.append(f"{path}: expected an array of tables ([[{path}]])")
            return []
        return raw


def load_config(path: str | Path) -> Config:
    """Parse and validate; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(path, [f"cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise ConfigError(path, ["not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"TOML syntax error: {exc}"]) from None
    return _build(path, raw)


def _build(path: Path, raw: dict[str, Any]) -> Config:
    reader = _Reader()
    for key in raw:
        if key not in _TOP:
            reader.problems.append(f"{key}: unknown section (known: {', '.join(sorted(_TOP))})")
    base = path.resolve().parent
    service = reader.table(raw.get("service"), "service", _SERVICE)
    service["data_dir"] = (base / service["data_dir"]).resolve()
    server = reader.table(raw.get("server"), "server", _SERVER)
    storage = reader.table(raw.get("storage"), "storage", _STORAGE)
    fetch = reader.table(raw.get("fetch"), "fetch", _FETCH)
    defaults = reader.table(raw.get("defaults"), "defaults", _DEFAULTS)
    scheduler = reader.table(raw.get("scheduler"), "scheduler", _SCHEDULER)
    sources = _sources(reader, raw.get("sources"), defaults["interval"])
    feeds = _feeds(reader, raw.get("feeds"), {s.id for s in sources})
    warnings = _feeds_no_source_fills(feeds, sources)
    topics = _topics(reader, raw.get("topics"))
    if reader.problems:
        raise ConfigError(path, reader.problems)
    return Config(
        path=path,
        service=ServiceSettings(**service),
        server=ServerSettings(**server),
        storage=StorageSettings(url=_resolve_sqlite(storage["url"], base), keep_content=storage["keep_content"]),
        fetch=FetchSettings(**fetch),
        default_interval=defaults["interval"],
        sources=tuple(sources),
        feeds=tuple(feeds) or (FeedConfig(id="all", title=service["title"]),),
        scheduler=SchedulerSettings(**scheduler),
        warnings=tuple(warnings),
        topics=topics,
    )


def _topics(reader: _Reader, raw: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`[topics]`: topic name = keywords (added to a default topic of that name, or a new one)."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        reader.problems.append("topics: expected a table of topic = [keywords]")
        return ()
    topics = []
    for name, words in raw.items():
        try:
            keywords = tuple(w for w in _text_list(words) if w.strip())
        except ValueError as exc:
            reader.problems.append(f"topics.{name}: {exc}")
            continue
        if not keywords:
            reader.problems.append(f"topics.{name}: needs at least one keyword")
            continue
        topics.append((name, keywords))
    return tuple(topics)


def _resolve_sqlite(url: str, base: Path) -> str:
    """Relative SQLite paths are relative to the config file, like data_dir."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return "sqlite:///" + str((base / url[len("sqlite:///") :]).resolve())
    return url


def _sources(reader: _Reader, raw: Any, default_interval: int) -> list[SourceConfig]:
    sources, seen = [], set()
    for index, entry in enumerate(reader.array(raw, "sources")):
        path = f"sources[{index}]"
        values = reader.table(entry, path, _SOURCE)
        if values["id"] in seen:
            reader.problems.append(f"{path}.id: duplicate source id {values['id']!r}")
        seen.add(values["id"])
        if values["list"] is not None:
            values["list"] = ListSelectors(**reader.table(values["list"], f"{path}.list", _LIST))
        if values["article"] is not None:
            values["article"] = ArticleSelectors(
                **reader.table(values["article"], f"{path}.article", _ARTICLE)
            )
        if values["backfill_pages"] < values["pages"]:
            values["backfill_pages"] = values["pages"]  # the first poll reads at least `pages`
        if values["kind"] == "feed" and values["list"]:
            reader.problems.append(f"{path}: list selectors only apply to kind = \"html\"")
        if values["kind"] == "html" and values["fulltext"] != "auto":
            reader.problems.append(f"{path}.fulltext: only applies to kind = \"feed\" "
                                   "(html sources always read the article page)")
        values["interval"] = values["interval"] or default_interval
        values["name"] = values["name"] or values["id"] or "?"
        if values["id"] and values["kind"] and values["url"]:
            sources.append(SourceConfig(**values))
    return sources


def _feeds(reader: _Reader, raw: Any, source_ids: set[str]) -> list[FeedConfig]:
    feeds, seen = [], set()
    for index, entry in enumerate(reader.array(raw, "feeds")):
        path = f"feeds[{index}]"
        values = reader.table(entry, path, _FEED)
        if values["id"] in seen:
            reader.problems.append(f"{path}.id: duplicate feed id {values['id']!r}")
        seen.add(values["id"])
        for name in values["sources"]:
            if name not in source_ids:
                reader.problems.append(f"{path}.sources: no source with id {name!r}")
        values["title"] = values["title"] or values["id"] or "?"
        if values["id"]:
            feeds.append(FeedConfig(**values))
    return feeds


def _feeds_no_source_fills(feeds: list[FeedConfig], sources: list[SourceConfig]) -> list[str]:
    """A sources/tags value no source carries is legal TOML but leaves the feed empty forever:
    say so, naming the values that match nothing. (Region names are places, checked against
    the gazetteer by `check-config`.)"""
    warnings = []
    for index, feed in enumerate(feeds):
        if not (feed.sources or feed.tags) or any(feed.takes(s) for s in sources):
            continue
        known = {"sources": {s.id for s in sources}, "tags": {t for s in sources for t in s.tags}}
        unmatched = [f"{key} {[v for v in getattr(feed, key) if v not in known[key]]} "
                     f"(sources have: {', '.join(sorted(known[key])) or 'none'})"
                     for key in ("sources", "tags") if set(getattr(feed, key)) - known[key]]
        why = "; ".join(unmatched) or "no source passes its sources and tags filters together"
        warnings.append(f"feeds[{index}] ({feed.id}): no configured source can fill this feed: {why}")
    return warnings
