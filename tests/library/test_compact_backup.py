"""The daily backup's compact form: every mark, tag, watch and saved search comes back, into a
new library or one that already has data, and an older day's plain JSON still restores."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

from reader.core import backups
from reader.core.library import Library


def _reader_state(lib: Library) -> dict[str, object]:
    ids = lib.query_ids("")
    rows = lib.rows(ids)
    return {
        "read": sorted(r.key for r in rows.values() if r.read),
        "bookmarked": sorted(r.key for r in rows.values() if r.bookmarked),
        "tags": sorted((r.key, t) for r in rows.values() for t in r.user_tags),
        "watch": lib.watchlist(),
        "saved": lib.saved_searches(),
    }


def test_the_compact_backup_restores_everything_into_a_fresh_library(tmp_path: Path, corpus_dir: Path) -> None:
    with Library.open(tmp_path / "a") as lib:
        lib.import_paths([corpus_dir], workers=1)
        ids = lib.query_ids("")
        lib.set_read(ids[: len(ids) // 2], True)  # a "mark all as read": one time for many marks
        lib.set_read(ids[-3:], True)
        lib.set_bookmarked(ids[5:9], True)
        lib.add_tags(ids[2:6], ["关注", "rates"])
        lib.watch(["1.600519"])
        lib.save_search("降准", "降准 -港股")
        target = backups.daily_user_backup(lib, dt.date(2026, 12, 1))
        assert target is not None and target.name == "user-data-2026-12-01.json.gz"
        want = _reader_state(lib)
        data = json.loads(gzip.decompress(target.read_bytes()))
        assert data["version"] == 2 and sum(len(v) for v in data["read"].values()) == len(want["read"])
        plain = tmp_path / "plain.json"
        lib.export_user_data(plain)
    assert target.stat().st_size * 5 < plain.stat().st_size, "compact: a read mark is one key"
    with Library.open(tmp_path / "b") as fresh:
        fresh.import_paths([corpus_dir], workers=1)
        fresh.import_user_data(target)
        assert _reader_state(fresh) == want


def test_an_older_plain_backup_is_still_found_and_restored(tmp_path: Path, corpus_dir: Path) -> None:
    with Library.open(tmp_path / "a") as lib:
        lib.import_paths([corpus_dir], workers=1)
        lib.set_bookmarked(lib.query_ids("")[:2], True)
        d = backups.backup_dir(lib.folder)
        d.mkdir(parents=True)
        lib.export_user_data(d / "user-data-2026-11-30.json")  # written by the previous version
        assert backups.daily_user_backup(lib, dt.date(2026, 11, 30)) is None, "that day is done"
        assert backups.latest_user_backup(lib.folder) == d / "user-data-2026-11-30.json"
        backups.daily_user_backup(lib, dt.date(2026, 12, 1))
        assert backups.latest_user_backup(lib.folder) == d / "user-data-2026-12-01.json.gz"
        want = _reader_state(lib)
    with Library.open(tmp_path / "b") as fresh:
        fresh.import_paths([corpus_dir], workers=1)
        fresh.import_user_data(d / "user-data-2026-11-30.json")
        assert _reader_state(fresh) == want
