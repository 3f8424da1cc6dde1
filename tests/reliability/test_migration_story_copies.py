"""Migration 4 merges the story copies a version-3 library stored as two articles.

Version 3 keyed an article by its file's id: ``NW<code>`` (a media category's copy) and
``<code>`` (the rolling-news copy) were two articles, each with its own bookmark, read mark and
tags.  The version-3 library here is built as that release's import writer stored posts: the
frozen migrations 1-3, then each corpus file parsed and written with the writer's statements
(``reader.core.sql``) under its own key, the better of two same-key files kept.  The reader's
data goes on both copies of each pair.  Opening it must back it up, merge each pair into the
article a fresh import makes, with the reader's data of both; a kill during the migration
leaves the version-3 file as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from test_migrations import snapshot

from reader.core import sql
from reader.core.copies import quality
from reader.core.library import Library
from reader.core.post import Article, parse_file
from reader.core.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION, compress, migrate
from reader.core.textindex import TOKENIZER_VERSION, index_columns

ROOT = Path(__file__).resolve().parents[2]
CODE_RE = re.compile(r"(?:NW)?(\d{12,24})\.md$")


def _store_v3(con: sqlite3.Connection, art: Article, n: int) -> int:
    """One parsed post, as the version-3 writer stored a new article (key: the file's own)."""
    epoch = int(art.published.timestamp())
    offset = art.published.utcoffset()
    sort_key = epoch * 2048 + n
    aid = con.execute(sql.ARTICLE_INSERT, (
        art.key, art.title, epoch, int(offset.total_seconds() // 60) if offset else 480, sort_key, art.source,
        art.url, art.summary, " ".join(art.categories), " ".join(art.tags), compress(art.html),
        compress(art.text), art.word_count, art.char_count, "\n".join(art.warnings), art.content_hash, art.path,
        quality(art), 1_650_000_000, 1_650_000_000)).lastrowid
    for kind, names in (("c", art.categories), ("t", art.tags)):
        for name in names:
            con.execute(sql.LABEL_INSERT, (aid, kind, name))
    for pos, sec in enumerate(art.securities):
        row = con.execute(sql.SECURITY_BY_SECID, (sec.secid,)).fetchone()
        sid = row[0] if row else con.execute(sql.SECURITY_INSERT, (sec.secid, sec.market, sec.code, sec.name,
                                                                   sec.name, epoch)).lastrowid
        if con.execute(sql.LINK_INSERT, (aid, sid, pos, epoch)).rowcount == 1:
            con.execute(sql.COUNT_LINK, (sid, epoch, epoch))
    con.execute(sql.FTS_INSERT, (sort_key, *index_columns(art.title, art.text)))
    con.execute(sql.SOURCE_FILE_STORED, (art.path, art.size, art.mtime_ns, art.content_hash, art.key))
    return int(aid)


def version_3_library(folder: Path, corpus: Path) -> dict[str, list[int]]:
    """The corpus as version 3 stored it; returns story -> the ids of its articles."""
    folder.mkdir(parents=True)
    con = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    for v in (1, 2, 3):
        con.executescript("BEGIN IMMEDIATE;" + MIGRATIONS[v] + f";PRAGMA user_version = {v};"
                          + f"INSERT OR REPLACE INTO meta(key, value) VALUES ('tokenizer', '{TOKENIZER_VERSION}');"
                          + "COMMIT;")
    best: dict[str, Article] = {}
    every = [parse_file(path) for path in sorted(corpus.glob("*.md"))]
    for art in every:
        if art.key not in best or quality(art) > quality(best[art.key]):
            best[art.key] = art
    stories: dict[str, list[int]] = defaultdict(list)
    con.execute("BEGIN")
    for n, (key, art) in enumerate(sorted(best.items())):
        m = CODE_RE.search(Path(art.path).name)
        stories[m.group(1) if m else key].append(_store_v3(con, art, n % 2048))
    for art in every:  # the files version 3 saw but did not store (a copy of a story it held)
        if art is not best[art.key]:
            con.execute(sql.SOURCE_FILE_STORED, (art.path, art.size, art.mtime_ns, art.content_hash, art.key))
    con.execute("COMMIT")
    con.close()
    return stories


def _pairs(stories: dict[str, list[int]]) -> dict[str, list[int]]:
    return {s: ids for s, ids in stories.items() if len(ids) > 1}


def _with_reader_data(folder: Path, stories: dict[str, list[int]]) -> dict[str, list[int]]:
    """Bookmark one copy of each pair, mark the other read, tag both differently (raw SQL:
    the version-3 library is not opened by this version before its migration)."""
    pairs = _pairs(stories)
    assert len(pairs) >= 3
    con = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    con.execute("BEGIN")
    con.execute("INSERT INTO user_tag(id, name, created_at) VALUES (1, '关注', 1), (2, '媒体', 1)")
    for first, second in pairs.values():
        con.execute("UPDATE article SET bookmarked = 1, bookmarked_at = 1650000100 WHERE id = ?", (second,))
        con.execute("UPDATE article SET read = 1, read_at = 1650000200 WHERE id = ?", (first,))
        con.execute("INSERT INTO article_user_tag VALUES (?, 1, 5), (?, 2, 6), (?, 1, 7)", (first, second, second))
    con.execute("INSERT INTO watch VALUES ('1.600519', 1)")
    con.execute("COMMIT")
    con.close()
    return pairs


def _fresh(tmp_path: Path, corpus: Path) -> dict[str, dict[str, Any]]:
    with Library.open(tmp_path / "fresh") as lib:
        lib.import_paths([corpus], workers=1)
        return {lib.article(i).key: lib.article(i).to_json() for i in lib.query_ids("")}  # type: ignore[union-attr]


CONTENT = ("key", "title", "published", "categories", "tags", "source", "url", "summary", "securities", "html",
           "text", "keys", "urls")


def test_migration_merges_the_copies_with_the_readers_data_of_both(tmp_path: Path, corpus_dir: Path) -> None:
    # the corpus, and byte-identical copies of three posts (as old_post/ often holds)
    corpus_dir = Path(shutil.copytree(corpus_dir, tmp_path / "corpus"))
    for f in sorted(corpus_dir.glob("2022-*.md"))[:3]:
        shutil.copy2(f, corpus_dir / f"dup__{f.name}")
    folder = tmp_path / "v3"
    stories = version_3_library(folder, corpus_dir)
    pairs = _with_reader_data(folder, stories)
    before = snapshot(folder / DB_NAME)
    assert len(before["article"][1]) == sum(map(len, stories.values())) > len(stories)
    fresh = _fresh(tmp_path, corpus_dir)

    with Library.open(folder) as lib:
        assert lib.schema_version == SCHEMA_VERSION
        [backup] = folder.glob("library.v3-*.bak")
        assert snapshot(backup) == before  # the library as it was
        assert lib._one("PRAGMA integrity_check") == "ok"
        lib._sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
        assert lib.stats()["articles"] == len(stories) == len(fresh)
        assert lib._one("SELECT count(*) FROM article_fts_docsize") == len(stories)
        for story in pairs:
            aid = lib.article_id(story)
            assert aid is not None and {lib.article_id(k) for k in lib.article(aid).keys} == {aid}  # type: ignore[union-attr]
            art = lib.article(aid)
            assert art is not None
            assert art.bookmarked and art.read and art.user_tags == ["关注", "媒体"]
            assert art.bookmarked_at == 1650000100 and art.read_at == 1650000200
            got = art.to_json()
            assert {k: got[k] for k in CONTENT} == {k: fresh[story][k] for k in CONTENT}, story
            assert sorted(got["paths"]) == sorted(fresh[story]["paths"])
            words = [w[:2] for w in re.findall(r"[\u4e00-\u9fff]{2,}", art.title)]
            assert [h.id for h in lib.search(f'"{art.title}"', limit=10)] == [aid]
            assert aid in [h.id for h in lib.search(words[0], limit=1000)]
        # every other article keyed by its code, as a fresh import keys it
        assert {lib.article(i).key for i in lib.query_ids("")} == set(fresh)  # type: ignore[union-attr]
        assert set(lib.query_ids("tag:媒体")) == {lib.article_id(s) for s in pairs}
        assert lib.watchlist() == ["1.600519"]
        # an identical copy version 3 saw (old_post/ beside _posts/) is one of the article's files
        hashes = {str(p): parse_file(p).content_hash for p in corpus_dir.glob("*.md")}
        identical = 0
        for key, want in fresh.items():
            art = lib.article(key)
            assert art is not None
            kept = {p for p in want["paths"] if hashes[p] in {hashes[q] for q in art.paths}}
            assert set(art.paths) == kept, key
            if len(want["paths"]) > 1 and len({hashes[p] for p in want["paths"]}) == 1:
                assert sorted(art.paths) == sorted(want["paths"]), key
                identical += 1
        assert identical >= 1
        for copy in corpus_dir.glob("dup__*.md"):  # each identical copy: a file of its article
            original = corpus_dir / copy.name.removeprefix("dup__")
            art = lib.article(parse_file(original).key)
            assert art is not None and {str(copy), str(original)} <= set(art.paths), copy.name
        # the security totals agree with the links left
        truth: dict[int, list[int]] = {}
        for sid, published in lib._sql("SELECT security_id, published FROM article_security"):
            t = truth.setdefault(sid, [0, published, published])
            t[0], t[1], t[2] = t[0] + 1, min(t[1], published), max(t[2], published)
        kept = {r[0]: [r[1], r[2], r[3]] for r in lib._sql(
            "SELECT security_id, articles, first_seen, last_seen FROM security_total WHERE articles > 0")}
        assert kept == truth
        # an import of the same corpus now changes nothing
        again = lib.import_paths([corpus_dir], workers=1)
        assert (again.added, again.updated, again.failed) == (0, 0, 0)
        assert lib.stats()["articles"] == len(stories)


def test_a_kill_during_the_merge_leaves_the_library_as_it_was(tmp_path: Path, corpus_dir: Path) -> None:
    """Each step is its own transaction: a kill during the merge (step 5) leaves the library at
    version 4 (archives, the step before it), its data as it was."""
    folder = tmp_path / "v3"
    stories = version_3_library(folder, corpus_dir)
    _with_reader_data(folder, stories)
    migrate(folder / DB_NAME, target=4)
    before = snapshot(folder / DB_NAME)
    # the step runs whole, then the process is killed before the migration commits
    code = (
        "import os, signal\n"
        "from reader.core import store\n"
        "real = store.MIGRATION_STEPS[5]\n"
        "def step(con):\n"
        "    real(con)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "store.MIGRATION_STEPS[5] = step\n"
        f"store.migrate(__import__('pathlib').Path({str(folder / DB_NAME)!r}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert snapshot(folder / DB_NAME) == before
    con = sqlite3.connect(folder / DB_NAME)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 4
    con.close()
    with Library.open(folder) as lib:
        assert lib.schema_version == SCHEMA_VERSION and lib.stats()["articles"] == len(stories)
