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


@dataclass(frozen=True)
class StorageSettings:
    url: str = "sqlite:///data/zonefeed.db"


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
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()  # [topics]: operator keyword rules

    def source(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
