"""A bulk import (a fifth of the library or more) leaves the full-text index's incremental
merging off while it writes, merges the index once at its end, and turns merging back on; an
import cut short (killed) leaves it off only until the library is next opened."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import importer as imp
from reader.core.library import Library
from reader.core.library import writer as writer_mod

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "archive_gen.py"


def automerge(db_file: Path) -> int | None:
    con = sqlite3.connect(db_file)
    try:
        row = con.execute("SELECT v FROM article_fts_config WHERE k = 'automerge'").fetchone()
        return None if row is None else int(row[0])
    finally:
        con.close()


def segments(db_file: Path) -> int:
    con = sqlite3.connect(db_file)
    try:  # the segment ids of the index's pages (fts5 keeps a page's segment in rowid >> 37)
        return int(con.execute("SELECT count(DISTINCT id >> 37) FROM article_fts_data WHERE id >> 37 > 0").fetchone()[0])
    finally:
        con.close()


def test_a_bulk_import_merges_once_at_its_end(tmp_path: Path, corpus_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_mod, "OPTIMIZE_AFTER", 5)
    monkeypatch.setattr(imp, "BATCH_SIZE", 2)  # many transactions, as in a large import
    lib = Library.open(tmp_path / "lib")
    seen: list[int | None] = []
    phases: list[str] = []

    def progress(p: imp.ImportProgress) -> None:
        phases.append(p.phase)
        if p.phase == "importing" and p.done:
            seen.append(automerge(lib.db_file))

    report = lib.import_paths([corpus_dir], workers=1, progress=progress)
    assert report.added >= 10
    assert seen and set(seen) == {0}  # off while the batches were stored
    assert "optimizing" in phases
    assert automerge(lib.db_file) == writer_mod.AUTOMERGE  # on again
    assert segments(lib.db_file) == 1  # merged into one segment at the end
    assert lib.count("央行") == lib.count("央行") and lib.search("央行", limit=5)
    lib.close()


def test_merging_left_off_by_a_killed_import_is_turned_on_at_open(tmp_path: Path, corpus_dir: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.import_paths([corpus_dir], workers=1)
    db_file = lib.db_file
    lib.close()
    con = sqlite3.connect(db_file)
    con.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 0)")  # as a killed import leaves it
    con.commit()
    con.close()
    Library.open(tmp_path / "lib").close()
    assert automerge(db_file) == writer_mod.AUTOMERGE


def test_a_small_import_into_a_large_library_keeps_merging_on(tmp_path: Path, corpus_dir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_mod, "OPTIMIZE_AFTER", 2)
    generated = tmp_path / "generated"  # a library larger than five times the import
    subprocess.run([sys.executable, str(GENERATOR), str(generated), "--count", "100", "--broken-ratio", "0"],
                   check=True, capture_output=True)
    lib = Library.open(tmp_path / "lib")
    files = sorted(corpus_dir.glob("*.md"))
    lib.import_paths([generated, *files[:-3]], workers=1)
    seen: list[int | None] = []
    store_batch = lib.writer.store_batch

    def watched(*args: object) -> None:  # the real writer, watched batch by batch
        seen.append(automerge(lib.db_file))
        store_batch(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(lib.writer, "store_batch", watched)
    phases: list[str] = []
    report = lib.import_paths(files[-3:], workers=1, progress=lambda p: phases.append(p.phase))
    assert report.added + report.duplicates == 3
    assert seen and 0 not in seen
    assert "optimizing" not in phases
    lib.close()


def test_the_final_merge_releases_the_write_lock_between_its_steps(tmp_path: Path, corpus_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the merge's steps another connection (the window writing a bookmark) gets the
    write lock: each step is a transaction of its own."""
    from reader.core import sql

    monkeypatch.setattr(writer_mod, "OPTIMIZE_AFTER", 5)
    monkeypatch.setattr(imp, "BATCH_SIZE", 2)  # many segments to merge
    monkeypatch.setattr(sql, "FTS_MERGE_STEP", sql.FTS_MERGE_STEP.replace("-1000", "-2"))  # small steps
    lib = Library.open(tmp_path / "lib")
    between: list[bool] = []
    run = lib.writer.c.sql
    merging = [False]

    def lock_free() -> bool:
        other = sqlite3.connect(lib.db_file, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once while the import holds the lock
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            other.close()

    def watched(statement: str, params: object = ()) -> object:
        if statement == sql.FTS_MERGE_STEP:
            merging[0] = True
        return run(statement, params)  # type: ignore[arg-type]

    writing = lib.writer.c.writing

    @contextlib.contextmanager
    def watched_writing() -> Iterator[None]:
        with writing():
            yield
        if merging[0]:  # a merge step's transaction just ended
            between.append(lock_free())

    monkeypatch.setattr(lib.writer.c, "sql", watched)
    monkeypatch.setattr(lib.writer.c, "writing", watched_writing)
    report = lib.import_paths([corpus_dir], workers=1)
    assert report.added >= 10
    assert len(between) >= 2 and all(between)  # several steps, the lock free after each
    assert segments(lib.db_file) == 1
    lib.close()
