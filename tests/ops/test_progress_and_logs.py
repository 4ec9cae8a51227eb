"""Interactive `collect` shows a progress bar only on a terminal; log lines are key=value with the source."""

from __future__ import annotations

import io
import logging
import os
import pty
import subprocess
import sys

import pytest

from obs.logs import KeyValueFormatter, source_context
from tests.fixtures import utf8_atom
from tests.support import ROOT


def _config(web, write_config):
    web.add("/a.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]))
    return write_config(f"""
        [[sources]]
        id = "a"
        kind = "feed"
        url = "{web.url('/a.xml')}"

        [[sources]]
        id = "broken"
        kind = "feed"
        url = "{web.url('/missing.xml')}"
        """)


@pytest.mark.slow
def test_collect_on_a_terminal_shows_progress_and_in_a_pipe_does_not(web, write_config):
    config = _config(web, write_config)
    command = [sys.executable, str(ROOT / "service.py"), "--config", str(config), "collect"]
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(timeout=30) == 1  # one source failed
    text = shown.decode("utf-8", "replace")
    assert "2/2 sources  errors: 1" in text and "\r" in text

    piped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "sources  errors" not in piped.stderr
    assert "a: ok" in piped.stdout and "broken: FAILED" in piped.stdout


def test_log_lines_are_key_value_and_carry_the_source_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter())
    logger = logging.getLogger("zonefeed.test-logs")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        with source_context("yunyang-news"):
            logger.warning("connection pool is full, discarding connection")  # a library's free text
            logger.info("event=collect source=%s items=%d", "yunyang-news", 3)
        logger.error("event=render_failed")
    finally:
        logger.removeHandler(handler)
    first, second, third = stream.getvalue().splitlines()
    assert first.endswith('msg="connection pool is full, discarding connection" source=yunyang-news')
    assert second.endswith("event=collect source=yunyang-news items=3")
    assert "source=" not in third and "level=ERROR logger=zonefeed.test-logs event=render_failed" in third
