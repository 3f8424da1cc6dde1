"""Backups: a rolling daily copy of the reader's data, and recovery from a damaged library.

The reader's own data (bookmarks, read state, tags, watchlist, saved searches) is the one thing
a re-import cannot bring back, so it is written once a day, compact and compressed, into
``backups/`` in the library folder (the last seven days are kept).  A damaged database is never overwritten: it is
renamed aside, and a new one is made from the newest database backup, or empty with the newest
user-data backup merged in.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.store import DB_NAME

if TYPE_CHECKING:
    from reader.core.library import Library

KEEP_DAYS = 7


def backup_dir(folder: Path) -> Path:
    return folder / "backups"


def _user_backups(d: Path) -> list[Path]:
    """The daily backups, oldest first: compact ``.json.gz`` ones and the plain JSON of older
    versions (``user-data-<day>.json``), sorted by their day."""
    found = [p for p in d.glob("user-data-*.json*") if p.name.endswith((".json", ".json.gz"))]
    return sorted(found, key=lambda p: p.name.split(".")[0])


def daily_user_backup(lib: Library, today: dt.date | None = None) -> Path | None:
    """Write today's user-data backup if there is none yet; prune old ones.

    The window calls this after its first paint, off the GUI thread: at a million read marks it
    takes a while, and the backup is compact (compressed; a read mark is one key) so that seven
    of them stay small."""
    day = (today or dt.date.today()).isoformat()
    d = backup_dir(lib.folder)
    target = d / f"user-data-{day}.json.gz"
    if target.exists() or (d / f"user-data-{day}.json").exists():
        return None
    d.mkdir(parents=True, exist_ok=True)
    lib.write_compact_backup(target)
    for old in _user_backups(d)[:-KEEP_DAYS]:
        old.unlink(missing_ok=True)
    return target


def latest_database_backup(folder: Path) -> Path | None:
    """The newest ``library.*.bak`` (written before each migration, or by hand)."""
    found = sorted(folder.glob(f"{Path(DB_NAME).stem}.*.bak"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def latest_user_backup(folder: Path) -> Path | None:
    found = _user_backups(backup_dir(folder))
    return found[-1] if found else None


def set_aside(folder: Path) -> Path:
    """Rename the damaged database (and its WAL files) out of the way; returns its new name."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    db = folder / DB_NAME
    aside = folder / f"{DB_NAME}.damaged-{stamp}"
    os.replace(db, aside)
    for suffix in ("-wal", "-shm"):
        extra = folder / (DB_NAME + suffix)
        if extra.exists():
            os.replace(extra, folder / f"{DB_NAME}{suffix}.damaged-{stamp}")
    return aside


def restore_database_backup(folder: Path, backup: Path) -> Path:
    """Put a copy of ``backup`` in place of the damaged database (which is kept aside)."""
    aside = set_aside(folder)
    shutil.copy2(backup, folder / DB_NAME)
    return aside
