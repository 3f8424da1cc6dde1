"""A bare code alone (``600519``, ``BK0473``) finds the articles naming it in their text or
linking its security.  Its page merges two newest-first streams (the text's matches, the
security's links) instead of sorting their union: every page must be the same slice of the
whole result, in the same order, as the full list the ordinary plan gives; and the truth is
taken from the posts themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.core.library import Library

# A post that names a security in its text and links it too: it must be listed once.
BOTH = """---
layout: post
title: "白酒股走强 贵州茅台(600519)涨超3%"
date: 2022-06-01 10:00:00 +0800
categories: emnews
tags: 东财滚动新闻
---
<p>盘中<span id="stock_1.600519"><a href="http://quote.eastmoney.com/unify/r/1.600519" class="keytip"
data-code="1,600519">贵州茅台</a></span>（600519）涨超3%，成交额放大。</p>
"""


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Library:
    folder = tmp_path_factory.mktemp("code-page")
    extra = folder / "extra"
    extra.mkdir()
    (extra / "2022-06-01-202206012345678901.md").write_text(BOTH, encoding="utf-8")
    library = Library.open(folder / "lib")
    library.import_paths([corpus_dir, extra], workers=1)
    return library


def codes(lib: Library) -> list[str]:
    """The codes of the library's securities that a bare word can name (6-digit, 5-digit, BK)."""
    out = [s.code for s in lib.securities(limit=200) if re.fullmatch(r"\d{6}|\d{5}|BK\d{4}", s.code)]
    assert len(out) >= 5
    return out


def test_every_page_of_a_bare_code_is_its_slice_of_the_whole_result(lib: Library) -> None:
    checked = 0
    for code in codes(lib):
        whole = lib.query_ids(code)  # the ordinary plan: every match, sorted
        if not whole:
            continue
        for limit in (1, 2, 3, 50):
            assert lib.query_ids(code, limit=limit) == whole[:limit], code
            for offset in (0, 1, 2):
                page = [h.id for h in lib.search(code, limit=limit, offset=offset)]
                assert page == whole[offset:offset + limit], (code, limit, offset)
        checked += 1
    assert checked >= 5


def test_a_post_with_the_code_in_its_text_and_a_link_is_listed_once(lib: Library) -> None:
    page = lib.query_ids("600519", limit=50)
    both = lib.query_ids('"600519" sec:600519')
    assert len(both) == 1 and page.count(both[0]) == 1
    assert len(page) == len(set(page))


def test_a_bare_code_finds_its_links_and_its_text(lib: Library) -> None:
    for code in codes(lib)[:10]:
        sec_ids = set(lib.query_ids(f"sec:{code}"))
        text_ids = {a for a in lib.query_ids(f'"{code}"')}
        page = lib.query_ids(code, limit=10_000)
        assert set(page) == sec_ids | text_ids, code
        dated = [lib.article(a).published for a in page]  # type: ignore[union-attr]
        assert dated == sorted(dated, reverse=True), code  # newest first
