"""Shared fixtures: a real fixture web on 127.0.0.1, real config files on disk, and a real
database of each backend (every storage test runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

import sources  # noqa: F401  (its built-in kinds register before any config is loaded)
from sampleweb.server import LocalWeb
from settings import load_config
from store import open_store
from tests.support import PG_BASE_URL, close_test_stores, pg_admin


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_url(request, tmp_path):
    """A fresh, empty database: a file in tmp_path, or a schema of its own in PostgreSQL, so
    parallel runs never meet. PostgreSQL being down makes these tests fail, never skip."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'zonefeed.db'}"
        return
    schema = f"zf_{uuid.uuid4().hex[:12]}"
    with pg_admin() as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_BASE_URL}?options=-csearch_path%3D{schema}"
    finally:
        with pg_admin() as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(autouse=True)
def _close_test_stores():
    yield
    close_test_stores()


@pytest.fixture
def store(storage_url):
    opened = open_store(storage_url)
    yield opened
    opened.close()


@pytest.fixture
def web():
    with LocalWeb() as local:
        yield local


@pytest.fixture
def write_config(tmp_path, storage_url):
    """Write a config.toml (service/fetch defaults suitable for loopback tests) and return its path."""

    def write(body: str, *, header: bool = True, respect_robots: bool = False) -> Path:
        preamble = textwrap.dedent(
            f"""
            [service]
            data_dir = "{tmp_path / 'data'}"
            base_url = "http://127.0.0.1:8080"

            [storage]
            url = "{storage_url}"

            [fetch]
            min_delay = 0
            delay_factor = 0
            timeout = 5
            respect_robots = {str(respect_robots).lower()}
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


# Property tests: a bounded example count keeps CI fast; HYPOTHESIS_PROFILE=long digs deeper.
hypothesis_settings.register_profile("ci", max_examples=60, deadline=None, print_blob=True)
hypothesis_settings.register_profile("long", max_examples=5000, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
