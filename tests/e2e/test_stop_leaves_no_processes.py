"""A service stopped while a fetch is still in flight leaves no process behind, however it stops.

With polls still fetching, `run` ends with os._exit (waiting out their timeouts would delay the
stop), which skips the process pool's own exit handler: its workers, forkserver and resource
tracker used to outlive the service, one set per restart. A SIGKILL skips every handler: then
the workers notice the service is gone and end, and the forkserver and tracker with them.
"""

from __future__ import annotations

import signal

import pytest

from sampleweb.server import LocalWeb
from tests.running import start_service, wait_for
from tests.support import descendants, still_running

FEED = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>site</title><id>urn:site</id><updated>2023-08-28T00:00:00Z</updated>"
        '<entry><id>a1</id><title>开发区签约三个项目</title><link href="/a/1.html"/>'
        "<updated>2023-08-28T10:00:00+08:00</updated>"
        '<content type="html">&lt;p&gt;开发区签约三个项目。&lt;/p&gt;</content></entry></feed>')


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_stop_during_a_slow_fetch_leaves_no_worker_processes(write_config, tmp_path, stop):
    with LocalWeb() as web, LocalWeb() as slow_web:
        web.add("/feed.xml", FEED)
        slow_web.add("/slow.xml", FEED, delay=30)
        config = write_config(
            '[server]\nport = 0\n[scheduler]\nparse_processes = 1\n[[feeds]]\nid = "all"\n'
            f'[[sources]]\nid = "quick"\nkind = "feed"\nurl = "{web.url("/feed.xml")}"\n'
            f'[[sources]]\nid = "slow"\nkind = "feed"\nurl = "{slow_web.url("/slow.xml")}"\n')
        process, _ = start_service(config, tmp_path / "service.log")
        try:
            # the quick feed was parsed in a worker, and the slow one is still being fetched
            started = wait_for(lambda: slow_web.count().get("/slow.xml") and len(descendants(process.pid)) >= 2, 20)
            assert started, "no parse worker started"
            below = descendants(process.pid)
            process.send_signal(stop)
            assert process.wait(timeout=15) == (0 if stop == signal.SIGTERM else -signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
        left = wait_for(lambda: not still_running(below), 10)
        assert left, f"still running after the service stopped: {sorted(still_running(below))}"
