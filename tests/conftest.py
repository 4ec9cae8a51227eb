"""Shared fixtures: a real fixture web on 127.0.0.1 and real config files on disk."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sampleweb.server import LocalWeb
from settings import load_config


@pytest.fixture
def web():
    with LocalWeb() as local:
        yield local


@pytest.fixture
def write_config(tmp_path):
    """Write a config.toml (service/fetch defaults suitable for loopback tests) and return its path."""

    def write(body: str, *, header: bool = True) -> Path:
        preamble = textwrap.dedent(
            f"""
            [service]
            data_dir = "{tmp_path / 'data'}"
            base_url = "http://127.0.0.1:8080"

            [storage]
            url = "sqlite:///{tmp_path / 'data' / 'zonefeed.db'}"

            [fetch]
            min_delay = 0
            timeout = 5
            respect_robots = false
            """
        )
        path = tmp_path / "config.toml"
        path.write_text((preamble if header else "") + textwrap.dedent(body), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(write_config):
    def build(body: str):
        return load_config(write_config(body))

    return build
