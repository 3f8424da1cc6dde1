"""The import report a user can open again: what each file became, and the warnings with their files.

Every scanned file is counted once: added, updated, unchanged (the same file as at the last
import), a duplicate (another copy of a story the import or the library already holds) or
failed.  A second copy of a post on a new library is a duplicate, not "unchanged".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from library_helpers import ROOT

from reader.core import importer as imp
from reader.core.library import Library
from reader.core.post import parse_file, story_key, story_of

NO_TITLE = """---
layout: post
date: 2022-05-30 10:00:00
categories: emnews
tags: 东财滚动新闻
---

> 央行研究局课题组发布文章称，将稳定低收入群体消费。

<p>今年我国经济平稳开局，但受世界局势复杂演变等因素影响，经济增长面临新的下行压力。</p>
"""
WITH_TITLE = NO_TITLE.replace("layout: post\n", 'layout: post\ntitle: "央行：稳定低收入群体消费"\n')
DIGEST_WARNING = "no title; taken from the digest"


def _open(path: Path) -> Library:
    return Library.open(path)


def _counted(report: imp.ImportReport) -> int:
    return report.added + report.updated + report.unchanged + report.duplicates + report.failed


# -- a second copy of the same file --------------------------------------------------------------


def test_a_second_copy_on_a_new_library_is_a_duplicate_not_unchanged(tmp_path: Path, corpus_dir: Path) -> None:
    name = "2021-12-08-202112082206883363.md"
    src = corpus_dir / name if (corpus_dir / name).exists() else sorted(corpus_dir.glob("2021-*.md"))[-1]
    first, second = (tmp_path / "a" / src.name).resolve(), (tmp_path / "b" / src.name).resolve()
    for dest in (first, second):
        dest.parent.mkdir()
        shutil.copy2(src, dest)
    lib = _open(tmp_path / "lib")
    try:
        report = lib.import_paths([tmp_path / "a", tmp_path / "b"], workers=1)
        assert (report.added, report.updated, report.unchanged, report.duplicates, report.failed) == (1, 0, 0, 1, 0)
        assert report.duplicate_files == [imp.Duplicate(str(second), story_key(src), str(first), False)]
        assert lib.stats()["articles"] == 1
        # the next import finds both files as they were: both unchanged, no duplicate counted again
        again = lib.import_paths([tmp_path / "a", tmp_path / "b"], workers=1)
        assert (again.added, again.unchanged, again.duplicates, again.parsed) == (0, 2, 0, 0)
    finally:
        lib.close()


def test_a_copy_of_an_article_imported_before_is_a_duplicate(tmp_path: Path, corpus_dir: Path) -> None:
    src = sorted(corpus_dir.glob("2022-*.md"))[0]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy2(src, tmp_path / "a" / src.name)
    lib = _open(tmp_path / "lib")
    try:
        assert lib.import_paths([tmp_path / "a"], workers=1).added == 1
        shutil.copy2(src, tmp_path / "b" / src.name)
        report = lib.import_paths([tmp_path / "a", tmp_path / "b"], workers=1)
        assert (report.added, report.updated, report.unchanged, report.duplicates) == (0, 0, 1, 1)
        [dup] = report.duplicate_files
        assert (dup.path, dup.same_as, dup.kept) == (str(tmp_path / "b" / src.name), "", False)
        art = lib.article(story_key(src))
        assert art is not None and art.path == str(tmp_path / "a" / src.name)
    finally:
        lib.close()


def test_a_better_second_copy_takes_over_and_the_first_copys_warnings_go(tmp_path: Path) -> None:
    name = "2022-05-30-202205309999000001.md"
    worse, better = tmp_path / "_posts" / name, tmp_path / "old_post" / name  # scanned in this order
    for path, text in ((worse, NO_TITLE), (better, WITH_TITLE)):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    lib = _open(tmp_path / "lib")
    try:
        report = lib.import_paths([tmp_path], workers=1)
        assert (report.added, report.updated, report.duplicates) == (1, 0, 1)
        assert report.duplicate_files == [imp.Duplicate(str(better), "202205309999000001", str(worse), True)]
        assert report.warnings == [] and report.warning_count == 0 and report.warned_files == 0
        art = lib.article("202205309999000001")
        assert art is not None and art.title == "央行：稳定低收入群体消费" and art.path == str(better)
    finally:
        lib.close()


# -- the whole archive ---------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_the_archive_report_counts_each_file_once_and_lists_the_stored_warnings(
    tmp_path: Path, archive: Path, workers: int
) -> None:
    files = sorted(str(p) for p in archive.rglob("*.md"))
    by_key: dict[str, list[str]] = defaultdict(list)
    for f in files:  # the import meets them in this order; NW<code> and <code> are one story
        by_key[story_of(story_key(Path(f)))].append(f)
    lib = _open(tmp_path / "lib")
    try:
        report = lib.import_paths([archive], workers=workers)
        assert report.failed == 0, report.failures
        assert (report.added, report.updated, report.unchanged) == (len(by_key), 0, 0)
        assert report.duplicates == len(files) - len(by_key) > 0
        assert _counted(report) == report.scanned == len(files)
        assert {(d.path, d.same_as) for d in report.duplicate_files} == {
            (copy, paths[0]) for paths in by_key.values() for copy in paths[1:]
        }
        # the warnings listed are exactly those the library stored, with the file they came from
        stored: dict[str, list[str]] = {}
        for key in by_key:
            art = lib.article(key)
            assert art is not None
            if art.warnings:
                stored[art.path] = art.warnings
        listed: dict[str, list[str]] = defaultdict(list)
        for w in report.warnings:
            listed[w.path].append(w.message)
        assert listed == stored and stored
        assert report.warning_count == sum(map(len, stored.values()))
        assert report.warned_files == len(stored)
    finally:
        lib.close()


def test_a_post_whose_title_came_from_its_digest_is_listed_with_its_file(tmp_path: Path, archive: Path) -> None:
    post = archive / "_posts" / "2022-05-30-202205309999000001.md"
    post.write_text(NO_TITLE, encoding="utf-8")
    lib = _open(tmp_path / "lib")
    try:
        report = lib.import_paths([archive], workers=1)
        assert imp.FileWarning(str(post), DIGEST_WARNING) in report.warnings
        out = report.to_json()
        assert {"path": str(post), "message": DIGEST_WARNING} in out["warnings"]  # type: ignore[operator]
        # unchanged at the next import: nothing new to warn about
        again = lib.import_paths([archive], workers=1)
        assert again.warnings == [] and again.warning_count == 0
        # edited: stored again, so warned again
        post.write_text(NO_TITLE.replace("新的下行压力", "新的压力"), encoding="utf-8")
        edited = lib.import_paths([archive], workers=1)
        assert edited.updated == 1 and edited.warnings == [imp.FileWarning(str(post), DIGEST_WARNING)]
    finally:
        lib.close()


def test_the_lists_are_capped_but_the_counts_are_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imp, "MAX_LISTED", 3)
    for i in range(5):
        for folder in ("_posts", "old_post"):
            p = tmp_path / "archive" / folder / f"2022-05-30-20220530999900000{i}.md"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(NO_TITLE.replace("消费。", f"消费{i}。"), encoding="utf-8")
    lib = _open(tmp_path / "lib")
    try:
        report = lib.import_paths([tmp_path / "archive"], workers=1)
        assert (report.added, report.duplicates) == (5, 5)
        assert len(report.duplicate_files) == 3
        assert len(report.warnings) == 3 and report.warning_count == 5 and report.warned_files == 5
    finally:
        lib.close()


# -- the command line ----------------------------------------------------------------------------


def test_import_json_adds_the_new_keys_and_keeps_the_old(tmp_path: Path, archive: Path) -> None:
    (archive / "_posts" / "2022-05-30-202205309999000001.md").write_text(NO_TITLE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(tmp_path / "lib"), "import", str(archive), "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True,
    )
    out = json.loads(proc.stdout)
    assert set(out) == {"added", "updated", "unchanged", "failed", "failures", "cancelled", "seconds",
                        "duplicates", "merged", "duplicate_files", "warnings", "warning_count"}
    assert out["unchanged"] == 0 and out["duplicates"] > 0 and out["merged"] == out["duplicates"]
    assert all(set(d) == {"path", "key", "same_as", "kept"} for d in out["duplicate_files"])
    assert all(set(w) == {"path", "message"} for w in out["warnings"])
    assert any(w["message"] == DIGEST_WARNING for w in out["warnings"])
    assert out["added"] + out["updated"] + out["unchanged"] + out["duplicates"] + out["failed"] == \
        sum(1 for _ in archive.rglob("*.md"))


# -- the report alone (no library: what the writer hands it) -------------------------------------


def test_record_counts_a_story_met_twice_in_one_import_as_a_duplicate(corpus_dir: Path) -> None:
    art = parse_file(sorted(corpus_dir.glob("*.md"))[0])
    report = imp.ImportReport()
    report.record("/a/x.md", art, "added")
    report.record("/b/x.md", art, "unchanged")
    assert (report.added, report.unchanged, report.duplicates) == (1, 0, 1)
    assert report.duplicate_files == [imp.Duplicate("/b/x.md", art.key, "/a/x.md", False)]
