"""The source of the short posts: a trailing ``……模式。（财联社）`` names it when no 文章来源 does.

Which corpus files name which source is worked out here from the raw files, with rules of the
test's own (the last paragraph of the markdown body, a bracket right after its final 。), and
compared with what the parser gives for every file of the corpus; synthetic posts cover the
brackets that are not sources.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.post import parse_bytes, parse_file, story_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "2021-12-08-202112082206883363.md"  # the example: ……路径模式。（财联社）
HEADLINE_ONLY = "2021-12-08-202112082207150622.md"  # body = title = "……哪些股？（附名单）"

_TAG = re.compile(r"<[^>]+>")
_SOURCE_LINE = re.compile(r"文章来源[:：]\s*([^）)\n]+?)\s*[）)]")
_CLOSING = re.compile(r"。\s*[（(]([^（）()]{2,16})[）)]$")


def _body(raw: str) -> str:
    text = raw.lstrip("\n")
    if text.startswith("---"):
        text = text.split("---", 2)[2]
    return text


def expected_source(path: Path) -> str:
    """The source a reader sees in this file, by the test's own reading of it."""
    raw = path.read_text(encoding="utf-8")
    line = _SOURCE_LINE.search(_TAG.sub("", raw))
    if line:
        return line.group(1)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", _body(raw)) if p.strip()]
    paragraphs = [p for p in paragraphs
                  if not re.fullmatch(r"<(?:https?://\S*)?>", p) and not p.startswith("[返回")]
    m = _CLOSING.search(paragraphs[-1]) if paragraphs else None
    return m.group(1) if m else ""


def corpus_expectations(corpus: Path) -> dict[str, str]:
    return {f.name: expected_source(f) for f in sorted(corpus.glob("*.md"))}


def trailing_cases(corpus: Path) -> dict[str, str]:
    """The files whose source is their closing bracket (no 文章来源 line)."""
    return {name: src for name, src in corpus_expectations(corpus).items()
            if src and "文章来源" not in (corpus / name).read_text(encoding="utf-8")}


# -- the real posts -----------------------------------------------------------------------------


def test_every_corpus_post_gets_the_source_its_text_names(corpus_dir: Path) -> None:
    expected = corpus_expectations(corpus_dir)
    got = {name: parse_file(corpus_dir / name).source for name in expected}
    assert got == expected
    trailing = trailing_cases(corpus_dir)
    assert trailing[EXAMPLE] == "财联社"
    assert expected[HEADLINE_ONLY] == ""
    if len(expected) == 160:  # the shared folder: dozens of them, both kinds of bracket
        assert len(trailing) >= 30
        assert {"央视新闻", "中证网"} <= set(trailing.values())  # "。(央视新闻)": ASCII brackets


def test_the_closing_sentence_is_kept_as_written(corpus_dir: Path) -> None:
    for name, source in trailing_cases(corpus_dir).items():
        a = parse_file(corpus_dir / name)
        assert re.search(rf"。\s*[（(]{re.escape(source)}[）)]$", a.text), name
        assert a.text.count(source) >= 1 and a.html.rstrip().endswith("</p>")


def test_parse_json_gives_the_source_with_the_same_keys(corpus_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "parse", str(corpus_dir / EXAMPLE), "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    [obj] = json.loads(proc.stdout)
    assert obj["source"] == "财联社"
    assert obj["text"].endswith("筑牢高质量发展的路径模式。（财联社）")
    assert set(obj) == {"path", "key", "title", "published", "categories", "tags", "source", "url",
                        "summary", "securities", "html", "text", "warnings", "error"}


def test_source_search_and_the_sources_list_find_them_in_a_library(tmp_path: Path, corpus_dir: Path) -> None:
    expected = corpus_expectations(corpus_dir)
    by_source: dict[str, set[str]] = {}
    for name, src in expected.items():
        if src:
            # a story's copies are one article, keyed by its code (NW prefix left out)
            by_source.setdefault(src, set()).add(story_of(parse_file(corpus_dir / name).key))
    lib = Library.open(tmp_path / "lib")
    try:
        report = lib.import_paths([corpus_dir], workers=1)
        assert report.failed == 0, report.failures
        found = {h.key for h in lib.search("source:财联社", limit=1000)}
        assert found == by_source["财联社"]
        assert story_of(parse_file(corpus_dir / EXAMPLE).key) in found
        assert dict(lib.sources()) == {src: len(keys) for src, keys in by_source.items()}
    finally:
        lib.close()


# -- synthetic posts: what a closing bracket may hold -------------------------------------------

URL_AND_FOOTER = "\n\n<http://finance.eastmoney.com/news/1355,202112082206883363.html>\n\n[返回首页](../)\n"


def post(body: str, *, title: str = "国家知识产权局：严厉打击非正常申请行为", front: str = "") -> str:
    return (f'---\nlayout: post\ntitle: "{title}"\ndate: 2021-12-08 11:49:27\n{front}'
            f"categories: emnews\ntags: 东财滚动新闻\n---\n\n{body}{URL_AND_FOOTER}")


def source_of(body: str, **kw: str) -> str:
    return parse_bytes(post(body, **kw).encode(), Path("2021-12-08-202112089999999999.md")).source


SENTENCE = "国家知识产权局将推动地方优化专利商标资助政策，筑牢高质量发展的路径模式。"


@pytest.mark.parametrize(("closing", "source"), [
    ("（财联社）", "财联社"),
    (" （证券时报）", "证券时报"),
    ("（e公司）", "e公司"),
    ("（21世纪经济报道）", "21世纪经济报道"),
    ("（中国证券报·中证网）", "中国证券报·中证网"),
    ("(中证网)", "中证网"),  # ASCII brackets after the sentence: three posts of the corpus
    ("（来源：新华社）", "新华社"),
])
def test_a_name_closing_the_last_paragraph_is_the_source(closing: str, source: str) -> None:
    assert source_of(SENTENCE + closing) == source


def test_a_bracket_alone_as_the_last_paragraph_is_the_source() -> None:
    assert source_of(SENTENCE + "\n\n（北京日报）") == "北京日报"


@pytest.mark.parametrize("closing", [
    "（12-08）", "（12月8日）", "（2021-12-08 11:49）", "（15:30）",  # dates and times
    "（3.5%）", "（亿元）", "（万股）", "（美元）", "（600519）", "（00700.HK）", "（2021年）",  # figures
    "（附名单）", "（附全文）", "（完）", "（二）", "（下同）", "（记者 张三）", "（张三 摄）",  # notes
    "（本文仅供参考，不构成任何投资建议，投资者据此操作风险自担）",  # an aside
    "（以下数据均来自公司公告及东方财富Choice数据库的统计整理结果）",  # a long one, no commas
])
def test_dates_figures_notes_and_asides_are_not_sources(closing: str) -> None:
    assert source_of(SENTENCE + closing) == ""


@pytest.mark.parametrize("body", [
    "据财联社报道，国家知识产权局将推动地方优化专利商标资助政策（财联社）",  # no sentence ends it
    "北向资金净流入超40亿元，贵州茅台(600519)",  # a code in ASCII brackets, mid-sentence
    "国家知识产权局（财联社）称，将推动地方优化专利商标资助政策。",  # a bracket mid-text
    SENTENCE + "（财联社）\n\n下一步，国家知识产权局将严厉打击非正常申请行为。",  # not the last paragraph
    SENTENCE + "（财联社）。",  # the sentence goes on after it
])
def test_a_bracket_that_does_not_close_the_post_is_not_its_source(body: str) -> None:
    assert source_of(body) == ""


def test_the_source_line_and_the_front_matter_come_first() -> None:
    em_media = '<p class="em_media">（文章来源：证券时报）</p>'
    assert source_of(f"<p>{SENTENCE}（财联社）</p>{em_media}") == "证券时报"
    assert source_of(SENTENCE + "（财联社）", front="source: 新华社\n") == "新华社"


def test_a_headline_only_post_keeps_its_bracket_in_the_headline() -> None:
    title = "南向资金连续第10日净流入！来看看都买了哪些股？（财联社）"
    assert source_of(title, title=title) == ""
    assert source_of(SENTENCE + "（财联社）", title=title) == "财联社"


def test_the_text_keeps_the_bracket() -> None:
    a = parse_bytes(post(SENTENCE + "（财联社）").encode(), Path("2021-12-08-202112089999999999.md"))
    assert a.text == SENTENCE + "（财联社）"
    assert a.warnings == []
