"""The library file: where it lives, WAL, schema version, migration with backup, refusals."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from library_helpers import KEY_BONDS, KEY_MAOTAI, file_of
from platformdirs import user_data_dir

from reader.core import library as library_mod
from reader.core.library import Library, LibraryError, default_library_path
from reader.core.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION, copy_library_folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_default_folder_env_and_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(library_mod.ENV_VAR, str(tmp_path / "from-env"))
    assert default_library_path() == tmp_path / "from-env"
    lib = Library.open()
    try:
        assert lib.folder == tmp_path / "from-env"
        assert (tmp_path / "from-env" / DB_NAME).is_file()
    finally:
        lib.close()
    monkeypatch.delenv(library_mod.ENV_VAR)
    assert default_library_path() == Path(user_data_dir("finews-reader", appauthor=False))


def test_new_library_is_wal_with_current_schema(library: Library) -> None:
    assert library.schema_version == SCHEMA_VERSION
    assert library._one("PRAGMA journal_mode") == "wal"
    assert library._one("PRAGMA foreign_keys") == 1
    assert library.migration_backup is None
    assert not list(library.folder.glob("*.bak"))


def _make_v1(folder: Path) -> Path:
    """A library of schema version 1: only MIGRATIONS[1], as the first release wrote it."""
    folder.mkdir(parents=True)
    db = folder / DB_NAME
    con = sqlite3.connect(db)
    con.executescript(MIGRATIONS[1] + ";PRAGMA user_version = 1;")
    con.close()
    return db


def test_migration_from_schema_1_keeps_user_data_and_leaves_a_backup(tmp_path: Path, archive: Path) -> None:
    folder = tmp_path / "old-lib"
    db = _make_v1(folder)
    con = sqlite3.connect(db)
    # the reader's data on two stories of the archive, as a version-1 library held them
    for aid, key, sort_key in ((1, KEY_MAOTAI, 1653919229 * 2048), (2, KEY_BONDS, 1638934756 * 2048)):
        con.execute(
            "INSERT INTO article(id, key, title, published, utc_offset, sort_key, html, text, content_hash, "
            "path, imported_at, updated_at) VALUES (?, ?, 'old title', ?, 480, ?, NULL, NULL, 'stale-hash', "
            "'/gone/old.md', 1, 1)", (aid, key, sort_key // 2048, sort_key),
        )
    con.execute("UPDATE article SET bookmarked = 1, bookmarked_at = 1111 WHERE id = 1")
    con.execute("UPDATE article SET read = 1, read_at = 2222 WHERE id = 2")
    con.execute("INSERT INTO user_tag(id, name, created_at) VALUES (1, '关注', 3333), (2, 'later', 3334)")
    con.execute("INSERT INTO article_user_tag(article_id, tag_id, tagged_at) VALUES (1, 1, 4444), (2, 2, 4445)")
    con.commit()
    con.close()
    before = db.read_bytes()

    lib = Library.open(folder)
    try:
        assert lib.schema_version == SCHEMA_VERSION
        backup = lib.migration_backup
        assert backup is not None and backup.parent == folder and backup.exists()
        bcon = sqlite3.connect(backup)
        try:
            assert bcon.execute("PRAGMA user_version").fetchone()[0] == 1
            assert bcon.execute("SELECT key, bookmarked FROM article WHERE id = 1").fetchone() == (KEY_MAOTAI, 1)
        finally:
            bcon.close()
        assert len(before) > 0
        # the reader's data came through
        a = lib.article(KEY_MAOTAI)
        assert a is not None and a.bookmarked and a.bookmarked_at == 1111 and a.user_tags == ["关注"]
        b = lib.article(KEY_BONDS)
        assert b is not None and b.read and b.read_at == 2222 and b.user_tags == ["later"]
        # the new version's tables work
        lib.save_search("mine", "央行")
        lib.watch(["1.600519"])
        assert lib.saved_searches() == [("mine", "央行")] and lib.watchlist() == ["1.600519"]
        # importing the archive updates those articles in place, keeping the reader's data
        report = lib.import_paths([archive], workers=1)
        assert report.failed == 0
        a2 = lib.article(KEY_MAOTAI)
        assert a2 is not None and a2.id == a.id and a2.title != "old title"
        assert a2.bookmarked and a2.bookmarked_at == 1111 and a2.user_tags == ["关注"]
        assert a2.path == str(file_of(archive, KEY_MAOTAI).resolve())
        assert lib.query_ids("贵州茅台 is:bookmarked") == [a.id]
        b2 = lib.article(KEY_BONDS)
        assert b2 is not None and b2.id == b.id and b2.read and b2.user_tags == ["later"]
    finally:
        lib.close()
    # opening again: nothing more to migrate, no second backup
    lib = Library.open(folder)
    try:
        assert lib.migration_backup is None
        assert len(list(folder.glob("*.bak"))) == 1
    finally:
        lib.close()


def test_newer_library_is_refused_untouched(tmp_path: Path, archive: Path) -> None:
    folder = tmp_path / "lib"
    lib = Library.open(folder)
    lib.import_paths([archive], workers=1)
    lib.close()
    con = sqlite3.connect(folder / DB_NAME)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    before = _files(folder)
    with pytest.raises(LibraryError, match="newer"):
        Library.open(folder)
    assert _files(folder) == before  # same files, same bytes: no -wal/-shm, no backup


@pytest.mark.parametrize("content", [
    b"this is not a database at all\n" * 200,
    b"SQLite format 3\x00" + b"\xff" * 4080,
    bytes(range(256)) * 64,
])
def test_corrupt_file_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(content)
    before = _files(folder)
    with pytest.raises(LibraryError) as err:
        Library.open(folder)
    assert str(folder / DB_NAME) in str(err.value)
    assert _files(folder) == before


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    con = sqlite3.connect(folder / DB_NAME)
    con.execute("CREATE TABLE notes(x)")
    con.execute("INSERT INTO notes VALUES ('mine')")
    con.commit()
    con.close()
    before = _files(folder)
    with pytest.raises(LibraryError, match="not a Finews Reader library"):
        Library.open(folder)
    assert _files(folder) == before


@pytest.mark.parametrize("name", ["with space", "hash#dir", "what?dir", "pct%20dir", "新闻 库"])
def test_folder_names_that_need_uri_escaping(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    lib = Library.open(folder)
    lib.close()
    # a second open probes the existing file read-only through a URI
    lib = Library.open(folder)
    try:
        assert lib.schema_version == SCHEMA_VERSION
    finally:
        lib.close()
    # and a migration backs up the right file
    for f in folder.glob(DB_NAME + "*"):
        f.unlink()
    con = sqlite3.connect(folder / DB_NAME)
    con.executescript(MIGRATIONS[1] + ";PRAGMA user_version = 1;")  # a first-release library
    con.close()
    lib = Library.open(folder)
    try:
        assert lib.migration_backup is not None and lib.migration_backup.parent == folder
    finally:
        lib.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing created beside it


def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="Cannot create"):
        Library.open(blocker / "lib")


def test_copy_library_folder(library: Library, archive: Path, tmp_path: Path) -> None:
    library.import_paths([archive], workers=1)
    copy_library_folder(library.folder, tmp_path / "copy")
    lib = Library.open(tmp_path / "copy")
    try:
        assert lib.stats() == library.stats()
    finally:
        lib.close()


def test_tokenizer_change_rebuilds_the_index(library: Library, archive: Path) -> None:
    library.import_paths([archive], workers=1)
    expected = library.query_ids("茅台")
    assert expected
    library._sql("INSERT INTO article_fts(article_fts) VALUES ('delete-all')")
    library._sql("UPDATE meta SET value = '0' WHERE key = 'tokenizer'")
    assert library.query_ids("茅台") == []
    folder = library.folder
    library.close()
    lib = Library.open(folder)
    try:
        assert lib.query_ids("茅台") == expected
    finally:
        lib.close()


def test_wal_is_used_for_concurrent_reading(library: Library, archive: Path) -> None:
    library.import_paths([archive], workers=1)
    n = library.stats()["articles"]
    reader = sqlite3.connect(library.db_file)
    try:
        with library.db.atomic("IMMEDIATE"):
            library._sql("UPDATE article SET read = 1")
            # a reader on another connection is not blocked and sees the last commit
            assert reader.execute("SELECT count(*) FROM article WHERE read = 0").fetchone()[0] == n
    finally:
        reader.close()
    assert os.path.exists(str(library.db_file) + "-wal")
