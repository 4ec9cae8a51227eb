"""Typed configuration: what the rest of the service is allowed to know about config.toml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ServiceSettings:
    data_dir: Path
    base_url: str
    timezone: str = "Asia/Shanghai"
    title: str = "zonefeed"
    log_level: str = "INFO"
    websub_hub: str | None = None


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    admin_token: str | None = None  # protected POST /admin/* actions are off without one
    max_connections: int = 1000      # open client connections (lowered to fit the descriptor limit)
    head_timeout: float = 10.0       # seconds from a request's first byte to the end of its head
    body_timeout: float = 30.0       # seconds from the end of the head to the end of the body
    idle_timeout: float = 75.0       # seconds a keep-alive connection may sit between requests
    send_timeout: float = 30.0       # seconds a client may leave answers unread before it is cut off
    max_unread: int = 262144         # bytes of answers buffered per client before reading it pauses
    workers: int = 4                 # threads for status pages and admin actions
    view_workers: int = 2            # threads rendering ?q= / ?region= / ?limit= views at once


@dataclass(frozen=True)
class StorageSettings:
    url: str = "sqlite:///data/zonefeed.db"
    keep_content: int | None = None  # seconds a story keeps its full text; None: for ever


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = "zonefeed/0.1 (+https://example.invalid/zonefeed)"
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    per_host_concurrency: int = 1    # one request at a time per host
    respect_robots: bool = True
    min_delay: float = 0.25          # floor of the gap between requests to one host, seconds
    max_delay: float = 30.0          # cap of that gap (a robots.txt Crawl-delay may exceed it)
    delay_factor: float = 5.0        # gap = factor x the host's last response time, within the above
    allow_private: bool = False


@dataclass(frozen=True)
class SchedulerSettings:
    workers: int = 64                # polls running at once (threads that mostly wait on hosts)
    parse_processes: int = 1         # processes parsing feeds and article pages beside them (0: in the threads)
    max_backoff: int = 86400         # cap of the failure backoff, seconds
    lease: int = 900                 # how long a claimed poll may run before another node may retry it


@dataclass(frozen=True)
class ListSelectors:
    item: str | None = None
    link: str | None = None
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ArticleSelectors:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    body: str | None = None
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceConfig:
    id: str
    name: str
    kind: str
    url: str
    interval: int
    region: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    enabled: bool = True
    encoding: str | None = None
    timezone: str | None = None
    pages: int = 1
    backfill_pages: int = 3
    list: ListSelectors | None = None
    article: ArticleSelectors | None = None
    # feed sources: fetch the article page when an item carries only a summary ("auto"),
    # for every item ("always"), or never
    fulltext: str = "auto"


FULLTEXT_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class FeedConfig:
    id: str
    title: str
    description: str = ""
    regions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_items: int = 100
    topics: tuple[str, ...] = ()          # any of these topics
    min_investment: float | None = None   # yuan: stories reporting at least this much

    def takes(self, source: SourceConfig) -> bool:
        """Whether the sources/tags filters let `source` in (any one value matches). Regions
        are about stories, not sources (feeds/select.py resolves them through the gazetteer)."""
        return ((not self.sources or source.id in self.sources)
                and (not self.tags or bool(set(self.tags) & set(source.tags))))


@dataclass(frozen=True)
class Config:
    path: Path
    service: ServiceSettings
    server: ServerSettings
    storage: StorageSettings
    fetch: FetchSettings
    default_interval: int
    sources: tuple[SourceConfig, ...] = ()
    feeds: tuple[FeedConfig, ...] = field(default_factory=tuple)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    warnings: tuple[str, ...] = ()  # legal but suspicious, e.g. a feed no source can fill
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # [topics]: operator keyword rules

    def source(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
