<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS 2.0 or Atom feed as a readable page when opened in a browser.
     Feed readers ignore the xml-stylesheet instruction and read the XML itself. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></title>
        <style>
          body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.5}
          .note{background:#f4f4f4;padding:.75em 1em;border-radius:4px}
          article{border-bottom:1px solid #ddd;padding:.75em 0}
          small{color:#666}
        </style>
      </head>
      <body>
        <p class="note">这是一个订阅源 (RSS/Atom feed)。复制地址栏中的网址到阅读器即可订阅。
          This is a web feed: copy the URL from the address bar into your feed reader.</p>
        <xsl:apply-templates select="rss/channel | atom:feed"/>
        <p><a href="/">← 全部订阅源 / all feeds</a></p>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="channel">
    <h1><xsl:value-of select="title"/></h1>
    <p><xsl:value-of select="description"/></p>
    <p><small>更新 / updated: <xsl:value-of select="lastBuildDate"/></small></p>
    <xsl:for-each select="item">
      <article>
        <h2><xsl:call-template name="link">
          <xsl:with-param name="href" select="link"/><xsl:with-param name="text" select="title"/>
        </xsl:call-template></h2>
        <small><xsl:value-of select="dc:creator"/> · <xsl:value-of select="pubDate"/></small>
        <p><xsl:value-of select="description"/></p>
      </article>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="atom:feed">
    <h1><xsl:value-of select="atom:title"/></h1>
    <p><xsl:value-of select="atom:subtitle"/></p>
    <p><small>更新 / updated: <xsl:value-of select="atom:updated"/></small></p>
    <xsl:for-each select="atom:entry">
      <article>
        <h2><xsl:call-template name="link">
          <xsl:with-param name="href" select="atom:link[@rel='alternate']/@href"/>
          <xsl:with-param name="text" select="atom:title"/>
        </xsl:call-template></h2>
        <small><xsl:value-of select="atom:author/atom:name"/> · <xsl:value-of select="atom:published"/></small>
        <p><xsl:value-of select="atom:summary"/></p>
      </article>
    </xsl:for-each>
    <xsl:if test="atom:link[@rel='prev-archive']">
      <p><a href="{atom:link[@rel='prev-archive']/@href}">← 更早 / older entries</a></p>
    </xsl:if>
  </xsl:template>
  <!-- A live link only for http(s): a script or data URL would run on the origin serving this feed. -->
  <xsl:template name="link">
    <xsl:param name="href"/>
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="starts-with($href, 'http://') or starts-with($href, 'https://')">
        <a href="{$href}"><xsl:value-of select="$text"/></a>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
