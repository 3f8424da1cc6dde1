"""Search over real posts: Chinese substrings exactly as brute force finds them, filters, order.

The truth is computed from each article's stored title and text (``Library.article``), both sides
normalised with ``reader.core.textindex.normalize``.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from library_helpers import KEY_PBOC, make_archive

from reader.core.library import Library, QueryError
from reader.core.textindex import normalize

IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
COMMON = ["科技", "茅台", "降准", "央行"]


@pytest.fixture(scope="module")
def docs(corpus_library: Library) -> dict[int, tuple[str, str]]:
    out = {}
    for aid in corpus_library.query_ids(""):
        a = corpus_library.article(aid)
        assert a is not None
        out[aid] = (normalize(a.title), normalize(a.text))
    return out


def truth(docs: dict[int, tuple[str, str]], *words: str, without: tuple[str, ...] = ()) -> set[int]:
    ws = [normalize(w) for w in words]
    ns = [normalize(w) for w in without]
    return {
        aid for aid, (title, text) in docs.items()
        if all(w in title or w in text for w in ws) and not any(n in title or n in text for n in ns)
    }


def _runs(docs: dict[int, tuple[str, str]]) -> list[str]:
    return sorted({run for title, text in docs.values() for s in (title, text) for run in IDEOGRAPH.findall(s)})


@pytest.fixture(scope="module")
def samples(docs: dict[int, tuple[str, str]]) -> dict[str, list[str]]:
    """A few hundred 1-, 2- and 3-character substrings, and strings spanning punctuation."""
    runs = _runs(docs)
    rng = random.Random(20220530)
    out: dict[str, list[str]] = {}
    for n in (1, 2, 3):
        subs = sorted({run[i:i + n] for run in runs for i in range(len(run) - n + 1)})
        out[str(n)] = rng.sample(subs, min(len(subs), 120))
    # the ideographs of a text with its punctuation dropped: substrings across a dropped
    # boundary (央行。降准 -> 行降) are not in the text and must match nothing there
    inside = {run[i:i + n] for run in runs for n in (2, 3) for i in range(len(run) - n + 1)}
    spanning: set[str] = set()
    for title, text in docs.values():
        for s in (title, text):
            found = list(IDEOGRAPH.finditer(s))
            for a, b in zip(found, found[1:], strict=False):
                for left in (1, 2):
                    for right in (1, 2):
                        if len(a.group()) >= left and len(b.group()) >= right:
                            q = a.group()[-left:] + b.group()[:right]
                            if q not in inside:
                                spanning.add(q)
    out["spanning"] = rng.sample(sorted(spanning), min(len(spanning), 120))
    return out


def _mismatches(lib: Library, docs: dict[int, tuple[str, str]], queries: list[str]) -> list[str]:
    bad = []
    for q in queries:
        want, got = truth(docs, q), set(lib.query_ids(q))
        if want != got:
            bad.append(f"{q!r}: expected {len(want)}, got {len(got)} (missing {sorted(want - got)[:5]}, "
                       f"extra {sorted(got - want)[:5]})")
    return bad


@pytest.mark.parametrize("kind", ["1", "2", "3", "spanning"])
def test_chinese_substrings_match_exactly(corpus_library: Library, docs: dict[int, tuple[str, str]],
                                          samples: dict[str, list[str]], kind: str) -> None:
    queries = samples[kind]
    assert len(queries) >= min(100, len(queries)) and queries
    assert _mismatches(corpus_library, docs, queries) == []
    if kind != "spanning":
        assert all(truth(docs, q) for q in queries)  # each occurs somewhere
    else:
        assert sum(1 for q in queries if not truth(docs, q)) > len(queries) // 2  # mostly nowhere


def test_common_words(corpus_library: Library, docs: dict[int, tuple[str, str]]) -> None:
    assert _mismatches(corpus_library, docs, COMMON) == []
    assert truth(docs, "央行") and truth(docs, "茅台")


def test_mixed_queries(corpus_library: Library, docs: dict[int, tuple[str, str]],
                       samples: dict[str, list[str]]) -> None:
    rng = random.Random(7)
    cases: list[tuple[list[str], list[str]]] = [
        (["央行", "降准"], []), (["科技", "茅台"], []), (["央行"], ["降准"]), (["经济"], ["央行", "科技"]),
        (["贵州茅台", "腾讯"], []), (["市场", "央"], ["行"]),
    ]
    pool = samples["1"] + samples["2"] + samples["3"]
    for _ in range(40):
        words = rng.sample(pool, rng.randint(1, 3))
        cases.append((words, rng.sample(pool, rng.randint(0, 2))))
    bad = []
    for words, without in cases:
        q = " ".join(words + ["-" + w for w in without])
        want, got = truth(docs, *words, without=tuple(without)), set(corpus_library.query_ids(q))
        if want != got:
            bad.append(f"{q!r}: expected {len(want)}, got {len(got)}")
    assert bad == []


def test_excluded_only(corpus_library: Library, docs: dict[int, tuple[str, str]]) -> None:
    for q, words in (("-央行", ("央行",)), ("-央行 -科技", ("央行", "科技"))):
        want = truth(docs, without=words)
        assert set(corpus_library.query_ids(q)) == want
        page = corpus_library.query_ids(q, limit=5)
        assert page == corpus_library.query_ids(q)[:5]
        assert corpus_library.count(q) == len(want)


def test_latin_words_case_insensitive(corpus_library: Library, docs: dict[int, tuple[str, str]]) -> None:
    checked = 0
    for word in ("gdp", "choice", "nasdaq", "ppi", "etf"):
        pattern = re.compile(rf"(?<![a-z0-9]){word}(?![a-z0-9])")
        want = {aid for aid, (t, x) in docs.items() if pattern.search(t) or pattern.search(x)}
        for q in (word, word.upper(), word.capitalize()):
            assert set(corpus_library.query_ids(q)) == want, q
        checked += bool(want)
    assert checked >= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_strings_from_the_corpus_alphabet(corpus_library: Library, docs: dict[int, tuple[str, str]],
                                                 data: st.DataObject) -> None:
    runs = _runs(docs)
    alphabet = sorted(set("".join(runs)))
    if data.draw(st.booleans()):
        q = data.draw(st.text(alphabet=st.sampled_from(alphabet), min_size=1, max_size=4))
    else:  # a piece of real text, so that longer strings match too
        run = data.draw(st.sampled_from(runs))
        i = data.draw(st.integers(0, len(run) - 1))
        q = run[i:i + data.draw(st.integers(1, 6))]
    assert set(corpus_library.query_ids(q)) == truth(docs, q), q


def test_results_newest_first_with_highlighted_snippets(corpus_library: Library,
                                                        docs: dict[int, tuple[str, str]]) -> None:
    hits = corpus_library.search("央行", limit=500)
    assert {h.id for h in hits} == truth(docs, "央行")
    published = [h.published for h in hits]
    assert published == sorted(published, reverse=True)
    for h in hits:
        title, text = docs[h.id]
        if "央行" in text:
            assert "<b>央行</b>" in h.snippet
        else:
            assert "央行" in title
        assert set(h.to_json()) == {"key", "title", "published", "snippet"}
    assert [h.id for h in corpus_library.search("央行", limit=3, offset=2)] == [h.id for h in hits[2:5]]
    assert corpus_library.query_ids("央行") == [h.id for h in hits]


# --- filters -----------------------------------------------------------------------------------


@pytest.fixture
def user_lib(tmp_path: Path, corpus_dir: Path) -> Iterator[Library]:
    """The corpus with the reader's data on a few articles."""
    lib = Library.open(tmp_path / "lib")
    lib.import_paths([make_archive(tmp_path / "archive", corpus_dir)], workers=1)
    ids = lib.query_ids("")
    lib.set_bookmarked(ids[::3])
    lib.set_read(ids[::2])
    lib.add_tags(ids[1::4], ["关注"])
    lib.add_tags(ids[:2], ["Later"])
    lib.watch(["1.600519"])
    try:
        yield lib
    finally:
        lib.close()


def _all_plans(lib: Library, query: str) -> list[set[int]]:
    """The results of every plan the library may choose for this query, pages and all."""
    cq = lib.compile(query)
    out = []
    for drive in [None, *range(len(cq.filters))]:
        for limit in (None, 10_000):
            sql, params = cq.sql(limit=limit, drive=drive)
            out.append({r[0] for r in lib._sql(sql, params)})
    return out


def test_filters_match_the_articles_data(user_lib: Library) -> None:
    lib = user_lib
    arts = {aid: lib.article(aid) for aid in lib.query_ids("")}
    tz = dt.timezone(dt.timedelta(hours=8))
    day = dt.datetime(2022, 5, 1, tzinfo=tz)

    def where(pred: object) -> set[int]:
        return {aid for aid, a in arts.items() if pred(a)}  # type: ignore[operator]

    expected = {
        "is:bookmarked": where(lambda a: a.bookmarked),
        "is:unread": where(lambda a: not a.read),
        "is:read": where(lambda a: a.read),
        "is:tagged": where(lambda a: a.user_tags),
        "is:watched": where(lambda a: any(s.secid == "1.600519" for s in a.securities)),
        "tag:关注": where(lambda a: "关注" in a.user_tags),
        "tag:later": where(lambda a: "Later" in a.user_tags),
        "tag:东财滚动新闻": where(lambda a: "东财滚动新闻" in a.tags),
        "cat:emnews": where(lambda a: "emnews" in a.categories),
        "cat:EMNEWS": where(lambda a: "emnews" in a.categories),
        "source:央行网站": where(lambda a: a.source == "央行网站"),
        "sec:1.600519": where(lambda a: any(s.secid == "1.600519" for s in a.securities)),
        "sec:600519": where(lambda a: any(s.secid == "1.600519" for s in a.securities)),
        "sec:600519.SH": where(lambda a: any(s.secid == "1.600519" for s in a.securities)),
        "sec:贵州茅台": where(lambda a: any(s.name == "贵州茅台" for s in a.securities)),
        "sec:00700.HK": where(lambda a: any(s.secid == "116.00700" for s in a.securities)),
        "sec:nosuchthing": set(),
        "after:2022-05-01": where(lambda a: a.published >= day),
        "before:2022-05-01": where(lambda a: a.published < day),
        f"key:{KEY_PBOC}": where(lambda a: a.key == KEY_PBOC),
        "-is:bookmarked": where(lambda a: not a.bookmarked),
        "-cat:emnews": where(lambda a: "emnews" not in a.categories),
        "-sec:nosuchthing": set(arts),
    }
    assert expected["sec:600519"] and expected["source:央行网站"] and expected["is:bookmarked"]
    words = {"": set(arts), "央行": {aid for aid, a in arts.items() if "央行" in normalize(a.title + "\n" + a.text)},
             "-央行": {aid for aid, a in arts.items() if "央行" not in normalize(a.title + "\n" + a.text)}}
    for q, want in expected.items():
        for w, with_word in words.items():
            query = f"{w} {q}".strip()
            results = _all_plans(lib, query)
            assert all(r == want & with_word for r in results), query
            assert set(lib.query_ids(query)) == want & with_word, query
            assert lib.count(query) == len(want & with_word), query
    # several filters at once
    q = "央行 is:unread cat:emnews after:2022-01-01"
    want = {aid for aid, a in arts.items() if "央行" in normalize(a.title + "\n" + a.text) and not a.read
            and "emnews" in a.categories and a.published >= dt.datetime(2022, 1, 1, tzinfo=tz)}
    assert all(r == want for r in _all_plans(lib, q))


def test_filter_values_with_spaces_and_quotes(user_lib: Library) -> None:
    ids = user_lib.query_ids("")
    user_lib.add_tags(ids[:1], ["to read"])
    assert user_lib.query_ids('tag:"to read"') == ids[:1]


def test_bad_queries_raise_query_error(corpus_library: Library) -> None:
    for q in ("before:someday", "after:2022-13-45", "is:happy"):
        with pytest.raises(QueryError):
            corpus_library.query_ids(q)


def test_sort_orders(corpus_library: Library) -> None:
    ids = corpus_library.query_ids("")
    assert corpus_library.query_ids("", descending=False) == ids[::-1]
    by_title = corpus_library.query_ids("", sort="title", descending=False)
    rows = corpus_library.rows(by_title)
    titles = [rows[i].title for i in by_title]
    fold = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    assert titles == sorted(titles, key=lambda t: t.translate(fold).encode("utf-8"))
    assert corpus_library.query_ids("央行", limit=3) == corpus_library.query_ids("央行")[:3]


# --- tokenisation edge cases, on posts written for them -----------------------------------------


def _key(n: int) -> str:
    return f"2022060{n:02d}0000000{n:02d}"


def _post(folder: Path, n: int, title: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"2022-06-{n:02d}-{_key(n)}.md").write_text(
        f'---\nlayout: post\ntitle: "{title}"\ndate: 2022-06-{n:02d} 10:00:00 +0800\n'
        f"categories: emnews\ntags: 东财滚动新闻\n---\n\n<p>{body}</p>\n",
        encoding="utf-8",
    )


CRAFTED = [
    ("二〇二二年经济展望", "二〇二二年，央行逆回购操作平稳。"),  # 1
    ("逆回购，操作", "央行开展逆回购，操作规模100亿元。"),  # 2
    ("操作逆回购", "操作逆回购的节奏有所放缓。"),  # 3
    ("ＧＤＰ同比增长５％", "一季度ＧＤＰ增长，NASDAQ指数下跌。"),  # 4
    ("ア・イ 々 ソニー", "ソニー・グループ株式会社；人々的期待。"),  # 5
    ("符号测试", "正文提到 a&lt;b 与 降准0.5个百分点。"),  # 6
    ("𠀀生僻字", "罕见字𠀀𠀁出现在正文。"),  # 7
    ("〇与二", "二二得四，〇是零，人们。"),  # 8: every piece of 二〇二二 and 人々, never together
]


@pytest.fixture
def crafted(tmp_path: Path) -> Iterator[tuple[Library, dict[int, tuple[str, str]], dict[int, int]]]:
    """A library of the posts above; also {post number: article id}."""
    folder = tmp_path / "archive" / "_posts"
    for i, (t, b) in enumerate(CRAFTED, 1):
        _post(folder, i, t, b)
    lib = Library.open(tmp_path / "lib")
    report = lib.import_paths([tmp_path / "archive"])
    assert report.added == len(CRAFTED) and report.failed == 0
    docs = {}
    for aid in lib.query_ids(""):
        a = lib.article(aid)
        assert a is not None
        docs[aid] = (normalize(a.title), normalize(a.text))
    number = {n: lib.article_id(_key(n)) for n in range(1, len(CRAFTED) + 1)}
    try:
        yield lib, docs, number  # type: ignore[misc]
    finally:
        lib.close()


Crafted = tuple[Library, dict[int, tuple[str, str]], dict[int, int]]


def test_crafted_substrings_match_exactly(crafted: Crafted) -> None:
    lib, docs, _ = crafted
    queries = ["二〇二二", "〇二", "二〇", "〇", "逆回购", "回购操", "购操", "々", "人々", "ソニー", "ソ", "ニー",
               "𠀀", "𠀀𠀁", "罕见字𠀀", "降准"]
    for title, text in docs.values():
        for s in (title, text):
            for n in (1, 2, 3):
                queries += [s[i:i + n] for i in range(len(s) - n + 1) if IDEOGRAPH.fullmatch(s[i:i + n])]
    assert _mismatches(lib, docs, sorted(set(queries))) == []


def test_phrases(crafted: Crafted) -> None:
    lib, _, number = crafted

    def posts(q: str) -> set[int]:
        found = set(lib.query_ids(q))
        return {n for n, aid in number.items() if aid in found}

    # two Chinese words apart or together, in this order
    assert posts('"逆回购 操作"') == {1, 2}
    assert posts('"逆回购操作"') == {1}
    assert posts("逆回购 操作") == {1, 2, 3}
    assert posts('"降准 0.5"') == posts('"降准0.5"') == {6}
    assert posts('"0.5 降准"') == set()
    assert posts('"二〇二二年"') == {1}


def test_latin_and_full_width(crafted: Crafted) -> None:
    lib, _, number = crafted
    gdp = lib.query_ids("gdp")
    assert gdp == [number[4]]
    assert lib.query_ids("GDP") == gdp == lib.query_ids("ＧＤＰ")
    assert lib.query_ids("nasdaq") == lib.query_ids("NASDAQ") == lib.query_ids("Nasdaq") == gdp
    hits = lib.search("gdp")
    assert "<b>ＧＤＰ</b>" in hits[0].snippet


def test_snippets_are_escaped(crafted: Crafted) -> None:
    lib, _, number = crafted
    hits = lib.search("降准")
    assert [h.id for h in hits] == [number[6]]
    assert "<b>降准</b>" in hits[0].snippet
    assert "a&lt;b" in hits[0].snippet


def test_normalize_is_nfkc_lower() -> None:
    samples = ["ＧＤＰ同比增长５％，", "…ﬁ㈱①Ⅻ", "ＡＢＣ　ｄｅｆ", "e\u0301 Ω K", "ガ\u3099ｶﾞ", "ΑΣ ΑΣ.",
               "plain ascii", "中文，标点！？"]
    for s in samples:
        assert normalize(s) == unicodedata.normalize("NFKC", s).lower(), s


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_normalize_equals_nfkc_lower_on_any_text(s: str) -> None:
    assert normalize(s) == unicodedata.normalize("NFKC", s).lower()
