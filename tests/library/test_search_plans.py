"""Every way the planner may run a query returns what brute force finds: a filter leading a page
and its candidates probed a slice at a time (``Queries._probed_page``), one security's links
leading newest first (``sql.SECURITY_LEAD``), and the snippet's full-width folding.

The truth comes from each article's stored title and text and its stored marks, on a library
imported from the real posts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.search import _FULLWIDTH, snippet
from reader.core.textindex import normalize

WORDS = ["央行", "科技", "茅台", "上涨", "公司", "市场", "的"]


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[Library]:
    """The corpus with a reader's marks: every third article bookmarked, every fourth tagged."""
    lib = Library.open(tmp_path_factory.mktemp("plans") / "lib")
    assert lib.import_paths([corpus_dir], workers=1).failed == 0
    ids = lib.query_ids("")
    lib.set_bookmarked(ids[::3])
    lib.add_tags(ids[1::4], ["关注"])
    try:
        yield lib
    finally:
        lib.close()


@pytest.fixture(scope="module")
def docs(lib: Library) -> dict[int, dict[str, object]]:
    out: dict[int, dict[str, object]] = {}
    for aid in lib.query_ids(""):  # newest first
        a = lib.article(aid)
        assert a is not None
        out[aid] = {"text": normalize(a.title) + "\n" + normalize(a.text), "bookmarked": a.bookmarked,
                    "tags": set(a.user_tags), "secids": {s.secid for s in a.securities}}
    return out


def _truth(docs: dict[int, dict[str, object]], word: str, keep: object) -> list[int]:
    w = normalize(word)
    return [aid for aid, d in docs.items() if w in str(d["text"]) and keep(d)]  # type: ignore[operator]


def _secid(lib: Library) -> str:
    """The most-mentioned security."""
    return str(lib._one("SELECT sc.secid FROM article_security s JOIN security sc ON sc.id = s.security_id "
                        "GROUP BY sc.id ORDER BY count(*) DESC LIMIT 1"))


def _every_plan(lib: Library, query: str) -> dict[str, list[int]]:
    """The query's newest-first ids by every plan: the planner's own, each filter leading with
    its candidates probed in slices (pages of 1, 7 and 50 at offsets), and one statement."""
    q = lib.queries
    cq = q.compile(query)
    out = {"planned": q.ids(query, "published", True, None)}
    for drive in [None, *range(len(cq.filters))]:
        stmt, params = cq.sql(drive=drive)
        out[f"statement drive={drive}"] = [r[0] for r in lib._sql(stmt, params)]
        if drive is not None and cq.fts:
            for size in (1, 7, 50, 1000):
                pages: list[int] = []
                offset = 0
                while True:
                    page = q._probed_page(cq, "a.sort_key DESC", drive, size, offset)
                    pages += page
                    offset += size
                    if len(page) < size:
                        break
                out[f"probed drive={drive} page={size}"] = pages
    return out


@pytest.mark.parametrize("word", WORDS)
def test_word_with_bookmarks_or_tags_by_every_plan(lib: Library, docs: dict[int, dict[str, object]],
                                                    word: str) -> None:
    for query, keep in ((f"{word} is:bookmarked", lambda d: d["bookmarked"]),
                        (f"{word} tag:关注", lambda d: "关注" in d["tags"])):
        want = _truth(docs, word, keep)
        for plan, got in _every_plan(lib, query).items():
            assert got == want, (query, plan)
        assert [h.id for h in lib.search(query, limit=50)] == want[:50]


@pytest.mark.parametrize("word", WORDS)
def test_security_with_a_word_by_every_plan(lib: Library, docs: dict[int, dict[str, object]], word: str) -> None:
    secid = _secid(lib)
    query = f"sec:{secid} {word}"
    want = _truth(docs, word, lambda d: secid in d["secids"])  # type: ignore[operator]
    for plan, got in _every_plan(lib, query).items():
        assert got == want, plan
    assert [h.id for h in lib.search(query, limit=50)] == want[:50]


def test_one_security_leads_newest_first(lib: Library, docs: dict[int, dict[str, object]]) -> None:
    """Each security's own lead (its timeline index) pages exactly as the newest-first list."""
    secids = {s for d in docs.values() for s in d["secids"]}  # type: ignore[attr-defined]
    assert len(secids) > 20
    for secid in sorted(secids):
        want = [aid for aid, d in docs.items() if secid in d["secids"]]  # type: ignore[operator]
        cq = lib.queries.compile(f"sec:{secid}")
        if not cq.filters[0].lead:  # a code two markets share: their links are sorted instead
            continue
        for size in (1, 3, 50):
            got: list[int] = []
            offset = 0
            while True:
                stmt, params = cq.sql(limit=size, offset=offset, drive=0)
                assert "article_security s CROSS JOIN" in stmt
                page = [r[0] for r in lib._sql(stmt, params)]
                got += page
                offset += size
                if len(page) < size:
                    break
            assert got == want, secid
        assert [h.id for h in lib.search(f"sec:{secid}", limit=50)] == want[:50]
        assert lib.query_ids(f"sec:{secid}") == want
        assert lib.query_ids(f"sec:{secid}", descending=False) == want[::-1]


def _old_snippet(text: str, highlights: list[str], width: int = 90) -> str:
    """The snippet as it was made before, folding the whole text: the reference."""
    parts = [h for h in highlights if h]
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if any(c.isascii() for h in parts for c in h):
        low = low.translate(_FULLWIDTH)
    found = [i for h in parts if (i := low.find(h)) >= 0]
    first = min(found, default=-1)
    start = 0 if first < 0 else max(0, first - width // 3)
    end = min(len(text), start + width)
    extract, window = text[start:end].replace("\n", " "), low[start:end]
    spans: list[tuple[int, int]] = []
    for h in sorted(parts, key=len, reverse=True):
        i = window.find(h)
        while i >= 0:
            if not any(a < i + len(h) and i < b for a, b in spans):
                spans.append((i, i + len(h)))
            i = window.find(h, i + len(h))
    out, pos = [], 0
    for a, b in sorted(spans):
        out += [html.escape(extract[pos:a]), "<b>" + html.escape(extract[a:b]) + "</b>"]
        pos = b
    out.append(html.escape(extract[pos:]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def test_snippets_as_folding_the_whole_text_made_them(lib: Library) -> None:
    """The real texts, and the same with their Latin, digits and spaces made full-width, with
    highlights taken from them (numbers, Latin words, Chinese with a number): the same
    snippets as before."""
    texts = [a.text for aid in lib.query_ids("") if (a := lib.article(aid)) is not None]
    wide = [re.sub(r"[0-9A-Za-z%. ]", lambda m: "\u3000" if m.group() == " " else chr(ord(m.group()) + 0xFEE0),
                   t[len(t) // 3:]) for t in texts]
    checked = 0
    for text in texts + wide:
        norm = normalize(text)
        found = re.findall(r"[0-9][0-9.%]{1,5}|[a-z]{2,6} ?[0-9]{0,3}|[\u4e00-\u9fff]{2} ?[0-9.]{1,4}", norm)
        for hs in ([h] for h in found[:8]):
            assert snippet(text, hs) == _old_snippet(text, hs), hs
            checked += "<b>" in snippet(text, hs)
        assert snippet(text, found[:3] + ["央行"]) == _old_snippet(text, found[:3] + ["央行"])
    assert checked > 100


@pytest.mark.parametrize("phrase", ['"央行 降准"', '"下调 0.25"', '"公司 2022"', '"上涨 1"'])
def test_a_phrase_across_a_chinese_run_is_led_by_the_text_with_the_same_results(lib: Library, phrase: str) -> None:
    """Such a phrase holds the separator token (probing it per article costs milliseconds): the
    text leads, and every plan agrees on the articles."""
    for query in (f"{phrase} is:bookmarked", f"{phrase} tag:关注"):
        cq = lib.queries.compile(query)
        assert cq.fts and "\ue000" in cq.fts
        assert lib.queries.plan(cq, page=True) is None and lib.queries.plan(cq, page=False) is None
        plans = _every_plan(lib, query)
        assert len({tuple(v) for v in plans.values()}) == 1, plans
        assert [h.id for h in lib.search(query, limit=50)] == plans["planned"][:50]
