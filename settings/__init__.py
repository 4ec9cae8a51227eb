"""Configuration: config.toml in, typed and validated settings out."""

from settings.intervals import parse_interval
from settings.loader import ConfigError, load_config
from settings.model import (
    ArticleSelectors,
    Config,
    FeedConfig,
    FetchSettings,
    ListSelectors,
    SourceConfig,
)

__all__ = [
    "ArticleSelectors",
    "Config",
    "ConfigError",
    "FeedConfig",
    "FetchSettings",
    "ListSelectors",
    "SourceConfig",
    "load_config",
    "parse_interval",
]
