"""Schema migrations from every earlier version, with real articles and the reader's data.

For each ``v < SCHEMA_VERSION`` a library is built at version ``v`` with ``store.MIGRATIONS``
applied up to ``v`` only (raw sqlite3, as ``store.migrate`` does), filled by copying the rows of
a current library (the corpus imported, with bookmarks, read marks, tags, and the watchlist and
saved searches where version ``v`` has them) column by column, and its full-text index written
as that version would have.  ``Library.open`` must then leave a backup ``library.v<v>-*.bak``
beside it, reach ``SCHEMA_VERSION`` and keep every row.  A library from a newer version is
refused without a byte of it changing.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reader import cli
from reader.core.library import Library, LibraryError
from reader.core.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION, decompress
from reader.core.textindex import TOKENIZER_VERSION, index_columns

OLD_VERSIONS = list(range(1, SCHEMA_VERSION))


def current_library(folder: Path, corpus: Path) -> Path:
    with Library.open(folder) as lib:
        report = lib.import_paths([corpus], workers=1)
        assert report.added > 5 and report.failed == 0
        ids = lib.query_ids("")
        lib.set_bookmarked(ids[:5])
        lib.set_read(ids[3:12])
        lib.add_tags(ids[1:6], ["关注", "迁移"])
        lib.add_tags(ids[-2:], ["Later"])
        lib.watch(["1.600519", "0.000001"])
        lib.save_search("降准", "央行 降准")
    return folder / DB_NAME


def _tables(con: sqlite3.Connection, schema: str = "main") -> list[str]:
    return [r[0] for r in con.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'article_fts%' ORDER BY name")]


def _columns(con: sqlite3.Connection, table: str, schema: str = "main") -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA {schema}.table_info({table})")]


def build_old_library(folder: Path, version: int, source: Path, *, leave_wal: bool = False) -> None:
    """A library at schema ``version`` holding ``source``'s rows (the columns that version has)."""
    folder.mkdir(parents=True)
    db_file = folder / DB_NAME
    con = sqlite3.connect(db_file, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    for v in range(1, version + 1):
        con.executescript(
            "BEGIN IMMEDIATE;" + MIGRATIONS[v] + f";PRAGMA user_version = {v};"
            + f"INSERT OR REPLACE INTO meta(key, value) VALUES ('tokenizer', '{TOKENIZER_VERSION}');COMMIT;"
        )
    con.execute("ATTACH DATABASE ? AS cur", (str(source),))
    con.execute("BEGIN")
    for table in _tables(con):
        cols = [c for c in _columns(con, table) if c in set(_columns(con, table, "cur"))]
        names = ", ".join(f'"{c}"' for c in cols)
        con.execute(f'INSERT OR REPLACE INTO main."{table}" ({names}) SELECT {names} FROM cur."{table}"')
    for sort_key, title, text in con.execute("SELECT sort_key, title, text FROM main.article").fetchall():
        uni, bi = index_columns(title, decompress(text))
        con.execute("INSERT INTO article_fts(rowid, uni, bi) VALUES (?, ?, ?)", (sort_key, uni, bi))
    con.execute("COMMIT")
    con.execute("DETACH DATABASE cur")
    if not leave_wal:
        con.close()
        return
    # a reader crashed with changes still in the write-ahead log: copy the files while it is open
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("UPDATE article SET bookmarked = 1, bookmarked_at = 1650000000 WHERE id = "
                "(SELECT max(id) FROM article WHERE bookmarked = 0)")
    crashed = folder.with_name(folder.name + "-crashed")
    crashed.mkdir()
    for name in (DB_NAME, DB_NAME + "-wal"):
        shutil.copy2(folder / name, crashed / name)
    con.close()
    shutil.rmtree(folder)
    crashed.rename(folder)
    assert (folder / (DB_NAME + "-wal")).stat().st_size > 0


def snapshot(db_file: Path, tables: list[str] | None = None) -> dict[str, Any]:
    """Every row of every (non-index) table, by table; text bodies decompressed."""
    con = sqlite3.connect(f"{db_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out: dict[str, Any] = {}
        for table in tables or _tables(con):
            cols = _columns(con, table)
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
            conv = [
                tuple(decompress(v) if cols[i] in ("html", "text") and v is not None else v for i, v in enumerate(r))
                for r in rows
            ]
            out[table] = (cols, sorted(conv, key=repr))
        return out
    finally:
        con.close()


def reader_view(lib: Library) -> dict[str, Any]:
    """What the reader sees of its own data, through the library's API."""
    data = lib.user_data()
    data.pop("exported_at")
    data.pop("schema")
    return data


@pytest.mark.parametrize("leave_wal", [False, True], ids=["closed", "crashed-with-pending-log"])
@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_migration_from_an_earlier_version_keeps_everything(tmp_path: Path, corpus_dir: Path, version: int,
                                                            leave_wal: bool) -> None:
    source = current_library(tmp_path / "current", corpus_dir)
    folder = tmp_path / f"v{version}"
    build_old_library(folder, version, source, leave_wal=leave_wal)
    db_file = folder / DB_NAME
    before = snapshot(db_file)
    old_tables = sorted(before)
    assert before["article"][1] and before["article_user_tag"][1]
    assert any(r[before["article"][0].index("bookmarked")] for r in before["article"][1])

    with Library.open(folder) as lib:
        assert lib.schema_version == SCHEMA_VERSION
        assert lib._one("PRAGMA user_version") == SCHEMA_VERSION
        backups = sorted(folder.glob(f"library.v{version}-*.bak"))
        assert len(backups) == 1, list(folder.iterdir())
        assert lib.migration_backup == backups[0]
        assert lib._one("PRAGMA integrity_check") == "ok"
        lib._sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
        view = reader_view(lib)
        # the library works as a current one: searches find the migrated articles...
        bookmarked = lib.query_ids("is:bookmarked")
        assert len(bookmarked) == sum(1 for r in before["article"][1] if r[before["article"][0].index("bookmarked")])
        a = lib.article(bookmarked[0])
        assert a is not None and a.html and a.bookmarked
        words = [w[:2] for w in re.findall(r"[\u4e00-\u9fff]{2,}", a.title)]
        assert words, a.title
        assert a.id in [h.id for h in lib.search(words[0], limit=1000)], words[0]
        assert set(lib.query_ids("tag:关注")) == {lib.article_id(k) for k, e in view["articles"].items()
                                                 if "关注" in e["tags"]}
        # ...and the tables later versions added are there and writable
        lib.watch(["0.300750"])
        lib.save_search("新", "新能源")
        assert "0.300750" in lib.watchlist()

    after = snapshot(db_file, old_tables)
    for table in old_tables:
        cols_before, rows_before = before[table]
        cols_after, rows_after = after[table]
        if table in ("watch", "saved_search"):
            rows_after = [r for r in rows_after if r[0] not in ("0.300750", "新")]
        assert cols_after[: len(cols_before)] == cols_before, table
        assert [r[: len(cols_before)] for r in rows_after] == rows_before, f"rows of {table} changed"

    # the backup is the library as it was, at the old version
    backup = backups[0]
    con = sqlite3.connect(backup)
    assert con.execute("PRAGMA user_version").fetchone()[0] == version
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert snapshot(backup) == before

    # opening again neither migrates nor backs up again
    with Library.open(folder) as lib:
        assert lib.migration_backup is None
    assert sorted(folder.glob("*.bak")) == backups


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_library_from_a_newer_version_is_refused_untouched(tmp_path: Path, corpus_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db_file = current_library(tmp_path / "lib", corpus_dir)
    con = sqlite3.connect(db_file)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    folder = db_file.parent
    before = _digest(folder)
    stat_before = db_file.stat()
    assert list(before) == [DB_NAME]
    with pytest.raises(LibraryError) as info:
        Library.open(folder)
    assert "newer" in str(info.value)
    assert _digest(folder) == before, "no byte changed, no file added (no -wal, -shm or backup)"
    assert db_file.stat().st_mtime_ns == stat_before.st_mtime_ns
    # the command line says so in one line
    code = cli.main(["--library", str(folder), "stats"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_ERROR
    assert [line for line in err.splitlines() if line.strip()] == [f"finews-reader: {info.value}"]
    assert _digest(folder) == before


@pytest.mark.parametrize("version", [v for v in OLD_VERSIONS if v < 3])
def test_migration_fills_the_security_totals(tmp_path: Path, corpus_dir: Path, version: int) -> None:
    """Libraries before version 3 had no per-security totals: the migration computes them from
    the links, and from then on the triggers keep them."""
    source = current_library(tmp_path / "current", corpus_dir)
    build_old_library(tmp_path / "old", version, source)
    with Library.open(tmp_path / "old") as lib:
        truth: dict[int, list[int]] = {}
        for sid, published in lib._sql("SELECT s.security_id, a.published FROM article_security s "
                                       "JOIN article a ON a.id = s.article_id"):
            t = truth.setdefault(sid, [0, published, published])
            t[0], t[1], t[2] = t[0] + 1, min(t[1], published), max(t[2], published)
        kept = {r[0]: [r[1], r[2], r[3]] for r in lib._sql(
            "SELECT security_id, articles, first_seen, last_seen FROM security_total WHERE articles > 0")}
        assert kept == truth and truth
