"""One story, one article: a story's copies (``NW<code>`` in a media category, ``<code>`` in
``emnews``, the same post in ``_posts/`` and ``old_post/``) are merged at import.

The truth is computed here from the raw files (their names' info codes and their front
matter's categories), never from the reader's own parser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from reader.core.library import Library

CODE_RE = re.compile(r"(?:NW)?(\d{12,24})\.md$")
CATEGORIES_RE = re.compile(r"^categories:\s*(.*?)\s*$", re.M)
PAIR = ("2022-04-21-202204212352230938.md", "2022-04-21-NW202204212352230938.md")  # emnews, cailianshe
STORY = "202204212352230938"


def stories_of(files: list[Path]) -> dict[str, list[Path]]:
    """story -> its files: the info code in the name, else the name after any flattening prefix."""
    out: dict[str, list[Path]] = defaultdict(list)
    for f in files:
        m = CODE_RE.search(f.name)
        out[m.group(1) if m else f.stem.rsplit("__", 1)[-1].lower()].append(f)
    return out


def raw_categories(path: Path) -> list[str]:
    m = CATEGORIES_RE.search(path.read_text(encoding="utf-8"))
    return m.group(1).split() if m else []


def view(lib: Library, key: str) -> dict[str, Any]:
    """What ``show --json`` says of an article, less what depends on when it was stored."""
    art = lib.article(key)
    assert art is not None, key
    return art.to_json()


def test_the_corpus_is_one_article_per_story_and_each_pair_one_article_with_both_categories(
        corpus_library: Library, corpus_dir: Path) -> None:
    files = sorted(corpus_dir.glob("*.md"))
    stories = stories_of(files)
    assert len(stories) < len(files)
    assert corpus_library.stats()["articles"] == len(stories) == len(corpus_library.query_ids(""))
    cross = 0
    for story, copies in stories.items():
        if len(copies) < 2:
            continue
        ids = {corpus_library.article_id(CODE_RE.search(f.name).group(0)[:-3] if CODE_RE.search(f.name)
                                         else f.stem) for f in copies}
        assert len(ids) == 1 and None not in ids, copies
        art = corpus_library.article(ids.pop())
        assert art is not None
        wanted = {c for f in copies for c in raw_categories(f)}
        assert set(art.categories) == wanted, story
        assert sorted(art.paths) == sorted(str(f) for f in copies)
        assert {c for cat in wanted for c in [cat]} <= {n for n, _ in corpus_library.categories()}
        cross += len(wanted) > 1
    assert cross >= 3  # the emnews / media-category pairs


def test_the_sidebar_counts_a_story_under_each_of_its_categories(corpus_library: Library,
                                                                 corpus_dir: Path) -> None:
    counts = dict(corpus_library.categories())
    truth: dict[str, set[str]] = defaultdict(set)
    for story, copies in stories_of(sorted(corpus_dir.glob("*.md"))).items():
        for f in copies:
            for cat in raw_categories(f):
                truth[cat].add(story)
    assert counts == {cat: len(s) for cat, s in truth.items()}
    for cat, n in counts.items():
        assert corpus_library.count(f"cat:{cat}") == n


def test_show_takes_any_copys_key_and_gives_the_richest_body(corpus_library: Library) -> None:
    a, b = view(corpus_library, "NW" + STORY), view(corpus_library, STORY)
    assert a == b
    assert a["key"] == STORY and a["keys"] == [STORY, "NW" + STORY]  # the emnews copy: the longer text
    assert a["categories"] == ["emnews", "cailianshe"] and a["tags"] == ["东财滚动新闻", "财联社新闻"]
    assert a["url"].startswith("http://finance.eastmoney.com/")
    assert a["urls"][1] == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW" + STORY
    assert a["summary"]  # the emnews copy's digest


def _copy(corpus_dir: Path, dest: Path, *names: str) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name in names:
        shutil.copy2(corpus_dir / name, dest / name)
        out.append(dest / name)
    return out


def _imported(tmp_path: Path, name: str, *batches: list[Path]) -> dict[str, Any]:
    with Library.open(tmp_path / name) as lib:
        for batch in batches:
            report = lib.import_paths(batch, workers=1)
            assert report.failed == 0
        assert lib.stats()["articles"] == 1
        return view(lib, STORY)


def test_the_order_of_the_copies_does_not_matter(tmp_path: Path, corpus_dir: Path) -> None:
    plain, nw = _copy(corpus_dir, tmp_path / "posts", *PAIR)
    together = _imported(tmp_path, "together", [plain, nw])
    assert _imported(tmp_path, "plain-first", [plain], [nw]) == together
    assert _imported(tmp_path, "nw-first", [nw], [plain]) == together
    assert together["categories"] == ["emnews", "cailianshe"]


def test_the_report_counts_the_joining_file_as_merged(tmp_path: Path, corpus_dir: Path) -> None:
    plain, nw = _copy(corpus_dir, tmp_path / "posts", *PAIR)
    with Library.open(tmp_path / "lib") as lib:
        first = lib.import_paths([nw], workers=1)
        assert (first.added, first.merged) == (1, 0)
        second = lib.import_paths([plain, nw], workers=1)
        assert (second.added, second.updated, second.unchanged, second.merged, second.duplicates) == (0, 0, 1, 1, 1)
        [dup] = second.duplicate_files
        assert (dup.path, dup.kept) == (str(plain), True)  # the richer copy: the article's body now
        again = lib.import_paths([plain, nw], workers=1)
        assert (again.unchanged, again.merged, again.parsed) == (2, 0, 0)


def test_a_changed_copy_gives_the_article_a_fresh_import_would(tmp_path: Path, corpus_dir: Path) -> None:
    plain, nw = _copy(corpus_dir, tmp_path / "posts", *PAIR)
    lib = Library.open(tmp_path / "lib")
    try:
        lib.import_paths([plain, nw], workers=1)
        lib.set_bookmarked([lib.article_id(STORY)])
        # the media copy gains a linked security and a category: now it is the richest
        text = nw.read_text(encoding="utf-8").replace("categories: cailianshe", "categories: cailianshe kuaixun")
        text = text.replace("长春发布《", '<span id="stock_1.600519"><a href="http://quote.eastmoney.com/unify/r/'
                                        '1.600519" class="keytip" data-code="1,600519">贵州茅台</a></span>长春发布《', 1)
        nw.write_text(text, encoding="utf-8")
        report = lib.import_paths([tmp_path / "posts"], workers=1)
        assert (report.updated, report.unchanged) == (1, 1)
        after = view(lib, STORY)
        assert after["bookmarked"] and after["keys"][0] == "NW" + STORY
    finally:
        lib.close()
    fresh = _imported(tmp_path, "fresh", [plain, nw])
    assert {k: v for k, v in after.items() if k != "bookmarked"} == {k: v for k, v in fresh.items() if k != "bookmarked"}
    assert [s["secid"] for s in after["securities"]] == ["1.600519"]
    assert after["categories"] == ["cailianshe", "kuaixun", "emnews"]


@pytest.mark.parametrize("deleted", [0, 1], ids=["richest-deleted", "other-deleted"])
def test_deleting_a_copys_file_leaves_the_article_of_the_other(tmp_path: Path, corpus_dir: Path,
                                                               deleted: int) -> None:
    files = _copy(corpus_dir, tmp_path / "posts", *PAIR)
    lib = Library.open(tmp_path / "lib")
    try:
        lib.import_paths([tmp_path / "posts"], workers=1)
        lib.add_tags([lib.article_id(STORY)], ["关注"])
        files[deleted].unlink()
        lib.import_paths([tmp_path / "posts"], workers=1)
        after = view(lib, STORY)
        assert lib.stats()["articles"] == 1 and after["user_tags"] == ["关注"]
        # the file comes back: it joins the article again
        _copy(corpus_dir, tmp_path / "posts", PAIR[deleted])
        assert lib.import_paths([tmp_path / "posts"], workers=1).merged == 1
        back = view(lib, STORY)
    finally:
        lib.close()
    left = _imported(tmp_path, "left", [files[1 - deleted]])
    assert {k: v for k, v in after.items() if k != "user_tags"} == {k: v for k, v in left.items() if k != "user_tags"}
    both = _imported(tmp_path, "both", files)
    assert {k: v for k, v in back.items() if k != "user_tags"} == {k: v for k, v in both.items() if k != "user_tags"}


def test_copies_that_disagree_on_title_and_time_still_merge_with_a_warning(tmp_path: Path,
                                                                           corpus_dir: Path) -> None:
    plain, nw = _copy(corpus_dir, tmp_path / "posts", *PAIR)
    text = nw.read_text(encoding="utf-8")
    nw.write_text(text.replace("date: 2022-04-21 18:36:14", "date: 2022-04-21 19:00:00")
                  .replace('title: "长春发布', 'title: "吉林长春发布'), encoding="utf-8")
    with Library.open(tmp_path / "lib") as lib:
        report = lib.import_paths([plain, nw], workers=1)
        assert (report.added, report.merged) == (1, 1)
        art = view(lib, STORY)
        assert art["title"].startswith("长春发布") and art["published"] == "2022-04-21T18:36:14+08:00"
        assert any(w.startswith("copies of this story disagree on the title") for w in art["warnings"])
        assert any(w.startswith("copies of this story disagree on the time") for w in art["warnings"])
        assert {w.path for w in report.warnings} == {str(nw)}


def test_user_data_waiting_under_a_copys_key_reaches_the_merged_article(tmp_path: Path, corpus_dir: Path) -> None:
    plain, nw = _copy(corpus_dir, tmp_path / "posts", *PAIR)
    data = tmp_path / "data.json"
    with Library.open(tmp_path / "old") as old:
        old.import_paths([nw], workers=1)
        aid = old.article_id("NW" + STORY)
        old.set_bookmarked([aid])
        old.add_tags([aid], ["媒体"])
        old.export_user_data(data)
    # as an older version wrote it: keyed by the media copy's own key
    data.write_text(data.read_text(encoding="utf-8").replace(f'"{STORY}"', f'"NW{STORY}"'), encoding="utf-8")
    assert f'"NW{STORY}"' in data.read_text(encoding="utf-8")
    with Library.open(tmp_path / "lib") as lib:
        lib.import_user_data(data)  # nothing here yet: it waits
        lib.import_paths([plain], workers=1)
        lib.import_paths([nw], workers=1)
        art = view(lib, STORY)
        assert art["bookmarked"] and art["user_tags"] == ["媒体"]


# -- the command line ------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
CPPIB = "202205302396671645"  # 加拿大年金计划委员会…: emnews links 8 securities, zhongguozhengquanbao none
TENCENT = ('<span id="Info.116.00700"><a href="http://quote.eastmoney.com/unify/r/116.00700" class="keytip" '
           'data-code="116,00700">腾讯控股</a></span>')


def cli_json(*args: str | Path) -> Any:
    proc = subprocess.run([sys.executable, "-m", "reader", *map(str, args), "--json"], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_command_line_counts_each_story_once(tmp_path: Path, corpus_dir: Path) -> None:
    posts = tmp_path / "posts"
    shutil.copytree(corpus_dir, posts)
    media = posts / f"2022-05-30-NW{CPPIB}.md"
    # the media copy names Tencent as well (linked): one story, one mention
    media.write_text(media.read_text(encoding="utf-8").replace("其中，腾讯控股", "其中，" + TENCENT, 1), encoding="utf-8")
    files = sorted(posts.glob("*.md"))
    stories = stories_of(files)
    lib = tmp_path / "lib"
    report = cli_json("--library", lib, "import", posts)
    assert report["merged"] == report["duplicates"] == len(files) - len(stories)
    assert report["added"] == len(stories)
    assert cli_json("--library", lib, "stats")["articles"] == len(stories)
    listed = cli_json("--library", lib, "list", "--limit", "100000")
    assert len(listed) == len({i["key"] for i in listed}) == len(stories)
    assert sorted(i["key"] for i in listed) == sorted(stories)
    hits = cli_json("--library", lib, "search", "加拿大年金计划委员会")
    assert [h["key"] for h in hits] == [CPPIB]
    secs = {s["secid"]: s for s in cli_json("--library", lib, "securities", "--limit", "100000")}
    tencent = cli_json("--library", lib, "list", "--security", "116.00700", "--limit", "100000")
    assert secs["116.00700"]["articles"] == len(tencent) == len({i["key"] for i in tencent})
    assert CPPIB in [i["key"] for i in tencent]
    for key in (CPPIB, "NW" + CPPIB):
        shown = cli_json("--library", lib, "show", key)
        assert shown["key"] == CPPIB and shown["keys"] == [CPPIB, "NW" + CPPIB]
        assert shown["paths"] == [str(posts / f"2022-05-30-{CPPIB}.md"), str(media)]
        assert shown["categories"] == ["emnews", "zhongguozhengquanbao"]
        assert shown["tags"] == ["东财滚动新闻", "中国证券报新闻"]
        assert [s["secid"] for s in shown["securities"]].count("116.00700") == 1
    # parse still describes one file, with its own key
    [parsed] = cli_json("parse", media)
    assert parsed["key"] == "NW" + CPPIB and parsed["categories"] == ["zhongguozhengquanbao"]


def test_a_security_only_the_other_copys_chart_shows_is_still_a_mention(tmp_path: Path, corpus_dir: Path) -> None:
    plain, nw = _copy(corpus_dir, tmp_path / "posts", f"2022-05-30-{CPPIB}.md", f"2022-05-30-NW{CPPIB}.md")
    chart = ('<!-- EM_StockImg_Start --><p><a href="http://quote.eastmoney.com/unify/r/0.000858" '
             'data-code="000858|0|2" class="EmImageRemark"><img src="https://webquoteklinepic.eastmoney.com/'
             'GetPic.aspx?nid=0.000858" data-code="K 000858|0|2" /></a></p><!-- EM_StockImg_End -->')
    text = nw.read_text(encoding="utf-8")
    nw.write_text(text.replace("---\n<p>", "---\n" + chart + "<p>", 1), encoding="utf-8")
    with Library.open(tmp_path / "lib") as lib:
        lib.import_paths([plain, nw], workers=1)
        art = lib.article(CPPIB)
        assert art is not None and art.path == str(plain)  # the emnews copy, with its 8 links, is the body
        assert [s.secid for s in art.securities][-1] == "0.000858" and art.charts == ["0.000858"]
        assert lib.query_ids("sec:000858.SZ") == [art.id]


def test_each_category_keeps_its_own_feed_name_in_the_sidebar(corpus_library: Library, corpus_dir: Path) -> None:
    """A merged story carries both feeds' tags; each category is still named by its own files' tag."""
    own: dict[str, set[str]] = defaultdict(set)
    for f in corpus_dir.glob("*.md"):
        raw = f.read_text(encoding="utf-8")
        tags = re.search(r"^tags:\s*(.*?)\s*$", raw, re.M)
        for cat in raw_categories(f):
            own[cat].update(tags.group(1).split() if tags else [])
    titles = corpus_library.category_titles()
    assert set(titles) == set(own)
    assert len(set(titles.values())) == len(titles)
    for cat, title in titles.items():
        assert title in own[cat], (cat, title)
