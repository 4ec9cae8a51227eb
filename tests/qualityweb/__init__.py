"""A generated web of Chinese government and zone sites that zonefeed was not tuned to.

Ten CMS families (families/), one site each, every one with the shapes the real web has:
TRS WCM (GB2312, `t20230927_N.html`, metas, article paging), Hanweb JCMS (datastore column),
DedeCMS (`<h1>` = site name, title in `<h2>`, date only in the URL, `_2.html` pages), PHPCMS
(summary-only RSS with DOCTYPE entities), WordPress (full-content RSS, og: metas), a province's
集约化 platform (summary-only RSS, title only in `<title>` + meta), a WeChat-article mirror
(`#js_content`, `var ct`), Discuz! portal, SiteFactory/动易 (title only in `<title>`), and a
hand-built GBK county site (tables, date only).

HELD OUT (not to be looked at while tuning extraction or dedupe; they check the tuning):
**discuz, sitefactory, county**.

stories.py draws the labelled stories from a seed (originals, re-posts with prefixed titles and
`来源` lines, short re-posts, look-alikes, corrections, moved URLs, faults, attachments);
web.py renders them per round and states the ground truth; server.py serves each site on its
own 127.0.0.1 port. bench/quality.py measures zonefeed against it; tests/e2e/test_quality_web.py
runs a small version.
"""

from .web import QualityWeb, Truth, make_plan, truth

__all__ = ["QualityWeb", "Truth", "make_plan", "truth"]
