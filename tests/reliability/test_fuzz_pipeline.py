"""Property tests over the whole path: a generated post file -> import (parse, clean, store) ->
``Library.article`` -> the viewer.

Posts mix random front matter (valid, broken, TOML, JSON, none), markdown, the eastmoney link
forms and hostile HTML.  Nothing may raise; each post is stored or reported with a reason; the
stored HTML is inert (``reliability_hostile.inert_problems``); the viewer renders it.  The quick
run is part of the default suite; ``pytest -m slow`` runs ``FUZZ_EXAMPLES`` examples (3000 by
default) and prints how many ran.

Known bugs are kept out of the generated input so that this test stays a guard against new ones
(each has its own strict xfail): dates outside 1900..2100, deeply nested YAML, alias bombs,
nested tables.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_hostile import inert_problems

from reader.core.library import Library

QUICK_EXAMPLES = 60
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
           HealthCheck.large_base_example]

# --- strategies ---------------------------------------------------------------------------------

URLS = st.sampled_from([
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "java&#x09;script:alert(1)",
    "java\tscript:x", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AAAA", "file:///etc/passwd", "file:///dev/zero", "canary-rel.png", "../x.png",
    "/abs/path", "//evil.invalid/x", "http://127.0.0.1:9/x.png", "https://ok.example/a?b=c&d=e",
    "http://quote.eastmoney.com/unify/r/1.600519", "//quote.eastmoney.com/sz000001.html",
    "https://quote.eastmoney.com/bk/90.BK0493.html", "http://quote.eastmoney.com/us/NIO.html",
    "security:1.600519", "security:javascript:alert(1)", "http:foo", "https:/x", "mailto:a@b.c", "#frag", "",
])
WORDS = st.sampled_from([
    "央行", "降准", "新能源", "科技", "x", "&amp;", "&lt;script&gt;", "&#60;", "\u202e", "返回", " ", "\n", "\n\n",
    "贵州茅台", "平安银行", "0.25个百分点", "正文", "*", "_", "`", "|", "\\", "<", ">", "&",
])
EM = st.sampled_from([
    '<a class="keytip" data-code="1,600519" href="http://quote.eastmoney.com/unify/r/1.600519">贵州茅台</a>',
    '<span id="stock_0.000001"><a href="http://quote.eastmoney.com/unify/r/0.000001">平安银行</a></span>',
    '<span class="em_stock_key_common" data-code="116,00700">腾讯控股</span>',
    '<span id="Info.116.02176">赢家时尚</span>',
    '<a href="https://quote.eastmoney.com/sh600519.html">茅台</a>',
    '<a href="http://quote.eastmoney.com/us/NIO.html" data-code="NIO|106|7">蔚来</a>',
    '<span id="quote_1.600519"></span>', '<span id="bkquote_90.BK0493"></span>',
    '<a class="infokey" href="http://so.eastmoney.com/x">关键词</a>',
    '<span class="EmImageRemark">K线图</span>',
    "<!-- EM_StockImg_Start --><p>chart</p><!-- EM_StockImg_End -->", "<!-- EM_StockImg_Start -->",
    "<p>文章来源：证券时报</p>", '<p class="em_media">（来源：新华社）</p>',
    '<p><a href="https://finance.eastmoney.com/a/202205262391921712.html">https://finance.eastmoney.com/a/202205262391921712.html</a></p>',
    '<p><a href="https://finews.withounder.com/">返回首页</a></p>', "<p>&lt;&gt;</p>",
    '<p><a href="http://acttg.eastmoney.com/pub/x">免费开户</a></p>',
    "<center><font color=red>重要</font></center>",
])
TAGS = st.sampled_from([
    "script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link", "img",
    "a", "p", "div", "span", "table", "td", "tr", "blockquote", "font", "center", "video", "template",
    "noscript", "details", "image", "use", "ScRiPt", "ul", "li", "pre", "code", "h2", "b",
])
ATTRS = st.sampled_from([
    "onclick", "onerror", "ONLOAD", "href", "src", "srcset", "style", "background", "action", "formaction",
    "poster", "data", "xlink:href", "class", "id", "data-code", "http-equiv", "content", "colspan", "title",
])
ATTR_VALUES = st.one_of(URLS, st.sampled_from([
    "alert(1)", "background:url(file:///dev/zero)", "color:red", "display:none", "refresh", "0;url=javascript:x",
    "keytip", "infokey", "security", "1,600519", "stock_1.600519", "Info.116.02176", "3", '"><script>x</script>',
]))


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(TAGS)
    attrs = "".join(f' {a}="{v}"' for a, v in draw(st.lists(st.tuples(ATTRS, ATTR_VALUES), max_size=3)))
    children = st.one_of(WORDS, EM, markdown()) if depth >= 2 else st.one_of(WORDS, EM, element(depth + 1))
    inner = "".join(draw(st.lists(children, max_size=3)))
    close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
    return f"<{tag}{attrs}>{inner}{close}"


@st.composite
def markdown(draw: st.DrawFn) -> str:
    url = draw(URLS)
    word = draw(WORDS)
    return draw(st.sampled_from([
        f"[{word}]({url})", f"![{word}]({url})", f"<{url}>", f"\n\n[r]: {url}\n\n[{word}][r]\n\n",
        f"\n\n# {word}\n\n", f"\n\n> {word}\n> > {word}\n\n", f"\n\n- {word}\n  - {word}\n\n", f"**{word}**",
        f"\n\n```\n<script>{word}</script>\n```\n\n", f"`{word}`", "\n\n---\n\n", f"\n\n| a | b |\n|---|---|\n| {word} | x |\n\n",
        "<!--", "-->", "<![CDATA[<script>x</script>]]>", f"\n\n1. {word}\n2. {word}\n\n", "\\", "\n    indented code\n",
    ]))


BODY = st.lists(st.one_of(WORDS, EM, markdown(), element(), st.text(max_size=30)), max_size=12).map("".join)

DATES = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(str),
    st.sampled_from(["2022-05-26 10:00:00 +0800", "2022-05-26T10:00:00Z", "2022-05-26 10:00", "2022-13-45",
                     "yesterday", "", "[2022, 5]", "{a: 1}", "2022-05-26 10:00:00 +2500", "99999999999", "null"]),
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["yaml", "yaml", "yaml", "broken", "toml", "json", "none", "garbage"]))
    title = draw(st.one_of(TEXT, st.sampled_from(["央行降准", "<script>alert(1)</script>", "a: b", "'q", '"', "- x"])))
    date = draw(DATES)
    if kind == "yaml":
        lines = [f"title: {draw(st.sampled_from([repr(title), title, chr(34) + title + chr(34)]))}", f"date: {date}"]
        if draw(st.booleans()):
            lines.append(f"categories: {draw(st.sampled_from(['emnews', '[a, b]', '- x', '']))}")
        if draw(st.booleans()):
            lines.append(f"tags: {draw(st.sampled_from(['东财滚动新闻', '[测试, x]', '{a: b}', '']))}")
        if draw(st.booleans()):
            lines.append(f"url: {draw(URLS)}")
        if draw(st.booleans()):
            lines.append(f"source: {draw(TEXT)}")
        lines += draw(st.lists(st.sampled_from([
            "layout: post", "x: !!python/object/apply:os.system ['true']", "y: &a [1, 2]", "z: *a", "'k': v",
            "timezone: Asia/Shanghai", "date: 2022-01-01", "  indented: x", "\tx: tab",
        ]), max_size=3))
        return "---\n" + "\n".join(lines) + "\n---\n"
    if kind == "broken":
        return "---\n" + draw(st.text(alphabet="-+:=\n \"'#*&!|>[]{}()<>abcT0123456789年月日\t%@`", max_size=120)) + "\n---\n"
    if kind == "toml":
        return f"+++\ntitle = {title!r}\ndate = {date}\n" + draw(st.sampled_from(["", "[[[", "x = "])) + "\n+++\n"
    if kind == "json":
        return ";;;\n{" + f'"title": "{title}", "date": "{date}"' + draw(st.sampled_from(["}", "", ","])) + "\n;;;\n"
    if kind == "garbage":
        return draw(st.text(max_size=60))
    return ""


NAMES = st.one_of(
    st.sampled_from(["2022-05-26-202205262391921712", "-202205262391921712", "2022-05-30-NW202205302396506117",
                     "2021-12-01-init", "-rf", "--help", " space", "中文 名字", "e\u0301", "x" * 200]),
    st.text(alphabet="abc-_ 中文.0123456789", min_size=1, max_size=30),
)


@st.composite
def post(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(NAMES).replace("/", "_").strip(".") or "x"
    text = draw(front_matter()) + draw(BODY)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "bad", "binary"]))
    if encoding == "binary":  # refused with a reason
        raw = draw(st.binary(min_size=64, max_size=600)) + b"\x00" * 16
    elif encoding == "bad":
        raw = text.encode("utf-8", "surrogatepass")
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + draw(st.binary(max_size=8)) + raw[cut:]
    else:
        raw = text.encode(encoding, "replace")
    return name, raw


# --- the path -----------------------------------------------------------------------------------


class Pipeline:
    def __init__(self, folder: Path, viewer) -> None:  # type: ignore[no-untyped-def]
        self.folder = folder
        self.lib = Library.open(folder / "lib")
        self.viewer = viewer
        self.counter = itertools.count()
        self.examples = 0
        self.stored = 0
        self.reported = 0

    def run(self, name: str, raw: bytes) -> None:
        n = next(self.counter)
        d = self.folder / "posts" / f"ex{n}"
        d.mkdir(parents=True)
        path = d / f"{name}.md"
        path.write_bytes(raw)
        report = self.lib.import_paths([path], workers=1)
        self.examples += 1
        assert report.scanned == 1
        if report.failed:
            assert report.failed == 1 and report.added + report.updated == 0
            reason = report.failures[0].error
            assert reason and not reason.startswith(("could not parse", "unknown error")), reason
            self.reported += 1
            return
        assert report.added + report.updated + report.unchanged + report.duplicates == 1, report
        key = self.lib._one("SELECT key FROM source_file WHERE path = ?", (str(path.resolve()),))
        aid = self.lib.article_id(key)
        assert aid is not None, key
        a = self.lib.article(aid)
        assert a is not None and a.title
        problems = inert_problems(a.html)
        assert not problems, (problems, a.html[:2000])
        self.lib.rows([aid])
        self.viewer.show_article(a, [a.title[:4]])
        self.viewer.document().adjustSize()
        self.viewer.grab()
        self.stored += 1


@pytest.fixture(scope="module")
def viewer(qapp):  # type: ignore[no-untyped-def]
    from reader.ui.viewer import ArticleViewer

    v = ArticleViewer()
    v.resize(800, 600)
    yield v
    v.close()
    v.deleteLater()


@pytest.fixture
def pipeline(tmp_path: Path, viewer) -> Iterator[Pipeline]:  # type: ignore[no-untyped-def]
    p = Pipeline(tmp_path, viewer)
    yield p
    p.lib.close()


def _fuzz(pipeline: Pipeline, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, suppress_health_check=_HEALTH)
    @given(post())
    def one(p: tuple[str, bytes]) -> None:
        pipeline.run(*p)

    one()
    assert pipeline.examples > 0


def test_fuzz_whole_path_quick(pipeline: Pipeline) -> None:
    _fuzz(pipeline, QUICK_EXAMPLES)
    print(f"fuzz examples run: {pipeline.examples} (stored {pipeline.stored}, reported {pipeline.reported})")


@pytest.mark.slow
def test_fuzz_whole_path_long(pipeline: Pipeline) -> None:
    n = int(os.environ.get("FUZZ_EXAMPLES", "3000"))
    _fuzz(pipeline, n)
    print(f"fuzz examples run: {pipeline.examples} of {n} asked "
          f"(stored {pipeline.stored}, reported {pipeline.reported})")
