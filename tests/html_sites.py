"""Fixture government sites built in code (bytes as the real CMSs send them), served by LocalWeb."""

from __future__ import annotations

from sampleweb.server import LocalWeb

FOOTER = ('<div class="footer"><p><a href="/lxwm.html">与我们联系</a> | <a href="/map.html">网站地图</a></p>'
          "<p>Copyright © 2023 云阳县人民政府 版权所有 渝ICP备05003300号</p></div>")
TOOLS = ('<div class="share">分享到：<a href="#">微信</a></div><p class="tools">【<a href="javascript:print()">打印本页</a>】'
         '【<a href="javascript:close()">关闭窗口</a>】</p><div class="pn"><p>上一条：<a href="/x/1.html">旧闻</a></p>'
         '<p>下一条：<a href="/x/2.html">另一条旧闻</a></p></div>'
         '<div class="xgxw"><h3>相关新闻</h3><ul><li><a href="/x/3.html">不该出现的相关新闻标题</a></li></ul></div>')
NAV = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
       '<li><a href="/tzgg/">通知公告</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>')

PARAGRAPHS = [
    "8月28日，云阳县与重庆某新材料科技有限公司举行项目签约仪式，总投资12亿元的新材料产业园项目正式落户云阳工业园区。",
    "该项目主要建设年产5万吨高性能复合材料生产线及配套研发中心，达产后预计年产值可达20亿元，新增就业岗位800余个。",
    "县委常委、副县长出席签约仪式并致辞。他表示，云阳将全力做好要素保障和跟踪服务，推动项目早开工、早投产、早见效。",
    "近年来，云阳工业园区坚持以招商引资为抓手，聚焦新材料、食品加工、电子信息等主导产业，持续优化营商环境。",
]


def article_page(title: str, date: str, source: str, paragraphs: list[str] = PARAGRAPHS,
                 charset: str = "gb2312", metas: bool = False, author: str = "") -> str:
    """A TRS-style article: optional gov metas, an info line with full-width colons, boilerplate."""
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    if metas:
        head += (f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date}">'
                 f'<meta name="ContentSource" content="{source}">')
    info = f"发布时间：{date}\u3000\u3000来源：{source}&nbsp;&nbsp;"
    if author:
        info += f"作者：{author}"
    info += "&nbsp;浏览次数：968"
    body = "".join(f"<p>\u3000\u3000{p}</p>" for p in paragraphs)
    return (f"<html><head>{head}<title>{title}_云阳县人民政府</title></head><body>{NAV}"
            f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">工作动态</a></div>'
            f'<div class="main"><h1 class="title">{title}</h1><div class="info">{info}</div>'
            f'<div class="TRS_Editor">{body}</div>{TOOLS}</div>{FOOTER}</body></html>')


TRS_ITEMS = [
    ("./202308/t20230828_101.html", "朱镕基考察云阳工业园区新材料项目", "2023-08-28", "云阳县融媒体中心"),
    ("./202308/t20230827_102.html", "张喆出席云阳经开区重点项目集中签约仪式", "2023-08-27", "云阳县经济信息委"),
    ("./202308/t20230826_103.html", "云阳工业园区上半年规上工业产值同比增长", "2023-08-26", "云阳县统计局"),
]
TRS_PAGE2 = [
    ("./202308/t20230820_104.html", "云阳县召开2023年招商引资工作推进会", "2023-08-20", "云阳县招商局"),
    ("./202308/t20230819_105.html", "云阳经开区开展安全生产大检查", "2023-08-19", "云阳县应急局"),
]


def trs_list(items, page: int, pages: int) -> str:
    rows = "".join(f'<li><a href="{href}" target="_blank" title="{title}">{title}</a><span>{date}</span></li>'
                   for href, title, date, _ in items)
    pager = f'<script type="text/javascript">createPageHTML({pages}, {page}, "index", "html");</script>'
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"<title>工作动态_云阳县人民政府</title></head><body>{NAV}"
            f'<div class="list_main"><ul class="list">{rows}</ul><div class="page">{pager}</div></div>'
            f"{FOOTER}</body></html>")


def serve_trs(web: LocalWeb, prefix: str = "/trs/") -> str:
    """GB2312 TRS site: relative `./202308/…` links, createPageHTML paging, GBK-only names."""
    web.add(prefix + "index.html", trs_list(TRS_ITEMS, 0, 2).encode("gb18030"), "text/html")
    web.add(prefix + "index_1.html", trs_list(TRS_PAGE2, 1, 2).encode("gb18030"), "text/html")
    for href, title, date, source in TRS_ITEMS + TRS_PAGE2:
        page = article_page(title, date + " 10:30", source).encode("gb18030")
        web.add(prefix + href[2:], page, "text/html")
    return web.url(prefix + "index.html")


HANWEB_RECORDS = [
    ("/art/2023/8/28/art_1234_501.html", "高新区管委会召开2023年第三季度经济运行分析会", "2023-08-28"),
    ("/art/2023/8/25/art_1234_502.html", "高新区举办重点企业用工对接会", "2023-08-25"),
    ("/art/2023/8/21/art_1234_503.html", "关于开展2023年度高新技术企业认定工作的通知", "2023-08-21"),
]


def serve_hanweb(web: LocalWeb) -> str:
    """Hanweb/JCMS column: the list is CDATA records inside <script type="text/xml">."""
    records = "".join(
        f"<record><![CDATA[\n<li><a href='{href}' title='{title}' target='_blank'>{title}</a>"
        f"<span class='bt-data-time'>{date}</span></li>\n]]></record>"
        for href, title, date in HANWEB_RECORDS
    )
    page = ('<html><head><meta charset="utf-8"><title>工作动态 高新区管委会</title></head><body>'
            f'{NAV}<div id="1234"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1"></a>]]></nextgroup>'
            f"<recordset>{records}</recordset></datastore></script></div>{FOOTER}</body></html>")
    web.add("/col/col1234/index.html", page, "text/html; charset=utf-8")
    for href, title, date in HANWEB_RECORDS:
        web.add(href, article_page(title, date, "高新区管委会", charset="utf-8", metas=True),
                "text/html; charset=utf-8")
    return web.url("/col/col1234/index.html")


PHPCMS_ITEMS = [
    (12, "经开区与三家企业签订投资协议", "2023-08-28 09:12"),
    (11, "经开区2023年上半年招商工作综述", "2023-08-24 16:40"),
    (10, "经开区举办数字经济产业对接会", "2023-08-22 08:05"),
]
PHPCMS_PAGE2 = [(9, "经开区召开环保督察整改工作会议", "2023-08-15 11:00")]


def phpcms_list(items, next_page: int | None) -> str:
    rows = "".join(
        f'<li><span class="rt">{date}</span><a href="index.php?m=content&amp;c=index&amp;a=show&amp;catid=10&amp;id={i}">'
        f"{title}</a></li>" for i, title, date in items)
    pager = (f'<div id="pages"><a class="a1" href="index.php?m=content&amp;c=index&amp;a=lists&amp;catid=10&amp;page={next_page}">'
             "下一页</a></div>" if next_page else '<div id="pages"><span>下一页</span></div>')
    return ('<html><head><meta charset="gbk"><title>园区动态 - 经开区</title></head><body>'
            f'{NAV}<div class="col-left"><ul class="list lh24 f14">{rows}</ul>{pager}</div>{FOOTER}</body></html>')


def serve_phpcms(web: LocalWeb) -> str:
    """PHPCMS/DedeCMS-style site: every page is index.php with a query string."""
    base = "/index.php?m=content&c=index&a=lists&catid=10"
    web.add(base, phpcms_list(PHPCMS_ITEMS, 2).encode("gb18030"), "text/html; charset=gbk")
    web.add(base + "&page=2", phpcms_list(PHPCMS_PAGE2, None).encode("gb18030"), "text/html; charset=gbk")
    for i, title, date in PHPCMS_ITEMS + PHPCMS_PAGE2:
        web.add(f"/index.php?m=content&c=index&a=show&catid=10&id={i}",
                article_page(title, date, "经开区管委会", charset="gbk").encode("gb18030"),
                "text/html; charset=gbk")
    return web.url(base)


def plain_article(title: str) -> str:
    """An article that states no date or source, so the list's date text is what counts."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}{FOOTER}</body></html>"


def serve_dated_lists(web: LocalWeb) -> tuple[str, str]:
    """`[08-28]` (no year) and `2023年08月28日` list dates. Both pages are GBK: the first is sent
    as bare `text/html` with no charset anywhere, the second with a wrong `charset=utf-8`."""
    short = "".join(f'<li><a href="/sd/{day}.html">云阳县通知公告第{day}号文件发布</a>[08-{day}]</li>'
                    for day in (28, 27, 26))
    long_ = "".join(f'<p><a href="/cn/{day}.html">云阳县政策解读第{day}期文章</a> 2023年08月{day}日</p>'
                    for day in (28, 27, 26))
    web.add("/sd/index.html", (f"<html><head><title>通知公告</title></head><body>{NAV}<ul class='tzgg'>{short}</ul>"
                               f"{FOOTER}</body></html>").encode("gb18030"), "text/html")
    web.add("/cn/index.html", (f"<html><head><title>政策解读</title></head><body>{NAV}<div class='zcjd'>{long_}</div>"
                               f"{FOOTER}</body></html>").encode("gb18030"), "text/html; charset=utf-8")
    for day in (28, 27, 26):
        web.add(f"/sd/{day}.html", plain_article(f"云阳县通知公告第{day}号文件发布").encode("gb18030"), "text/html")
        web.add(f"/cn/{day}.html", plain_article(f"云阳县政策解读第{day}期文章").encode("gb18030"), "text/html")
    return web.url("/sd/index.html"), web.url("/cn/index.html")
