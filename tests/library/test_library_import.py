"""Importing real posts: counts, incremental re-import, moves, edits, failures, cancel, progress."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from library_helpers import KEY_BONDS, KEY_MAOTAI, KEY_SNOWBALL, file_of

from reader.core import importer as imp
from reader.core.importer import ImportProgress
from reader.core.library import Library
from reader.core.post import story_key, story_of


def _keys(corpus: Path) -> set[str]:
    return {story_of(story_key(p)) for p in corpus.glob("*.md")}  # NW<code> and <code>: one story


def _snapshot(lib: Library) -> dict[str, tuple[object, ...]]:
    return {
        r[0]: tuple(r[1:]) for r in lib._sql(
            "SELECT key, id, content_hash, title, sort_key, bookmarked, read FROM article"
        )
    }


def _consistent(lib: Library) -> None:
    """Every article indexed once, every stored file's article present, SQLite intact."""
    assert lib._one("PRAGMA integrity_check") == "ok"
    lib._sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
    n = lib._one("SELECT count(*) FROM article")
    assert lib._one("SELECT count(*) FROM article_fts_docsize") == n
    assert lib._one(
        "SELECT count(*) FROM article a WHERE NOT EXISTS (SELECT 1 FROM article_fts_docsize d WHERE d.id = a.sort_key)"
    ) == 0
    assert lib._one(
        "SELECT count(*) FROM source_file f WHERE f.key IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM article a WHERE a.key = f.key)"
    ) == 0


def test_first_import_counts(library: Library, archive: Path, corpus_dir: Path) -> None:
    files = sorted(archive.rglob("*.md"))
    report = library.import_paths([archive])
    assert report.failed == 0, report.failures
    assert report.scanned == len(files) == report.parsed
    assert report.added + report.updated + report.unchanged + report.duplicates + report.failed == len(files)
    assert report.added == len(_keys(corpus_dir)) == library.stats()["articles"]
    assert not report.cancelled
    _consistent(library)


def test_reimport_of_unchanged_archive_parses_nothing(library: Library, archive: Path) -> None:
    first = library.import_paths([archive])
    before = _snapshot(library)
    again = library.import_paths([archive])
    assert again.parsed == 0
    assert (again.added, again.updated, again.failed) == (0, 0, 0)
    assert again.unchanged == first.scanned
    assert _snapshot(library) == before


def test_parallel_and_single_process_imports_agree(tmp_path: Path, archive: Path) -> None:
    libs = [Library.open(tmp_path / f"lib{w}") for w in (1, 2)]
    try:
        reports = [lib.import_paths([archive], workers=w) for lib, w in zip(libs, (1, 2), strict=True)]
        assert reports[1].workers == (2 if reports[1].scanned >= imp.PARALLEL_THRESHOLD else 1)
        assert [(r.added, r.updated, r.unchanged, r.failed) for r in reports][0] == \
            [(r.added, r.updated, r.unchanged, r.failed) for r in reports][1]
        rows = [sorted((k, v[1], v[2], v[3]) for k, v in _snapshot(lib).items()) for lib in libs]
        assert rows[0] == rows[1]
    finally:
        for lib in libs:
            lib.close()


def _user_data(lib: Library, key: str) -> tuple[object, ...]:
    a = lib.article(key)
    assert a is not None
    return a.id, a.bookmarked, a.bookmarked_at, a.read, a.read_at, a.user_tags


def test_moved_file_keeps_its_article_and_user_data(library: Library, archive: Path) -> None:
    library.import_paths([archive])
    n = library.stats()["articles"]
    aid = library.article_id(KEY_SNOWBALL)
    assert aid is not None
    library.set_bookmarked([aid])
    library.set_read([aid])
    library.add_tags([aid], ["雪球", "to read"])
    before = _user_data(library, KEY_SNOWBALL)

    src = file_of(archive, KEY_SNOWBALL)
    assert src.parent.name == "_posts"
    dst = archive / "old_post" / src.name
    shutil.move(src, dst)
    report = library.import_paths([archive])
    assert (report.added, report.updated, report.failed) == (0, 0, 0)
    assert report.parsed == 1  # only the file at its new place is read
    assert library.stats()["articles"] == n
    assert _user_data(library, KEY_SNOWBALL) == before
    art = library.article(KEY_SNOWBALL)
    assert art is not None and art.path == str(dst.resolve())
    assert library.query_ids("雪球 tag:雪球 is:bookmarked") == [aid]
    # and a second re-scan is again a no-op
    again = library.import_paths([archive])
    assert again.parsed == 0 and again.added == again.updated == 0
    _consistent(library)


def test_changed_file_updates_in_place_and_keeps_user_data(library: Library, archive: Path) -> None:
    library.import_paths([archive])
    aid = library.article_id(KEY_BONDS)
    assert aid is not None
    old = library.article(aid)
    assert old is not None
    library.set_bookmarked([aid])
    library.add_tags([aid], ["国债"])
    before = _user_data(library, KEY_BONDS)
    assert library.query_ids(old.title) == [aid]

    path = file_of(archive, KEY_BONDS)
    text = path.read_text(encoding="utf-8")
    new_title = "财政部国债招标结果更正版"
    assert f'title: "{old.title}"' in text
    edited = text.replace(f'title: "{old.title}"', f'title: "{new_title}"')
    head, sep, body = edited.partition("\n---\n")
    assert sep
    edited = head + sep + "\n补充说明：本次更正涉及鲲鹏计划。\n\n" + body
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))

    report = library.import_paths([archive])
    assert (report.added, report.updated, report.failed, report.parsed) == (0, 1, 0, 1)
    new = library.article(KEY_BONDS)
    assert new is not None and new.id == aid and new.title == new_title
    assert "鲲鹏计划" in new.text
    assert _user_data(library, KEY_BONDS) == before
    # the index follows: the new words find it, the old title no longer does
    assert library.query_ids("鲲鹏计划") == [aid]
    assert library.query_ids(new_title) == [aid]
    assert aid not in library.query_ids(f'"{old.title}"')
    _consistent(library)


def test_broken_files_are_reported_and_never_stop_the_import(library: Library, archive: Path) -> None:
    bad = archive / "_posts"
    (bad / "2022-06-01-999999999999000001.md").write_bytes(b"\x00\x01\x02\x03" * 4096)
    (bad / "2022-06-01-999999999999000002.md").write_bytes(bytes(range(128, 256)) * 200)
    (bad / "2022-06-01-999999999999000003.md").symlink_to(bad / "does-not-exist.md")
    (bad / "README.md").write_text("# not a post\n", encoding="utf-8")
    report = library.import_paths([archive])
    reasons = {Path(f.path).name: f.error for f in report.failures}
    assert set(reasons) == {
        "2022-06-01-999999999999000001.md", "2022-06-01-999999999999000002.md",
        "2022-06-01-999999999999000003.md",
    }
    assert "binary" in reasons["2022-06-01-999999999999000001.md"]
    assert "binary" in reasons["2022-06-01-999999999999000002.md"] or \
        "unreadable" in reasons["2022-06-01-999999999999000002.md"]
    assert "cannot read" in reasons["2022-06-01-999999999999000003.md"]
    assert all(Path(f.path).is_absolute() for f in report.failures)
    assert report.failed == 3 and report.added > 0
    # unchanged broken files are reported again on a re-scan, without being read
    again = library.import_paths([archive])
    assert again.parsed == 0
    assert {Path(f.path).name: f.error for f in again.failures} == reasons
    _consistent(library)


def test_single_files_and_missing_paths(library: Library, archive: Path, tmp_path: Path) -> None:
    one = file_of(archive, KEY_MAOTAI)
    report = library.import_paths([one, tmp_path / "nowhere"])
    assert report.added == 1 and report.failed == 1
    assert report.failures[0].error == "no such file or folder"
    assert library.article_id(KEY_MAOTAI) is not None


def test_cancel_from_the_progress_callback_leaves_the_library_consistent(
    library: Library, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imp, "BATCH_SIZE", 5)
    cancel = threading.Event()
    seen: list[ImportProgress] = []

    def progress(p: ImportProgress) -> None:
        seen.append(p)
        if p.phase == "importing" and p.done >= 5:
            cancel.set()

    monkeypatch.setattr(imp, "throttle", lambda cb, every=0.1: cb or (lambda p: None))  # every call, for the test
    files = len(list(archive.rglob("*.md")))
    report = library.import_paths([archive], progress=progress, cancel=cancel)
    assert report.cancelled
    stored = library.stats()["articles"]
    assert 0 < stored < files
    assert seen[-1].phase == "done" and seen[-1].done < files
    _consistent(library)
    # resuming imports the rest; the result equals an uninterrupted import
    rest = library.import_paths([archive])
    assert not rest.cancelled and rest.failed == 0
    assert rest.parsed == files - report.parsed
    whole = Library.open(library.folder.parent / "whole")
    try:
        whole.import_paths([archive])
        assert sorted(_snapshot(library)) == sorted(_snapshot(whole))
    finally:
        whole.close()
    _consistent(library)


def test_cancel_with_worker_processes(library: Library, archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = len(list(archive.rglob("*.md")))
    if files < imp.PARALLEL_THRESHOLD:
        monkeypatch.setattr(imp, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(imp, "BATCH_SIZE", 2)
    cancel = threading.Event()

    def progress(p: ImportProgress) -> None:
        if p.phase == "importing" and p.done > 0:
            cancel.set()

    monkeypatch.setattr(imp, "throttle", lambda cb, every=0.1: cb or (lambda p: None))
    report = library.import_paths([archive], progress=progress, cancel=cancel, workers=2)
    assert report.cancelled and report.parsed < files
    _consistent(library)
    rest = library.import_paths([archive], workers=2)
    assert rest.parsed + report.parsed == files
    _consistent(library)


def test_progress_reports_phases_and_totals(library: Library, archive: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    report = library.import_paths([archive], progress=lambda p: seen.append((p.phase, p.done, p.total)))
    assert seen[0][0] == "scanning"
    assert seen[-1] == ("done", report.scanned, report.scanned)
    assert all(phase in ("scanning", "importing", "optimizing", "done") for phase, _, _ in seen)
    dones = [d for phase, d, _ in seen if phase == "importing"]
    assert dones == sorted(dones)


def test_readme_and_license_are_not_posts(tmp_path: Path) -> None:
    for name in ("README.md", "readme.zh-CN.md", "LICENSE.md", "license-plate-news.md", "changes-ahead.md"):
        (tmp_path / name).write_text("---\ntitle: x\n---\nbody\n", encoding="utf-8")
    names = sorted(Path(f.path).name for f in imp.scan([tmp_path]))
    assert names == ["changes-ahead.md", "license-plate-news.md"]


def test_worker_crash_falls_back_to_parsing_in_process(monkeypatch: pytest.MonkeyPatch, archive: Path) -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    paths = [f.path for f in imp.scan([archive])]

    class Broken:
        def __init__(self, *a: object, **k: object) -> None:
            pass

        def __enter__(self) -> Broken:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        submitted = 0

        def submit(self, fn: object, piece: list[str]) -> Future[object]:
            """The first piece is parsed; every later one finds its worker dead."""
            f: Future[object] = Future()
            if Broken.submitted == 0:
                f.set_result(imp.parse_chunk(piece))
            else:
                f.set_exception(BrokenProcessPool("a worker died"))
            Broken.submitted += 1
            return f

        def shutdown(self, **k: object) -> None:
            pass

    monkeypatch.setattr(imp, "ProcessPoolExecutor", Broken)
    monkeypatch.setattr(imp, "PARALLEL_THRESHOLD", 2)
    results = list(imp.parse_all(paths, workers=2))
    assert Broken.submitted > 1
    assert [r[0] for r in results] == paths
    assert all(r[1] is not None for r in results)


def test_reader_data_for_articles_not_yet_imported_is_applied_on_arrival(
    library: Library, archive: Path, tmp_path: Path
) -> None:
    other = Library.open(tmp_path / "other")
    try:
        other.import_paths([file_of(archive, KEY_MAOTAI)])
        aid = other.article_id(KEY_MAOTAI)
        assert aid is not None
        other.set_bookmarked([aid])
        other.add_tags([aid], ["关注"])
        other.export_user_data(tmp_path / "ud.json")
    finally:
        other.close()
    assert library.import_user_data(tmp_path / "ud.json") == 1
    assert library.user_data()["articles"][KEY_MAOTAI]["bookmarked"]  # kept while pending
    library.import_paths([archive])
    a = library.article(KEY_MAOTAI)
    assert a is not None and a.bookmarked and a.user_tags == ["关注"]
    assert library._one("SELECT count(*) FROM meta WHERE key LIKE 'pending:%'") == 0
