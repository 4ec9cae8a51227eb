"""Article pages to facts and a clean body.

Order of trust: configured selectors, then government <meta> tags, then the info line (then, for
the date only, a time kept in a script such as WeChat's `var ct`), then automatic main-text
extraction (trafilatura, tables off: on table layouts tables carry the
info line, share/print and 上一条/下一条). Boilerplate is cut before and after extraction.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml import etree

from settings.model import ArticleSelectors
from sources.html.dom import css, drop_scripts, element_text, parse_html, short_text
from sources.html.listing import select, select_value
from sources.html.metadata import (
    PageFacts,
    first_date,
    info_line_facts,
    meta_facts,
    page_info_facts,
)
from sources.html.paging import article_next_page
from sources.html.title_choice import CONFIGURED, Candidate, choose_title, page_title_forms
from text.cleaning import squash
from text.credit import credit_in
from text.dates import script_date, with_clock
from text.infoline import is_info_line

_BOILERPLATE_TEXT = re.compile(
    r"上一条|下一条|上一篇|下一篇|打印本页|打印此页|【打印】|\[打印\]|关闭窗口|【关闭】|\[关闭\]|分享到|扫一扫"
    r"|字号[:：]|【大\s*中\s*小】|返回顶部|与我们联系|联系我们|Copyright|版权所有|ICP备|网站标识码"
    r"|主办单位|承办单位|技术支持|网站地图|您(?:当前)?的位置|当前位置"
)
_BOILERPLATE_MARKS = re.compile(r"share|print|breadcrumb|crumb|position|footer|copyright|related"
                                r"|xgxw|xgwz|prev|next|sharebox|bdshare|location", re.I)
# An article's own pager ("1 2 3 下一页", "首页 上一页 … 尾页"): an element holding only that is
# cut (a lone "首页" is a navigation link, not a pager).
_PAGER_FILL = r"(?:[\s\d\[\]【】<>«»|…·.]|首页|尾页|末页)*"
_PAGER_LINE = re.compile(f"^{_PAGER_FILL}(?:(?:上一页|下一页|共\\s*\\d+\\s*页){_PAGER_FILL})+$")
_RELATED_HEADING = re.compile(r"^(?:相关(?:新闻|阅读|链接|文章|稿件|信息)|延伸阅读|热点推荐|推荐阅读)")
_TEXT_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "td", "blockquote", "pre")
_BLOCKS = ("p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "blockquote", "section")
_META_REFRESH = re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?refresh[^>]+content\s*=\s*["']?\s*\d*\s*;?\s*url\s*=\s*['"]?([^"'>\s]+)""", re.I)
_JS_LOCATION = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)""")
STUB_TEXT_CHARS = 200
# Body containers of the common government CMSs (TRS WCM, Hanweb, Ucap, DedeCMS…): when one is
# on the page it is the body, exactly; generic extraction is for everything else.
BODY_PRESETS = ("div.TRS_Editor", "div.TRS_UEDITOR", "div.Custom_UnionStyle", "#UCAP-CONTENT", "#zoom",
                "#Zoom", "#fontzoom", "div.bt-content", "div.pages_content", "div.article-content",
                "div.news_content", "div.content_text")
PRESET_MIN_CHARS = 20
BODY_BEFORE_CREDIT = 60  # characters of text above an info line that make it a bottom line
HEADINGS = 12  # page headings offered as title candidates (the title is near the top)


@dataclass(frozen=True)
class Article:
    title: str | None
    title_is_page_title: bool
    published: str | None
    publisher: str | None
    author: str | None
    keywords: tuple[str, ...]
    body_html: str
    body_text: str
    next_page: str | None = None  # the article continues there (split over pages)
    # What the page offers as its title, for the choice with the list entry (title_choice.py).
    title_candidates: tuple[Candidate, ...] = ()
    site_names: tuple[str, ...] = ()


def stub_target(text: str, url: str) -> str | None:
    """Where a redirect stub (meta refresh, window.location) or an iframe-only page points."""
    tree = parse_html(text)
    visible = tree.find("body")
    scripts = "\n".join(s.text or "" for s in tree.iter("script"))
    drop_scripts(tree)
    body_text = element_text(visible) if visible is not None else ""
    if len(body_text) < STUB_TEXT_CHARS:
        match = _META_REFRESH.search(text[:65536]) or _JS_LOCATION.search(scripts)
        if match:
            return urljoin(url, next(g for g in match.groups() if g))
        frames = [f.get("src") for f in tree.iter("iframe", "frame") if (f.get("src") or "").strip()]
        if frames:
            return urljoin(url, frames[0].strip())
    return None


def extract_article(text: str, url: str, selectors: ArticleSelectors | None = None,
                    first_url: str | None = None) -> Article:
    """Facts and body of the page at `url`; `first_url` is the article's first page when `url`
    is a later page of an article split over pages."""
    tree = parse_html(text)
    metas = meta_facts(tree)
    scripted = script_date("\n".join(s.text or "" for s in tree.iter("script")))
    next_page = article_next_page(first_url or url, url, tree)  # before scripts go: TRS pagers are scripts
    drop_scripts(tree)
    selected = _selected_facts(tree, selectors)
    body = tree.find("body")
    info = page_info_facts(body) if body is not None else PageFacts()
    candidates, site_names = title_candidates(tree, selected, metas)
    chosen = choose_title(candidates, site_names)
    title = chosen.title if chosen else None
    is_page_title = bool(chosen and chosen.from_page_title)
    body_html = _selected_body(tree, selectors) if selectors and selectors.body else _extracted_body(tree, url)
    body_html, body_text = _without_boilerplate(body_html, title)
    if not body_text and not (selectors and selectors.body):
        body_html, body_text = _without_boilerplate(_densest_block(tree), title)
    return Article(
        title=title,
        title_is_page_title=is_page_title,
        published=with_clock(selected.date or metas.date or info.date, scripted),
        publisher=selected.source or metas.source or info.source,
        author=metas.author or info.author,
        keywords=tuple(k for k in re.split(r"[,，;；\s]+", metas.keywords or "") if k),
        body_html=body_html,
        body_text=body_text,
        next_page=next_page,
        title_candidates=tuple(candidates),
        site_names=tuple(site_names),
    )


def extract_continuation(text: str, url: str, selectors: ArticleSelectors | None, first_url: str,
                         first_text: str) -> Article:
    """A later page of an article split over pages (`first_text` is the first page's HTML).

    Its body is what this page says that the first page does not: both share the template
    (header, title, info line, sidebar, footer), only the body and the pager differ. Generic
    extraction is for pages on their own: on a short last page (a line or two) it returns
    nothing, or the sidebar and footer. Configured body selectors still win."""
    page = extract_article(text, url, selectors, first_url)
    if selectors and selectors.body:
        return page
    seen = {element_text(e) for e in _text_blocks(first_text)}
    fresh = [e for e in _text_blocks(text) if element_text(e) not in seen]
    body_html, body_text = _without_boilerplate(
        "".join(lxml.html.tostring(e, encoding="unicode", with_tail=False) for e in fresh), page.title)
    return replace(page, body_html=body_html, body_text=body_text) if body_text else page


def _text_blocks(text: str) -> list[lxml.html.HtmlElement]:
    """The innermost text blocks of a page (scripts dropped), in document order."""
    tree = parse_html(text)
    drop_scripts(tree)
    return [e for e in tree.iter(*_TEXT_BLOCKS)
            if element_text(e) and not any(True for _ in e.iterdescendants(*_TEXT_BLOCKS))]


def _selected_facts(tree: lxml.html.HtmlElement, selectors: ArticleSelectors | None) -> PageFacts:
    if not selectors:
        return PageFacts()

    def text_of(selector: str | None) -> str | None:
        return select_value(tree, selector, element_text) if selector else None

    date_text = text_of(selectors.date)
    source_text = text_of(selectors.source)
    labelled = info_line_facts(source_text).source if source_text else None
    return PageFacts(
        title=text_of(selectors.title),
        date=(first_date(date_text) or date_text) if date_text else None,
        source=labelled or source_text,
    )


def title_candidates(tree: lxml.html.HtmlElement, selected: PageFacts,
                     metas: PageFacts) -> tuple[list[Candidate], list[str]]:
    """The page's title candidates and the site names its `<title>` suffixes give.

    A configured title selector is the only candidate: the operator said where the title is.
    """
    if selected.title:
        return [Candidate(CONFIGURED, selected.title)], []
    candidates = [Candidate("ArticleTitle", metas.title)] if metas.title else []
    names: list[str] = []
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:title" and squash(meta.get("content")):
            forms, og_names = page_title_forms(squash(meta.get("content")))  # often "标题 – 站名" too
            candidates += [Candidate("og:title", form) for form in forms]
            names += og_names
            break
    headings = (h for h in tree.iter("h1", "h2", "h3") if h.getparent() is not None)
    for heading in list(headings)[:HEADINGS]:
        text = element_text(heading)
        if text:
            candidates.append(Candidate(f"{heading.tag} heading", text))
    title_element = tree.find(".//title")
    page_title = element_text(title_element) if title_element is not None else ""
    forms, title_names = page_title_forms(page_title) if page_title else ([], [])
    candidates += [Candidate("<title>", form) for form in forms]
    return candidates, names + title_names


def _selected_body(tree: lxml.html.HtmlElement, selectors: ArticleSelectors) -> str:
    parts = []
    for node in select(tree, selectors.body):
        for selector in selectors.remove:
            for unwanted in select(node, selector):
                unwanted.drop_tree()
        parts.append(lxml.html.tostring(node, encoding="unicode"))
    return "".join(parts)


def _extracted_body(tree: lxml.html.HtmlElement, url: str) -> str:
    cleaned = copy.deepcopy(tree)
    _strip_boilerplate(cleaned)
    for selector in BODY_PRESETS:
        found = css(selector)(cleaned)
        if found and len(element_text(found[0])) >= PRESET_MIN_CHARS:
            return lxml.html.tostring(found[0], encoding="unicode")
    extracted = trafilatura.extract(
        cleaned, url=url, output_format="html", include_tables=False, include_comments=False,
        include_links=False, with_metadata=False, deduplicate=False, fast=True,
    )
    if extracted:
        return extracted
    return _densest_block(cleaned)


def _strip_boilerplate(tree: lxml.html.HtmlElement) -> None:
    """Cut share/print bars, breadcrumbs, prev/next links, related lists and footers."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "body") or element.getparent() is None:
            continue
        marks = f"{element.get('id') or ''} {element.get('class') or ''}"
        text = short_text(element, 500 if _BOILERPLATE_MARKS.search(marks) else 120)
        if text is None:
            continue
        related = len(text) < 12 and _RELATED_HEADING.match(text)
        if related or _BOILERPLATE_MARKS.search(marks) \
                or (len(text) < 120 and _BOILERPLATE_TEXT.search(text)):
            following = element.getnext() if related else None  # the list under "相关新闻"
            element.drop_tree()
            if following is not None and following.tag in ("ul", "ol", "div", "table"):
                following.drop_tree()


def _densest_block(tree: lxml.html.HtmlElement) -> str:
    """Fallback when trafilatura finds nothing: the element holding the most paragraph text."""
    best, best_chars = None, 0
    for element in tree.iter("div", "td", "article", "section"):
        chars = sum(len(element_text(p)) for p in element.findall("p"))
        if chars > best_chars:
            best, best_chars = element, chars
    return lxml.html.tostring(best, encoding="unicode") if best is not None else ""


def _drop_info_line(element: lxml.html.HtmlElement, text: str, whole: str) -> None:
    """Drop an info line from the body; one below the article's text keeps its credit as a
    `来源：…` line, so that a re-post whose top line credits its own site still says whom it
    copied where normalization looks (the body's last lines). The top line's credit is read
    with the page's facts (metadata.page_info_facts)."""
    credit = credit_in(text) if len(whole.partition(text)[0]) > BODY_BEFORE_CREDIT else None
    if credit is None:
        element.drop_tree()
        return
    line = lxml.html.Element("p")
    line.text, line.tail = f"来源：{credit}", element.tail
    element.getparent().replace(element, line)


def _without_boilerplate(body_html: str, title: str | None) -> tuple[str, str]:
    """Drop leftover info lines, prev/next and footer lines from the extracted body."""
    if not body_html.strip():
        return "", ""
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except etree.ParserError:
        return "", ""
    whole = element_text(root)
    for element in list(root.iter(*_BLOCKS)):
        if element is root or element.getparent() is None:
            continue
        text = element_text(element)
        if is_info_line(text):
            _drop_info_line(element, text, whole)
        elif (len(text) < 120 and _BOILERPLATE_TEXT.search(text)) or _PAGER_LINE.match(text) \
                or (title and text == title):
            element.drop_tree()
    lines = [element_text(e) for e in root.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td",
                                                    "blockquote", "pre")]
    text = "\n".join(line for line in lines if line) or element_text(root)
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return (root.text or "") + inner, text
