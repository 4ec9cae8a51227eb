"""The reading pages in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright): what a person sees, screenshots under the test's tmp dir, and no script of a
hostile story ever runs on our origin."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
from playwright.sync_api import sync_playwright

from tests.feeds.test_reading_pages import HOSTILE, OLD_STORY, _guid_of, served  # noqa: F401 (fixture)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser_page(tmp_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 412, "height": 915})  # a phone
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.dialogs = dialogs  # type: ignore[attr-defined]
        yield page
        browser.close()


def _visible_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("ol.stories .story-title a").all_inner_texts()]


def test_pages_show_the_stories_in_a_browser(served, browser_page, tmp_path):  # noqa: F811
    _, _, port = served
    base = f"http://127.0.0.1:{port}"
    page = browser_page

    page.goto(base + "/")
    assert "云阳县工业园区新签约项目8个" in _visible_titles(page)
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.goto(base + "/feeds/all.html")
    assert _visible_titles(page)[0] == "云阳县工业园区新签约项目8个"
    page.screenshot(path=str(tmp_path / "feed.png"), full_page=True)

    page.get_by_role("link", name="云阳县工业园区新签约项目8个").first.click()
    page.wait_for_url("**/stories/*")
    assert page.locator("h1").inner_text() == "云阳县工业园区新签约项目8个"
    assert "万州经开区" in page.locator("table").inner_text()
    page.screenshot(path=str(tmp_path / "story.png"), full_page=True)

    page.goto(base + "/search")
    page.fill('input[name="q"]', "龙角")
    page.locator('form.search button[type="submit"]').click()
    page.wait_for_url("**/search?q=*")
    assert _visible_titles(page) == [OLD_STORY.title]
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    for name in ("home", "feed", "story", "search"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5_000


def test_a_hostile_story_runs_no_script(served, browser_page, tmp_path):  # noqa: F811
    _, _, port = served
    page = browser_page
    from feeds.paths import story_path
    for path in ("/", "/" + story_path(_guid_of(served, "恶意标题")), "/search?q=" + quote("恶意标题")):
        page.goto(f"http://127.0.0.1:{port}{path}")
        page.wait_for_load_state("load")
        assert page.evaluate("document.title") != "pwned", path
        assert page.locator("script").count() == 0, path
        assert page.locator('a[href^="javascript:"]').count() == 0, path
    page.locator("article.body a", has_text="点我").click() if page.locator("article.body a").count() else None
    assert page.evaluate("document.title") != "pwned"
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert HOSTILE.title.endswith("恶意标题")
