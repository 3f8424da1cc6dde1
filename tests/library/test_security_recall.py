"""No security left behind: K-line charts and index links are mentions; nothing is invented.

The truth is read from the raw files with regular expressions of this test's own: a chart block
(``<!-- EM_StockImg_Start -->``) names its security in its link's ``data-code="600519|1|2"``; an
``infokey`` link to a quote page (``/unify/r/1.000001``) names an index.  Every security the
reader stores for a story must be named somewhere in one of its files (a quote link, a code
attribute or a mention span id), and the source line's board link (证券 -> BK0473) is no mention.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from reader.core.library import Library

CODE_RE = re.compile(r"(?:NW)?(\d{12,24})\.md$")
CHART_RE = re.compile(r"<!--\s*EM_StockImg_Start\s*-->(.*?)<!--\s*EM_StockImg_End\s*-->", re.S)
A_TAG_RE = re.compile(r"<a\s[^>]*>")
HREF_RE = re.compile(r'href="(?:https?:)?//quote\.eastmoney\.com/unify/r/(\d{1,3})\.([A-Za-z0-9]+)"')
NAMED_RE = re.compile(
    r'/unify/r/(\d{1,3})\.([A-Za-z0-9]+)|data-code="(\d{1,3}),([A-Za-z0-9]+)"|data-code="K?\s*([A-Za-z0-9]+)\|(\d{1,3})\|'
    r'|id="(?:stock|bk|Info)[_.](\d{1,3})\.([A-Za-z0-9]+)"')
SOURCE_LINE_RE = re.compile(r'<p class="em_media">.*?</p>', re.S)
UPPER = {90, 105, 106, 107}


def secid(market: str, code: str) -> str:
    m = int(market)
    return f"{m}.{code.upper() if m in UPPER else code}"


def chart_truth(raw: str) -> set[str]:
    out = set()
    for block in CHART_RE.findall(raw):
        for tag in A_TAG_RE.findall(block):
            if "EmImageRemark" in tag:
                m = re.search(r'data-code="([A-Za-z0-9]+)\|(\d{1,3})\|', tag)
                if m:
                    out.add(secid(m.group(2), m.group(1)))
    return out


def index_truth(raw: str) -> set[str]:
    out = set()
    for tag in A_TAG_RE.findall(raw):
        if 'class="infokey"' in tag:
            m = HREF_RE.search(tag)
            if m:
                out.add(secid(m.group(1), m.group(2)))
    return out


def named(raw: str) -> set[str]:
    out = set()
    for m in NAMED_RE.finditer(SOURCE_LINE_RE.sub("", raw)):
        g = m.groups()
        if g[0]:
            out.add(secid(g[0], g[1]))
        elif g[2]:
            out.add(secid(g[2], g[3]))
        elif g[4]:
            out.add(secid(g[5], g[4]))
        elif g[6]:
            out.add(secid(g[6], g[7]))
    return out


def _stories(corpus: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for f in sorted(corpus.glob("*.md")):
        m = CODE_RE.search(f.name)
        if m:
            out[m.group(1)].append(f.read_text(encoding="utf-8"))
    return out


def test_charts_and_index_links_are_mentions_and_nothing_is_invented(corpus_library: Library,
                                                                     corpus_dir: Path) -> None:
    charts = indices = 0
    for story, raws in _stories(corpus_dir).items():
        art = corpus_library.article(story)
        assert art is not None, story
        stored = {s.secid for s in art.securities}
        wanted = set().union(*(chart_truth(r) | index_truth(r) for r in raws))
        assert wanted <= stored, story
        assert set().union(*(chart_truth(r) for r in raws)) <= set(art.charts), story
        # every stored security is named in one of the story's files, outside its source line
        assert stored <= set().union(*(named(r) for r in raws)), (story, stored - set().union(*map(named, raws)))
        charts += len(set().union(*(chart_truth(r) for r in raws)))
        indices += len(set().union(*(index_truth(r) for r in raws)))
    assert charts >= 1  # the corpus's NIO chart
    # the 证券 of 证券时报 in a source line is a board link, never a mention of its own
    checked = 0
    for story, raws in _stories(corpus_dir).items():
        in_source_line = any(re.search(r'em_media">[^<]*<span[^>]*><a[^>]*BK0473', r) for r in raws)
        if in_source_line and not any("BK0473" in SOURCE_LINE_RE.sub("", r) for r in raws):
            art = corpus_library.article(story)
            assert art is not None and "90.BK0473" not in {s.secid for s in art.securities}
            checked += 1
    assert checked >= 1


INDEX_POST = """---
layout: post
title: "三大指数午后拉升 上证指数收复3200点"
date: 2022-06-06 15:02:00 +0800
categories: emnews
tags: 东财滚动新闻
---
<p><span id="Info.1001"><a href="http://quote.eastmoney.com/unify/r/1.000001" class="infokey">上证指数</a></span>\
涨1.28%，<span id="Info.1002"><a href="http://quote.eastmoney.com/unify/r/0.399001" class="infokey">深证成指</a></span>\
涨1.5%，<span id="Info.1003"><a href="http://quote.eastmoney.com/unify/r/0.399006" class="infokey">创业板指</a></span>\
涨1.9%。<span id="Info.3321"><a href="http://data.eastmoney.com/bbsj/" class="infokey">业绩报表</a></span>显示多家公司增长。</p>
<!-- EM_StockImg_Start --><p style="text-align:center;"><a href="http://quote.eastmoney.com/unify/r/1.600519" \
data-code="600519|1|2" data-code2="600519|1|3|" class="EmImageRemark" target="_blank"><img \
src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=1.600519&imageType=k" border="0" alt="K图 600519_0" \
data-code="K 600519|1|2" /></a></p><!-- EM_StockImg_End -->
<p>白酒板块走强，<span id="stock_1.600519"><a href="http://quote.eastmoney.com/unify/r/1.600519" class="keytip" \
data-code="1,600519">贵州茅台</a></span>涨2%。</p>
"""


def test_index_links_and_charts_are_stored_searchable_and_counted(tmp_path: Path) -> None:
    post = tmp_path / "posts" / "2022-06-06-202206061234500001.md"
    post.parent.mkdir()
    post.write_text(INDEX_POST, encoding="utf-8")
    raw = INDEX_POST
    with Library.open(tmp_path / "lib") as lib:
        assert lib.import_paths([post.parent], workers=1).added == 1
        art = lib.article("202206061234500001")
        assert art is not None
        secids = [s.secid for s in art.securities]
        assert index_truth(raw) == {"1.000001", "0.399001", "0.399006"} <= set(secids)
        assert chart_truth(raw) == {"1.600519"} and art.charts == ["1.600519"]
        assert set(secids) == named(raw)  # nothing more
        assert 'href="security:1.000001"' in art.html and "业绩报表" in art.text
        assert "data.eastmoney.com" not in art.html  # a data page's topic link stays plain text
        for query in ("sec:000001.SH", "sec:1.000001", "sec:上证指数", "sec:399006.SZ", "sec:600519.SH"):
            assert lib.query_ids(query) == [art.id], query
        counts = {s.secid: s.articles for s in lib.securities()}
        assert counts["1.000001"] == counts["1.600519"] == 1
