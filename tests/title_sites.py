"""Fixture sites whose article templates put the title somewhere other than `<h1>`.

Each family is a shape seen on Chinese government and zone sites: the site's name in `<h1>`
(DedeCMS), a column name as the page heading (集约化 platforms), two `<h1>` (WordPress themes),
`<title>` as the only full title, list entries cut short with or without "…". Every site
serves the true title of each article in `TRUTH`, so tests compare what was published with it.
The families marked HELD_OUT were written before the title rule was tuned and never adjusted
to it: they check the rule, not the other way round.
"""

from __future__ import annotations

from html import escape

from sampleweb.server import LocalWeb

TITLES = [
    "万州经开区召开2023年第三季度安全生产工作会议",
    "关于开展2023年度高新技术企业认定申报工作的通知",
    "经开区与重庆某新材料科技有限公司签订年产5万吨复合材料项目投资协议",
    "园区举办重点企业用工对接会 提供岗位1200余个",
    "经开区党工委理论学习中心组开展专题学习",
]
BODY = ("<p>\u3000\u3000{title}。会议指出，要坚持以人民为中心的发展思想，统筹发展和安全，"
        "扎实推进各项工作落地见效。</p><p>\u3000\u3000会议强调，各部门要压实责任，细化措施，"
        "确保第{n}项重点任务按期完成，园区经济运行持续向好。</p>"
        "<p>\u3000\u3000会上，相关部门负责人汇报了近期工作进展情况，并就下一步工作作了安排。</p>")
HELD_OUT = ("wordpress", "wechat")


def cut(title: str, chars: int, mark: str = "...") -> str:
    return title if len(title) <= chars else title[:chars] + mark


def dedecms_article(title: str, n: int) -> str:
    """DedeCMS: site name in <h1> (the logo), title in <h2>, <title> "标题_站名"."""
    return (f"<html><head><meta charset='utf-8'><title>{title}_万州经开区</title>"
            "<meta name='keywords' content='经开区'></head><body>"
            "<div class='header'><h1><a href='/'>重庆万州经济技术开发区管委会</a></h1></div>"
            f"<div class='place'>当前位置：<a href='/'>主页</a> &gt; 园区动态</div>"
            f"<div class='viewbox'><div class='title'><h2>{title}</h2></div>"
            f"<div class='info'><small>时间:</small>2023-08-{20 + n} 10:0{n}<small>来源:</small>万州经开区</div>"
            f"<div class='content'>{BODY.format(title=title, n=n)}</div></div>"
            "<div class='footer'>Copyright 重庆万州经济技术开发区管委会</div></body></html>")


def dedecms_list(prefix: str) -> str:
    rows = "".join(f"<li><a href='{prefix}a{n}.html' class='title'>{cut(t, 18)}</a>"
                   f"<span class='date'>2023-08-{20 + n}</span></li>" for n, t in enumerate(TITLES))
    return (f"<html><head><meta charset='utf-8'><title>园区动态_万州经开区</title></head><body>"
            f"<div class='header'><h1>重庆万州经济技术开发区管委会</h1></div>"
            f"<div class='listbox'><ul class='e2'>{rows}</ul></div></body></html>")


def jiyue_article(title: str, n: int) -> str:
    """A province's 集约化 platform: the column name is every page's heading; the title is only
    in <title> ("标题·站名") and in a <div>."""
    return (f"<html><head><meta charset='utf-8'><title>{title}·云阳县人民政府</title></head><body>"
            "<div class='banner'><h1>工作动态</h1></div>"
            f"<div class='article'><div class='article-title'>{title}</div>"
            f"<div class='article-info'>发布日期：2023-08-{20 + n}　信息来源：县政府办</div>"
            f"<div id='zoom'>{BODY.format(title=title, n=n)}</div></div></body></html>")


def jiyue_list(prefix: str) -> str:
    rows = "".join(f"<li><a href='{prefix}t2023082{n}_{n}.html' title='{t}'>{t}</a><span>2023-08-{20 + n}</span></li>"
                   for n, t in enumerate(TITLES))
    return (f"<html><head><meta charset='utf-8'><title>工作动态·云阳县人民政府</title></head><body>"
            f"<div class='banner'><h1>工作动态</h1></div><ul class='news-list'>{rows}</ul></body></html>")


def wordpress_article(title: str, n: int) -> str:
    """WordPress theme: the site title is an <h1> in the header, the post title another <h1>;
    og:title and <title> read "标题 – 站名"."""
    return (f"<html><head><meta charset='utf-8'><title>{title} – 奉节县招商服务中心</title>"
            f"<meta property='og:title' content='{title} – 奉节县招商服务中心'></head><body>"
            "<header class='site-header'><h1 class='site-title'><a href='/'>奉节县招商服务中心</a></h1>"
            "<p class='site-description'>投资奉节 共赢未来</p></header>"
            f"<main><article><h1 class='entry-title'>{title}</h1>"
            f"<div class='entry-meta'>2023年08月{20 + n}日</div>"
            f"<div class='entry-content'>{BODY.format(title=title, n=n)}</div></article>"
            "<aside><h2 class='widget-title'>近期文章</h2></aside></main></body></html>")


def wordpress_list(prefix: str) -> str:
    rows = "".join(f"<article><h2 class='entry-title'><a href='{prefix}?p={n}' title='{t}'>{cut(t, 15, '…')}</a></h2>"
                   f"<time>2023-08-{20 + n}</time></article>" for n, t in enumerate(TITLES))
    return (f"<html><head><meta charset='utf-8'><title>新闻 – 奉节县招商服务中心</title></head><body>"
            f"<header><h1 class='site-title'>奉节县招商服务中心</h1></header><main>{rows}</main></body></html>")


def wechat_article(title: str, n: int) -> str:
    """A WeChat-article mirror: <title> is the account's name, og:title the article's; the list
    cut titles at 16 characters with no mark at all."""
    return (f"<html><head><meta charset='utf-8'><title>开州经开区发布</title>"
            f"<meta property='og:title' content='{title}'></head><body>"
            f"<div class='rich_media'><h2 class='rich_media_title'>{title}</h2>"
            "<div class='rich_media_meta_list'><span>开州经开区发布</span>"
            f"<em id='publish_time'>2023-08-{20 + n} 09:00</em></div>"
            f"<div class='rich_media_content' id='js_content'>{BODY.format(title=title, n=n)}</div></div>"
            "</body></html>")


def wechat_list(prefix: str) -> str:
    rows = "".join(f"<li><a href='{prefix}s{n}.html'>{t[:16]}</a> <span>2023-08-{20 + n}</span></li>"
                   for n, t in enumerate(TITLES))
    return (f"<html><head><meta charset='utf-8'><title>开州经开区发布</title></head><body>"
            f"<ul class='articles'>{rows}</ul></body></html>")


FAMILIES = {
    "dedecms": (dedecms_list, dedecms_article, "a{n}.html"),
    "jiyue": (jiyue_list, jiyue_article, "t2023082{n}_{n}.html"),
    "wordpress": (wordpress_list, wordpress_article, "?p={n}"),
    "wechat": (wechat_list, wechat_article, "s{n}.html"),
}


def serve_family(web: LocalWeb, family: str) -> tuple[str, dict[str, str]]:
    """The family's list URL and {article URL: true title}."""
    make_list, make_article, path = FAMILIES[family]
    prefix = f"/{family}/"
    web.add(prefix + "index.html" if family != "wordpress" else prefix, make_list(prefix).encode(),
            "text/html; charset=utf-8")
    truth = {}
    for n, title in enumerate(TITLES):
        href = prefix + path.format(n=n)
        web.add(href, make_article(escape(title, quote=False), n).encode(), "text/html; charset=utf-8")
        truth[web.url(href)] = title
    return web.url(prefix + "index.html" if family != "wordpress" else prefix), truth
