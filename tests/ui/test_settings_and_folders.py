"""Settings, watched folders, daily backups and recovery, on real library files."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

from PySide6.QtCore import QSettings

from reader.core import backups, folders
from reader.core.library import Library, LibraryError
from reader.core.store import DB_NAME
from reader.ui.main_window import MainWindow
from reader.ui.settings_dialog import SettingsDialog


def _window(qtbot, lib: Library, tmp_path: Path) -> MainWindow:
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    return w


def test_a_new_post_in_a_watched_folder_is_imported_without_asking(qtbot, tmp_path, corpus_dir):
    archive = tmp_path / "archive" / "_posts"
    archive.mkdir(parents=True)
    from reader.core.post import story_key

    by_key: dict[str, Path] = {}
    for f in sorted(corpus_dir.glob("*.md")):
        by_key.setdefault(story_key(f), f)
    files = list(by_key.values())[:5]
    for f in files[:4]:
        shutil.copy(f, archive / f.name)
    lib = Library.open(tmp_path / "lib")
    w = _window(qtbot, lib, tmp_path)
    with qtbot.waitSignal(w.importFinished, timeout=30000):
        w.start_import([str(archive.parent)], workers=1)
    assert folders.watched_folders(lib) == [str(archive.parent)]
    assert lib.stats()["articles"] == 4
    shutil.copy(files[4], archive / files[4].name)  # what a `git pull` does
    with qtbot.waitSignal(w.importFinished, timeout=30000) as blocker:
        pass  # the file-system watcher notices and imports in the background
    assert blocker.args[0].added == 1
    assert lib.stats()["articles"] == 5
    w.close()
    lib.close()


def test_settings_apply_and_switch_library(qtbot, tmp_path, corpus_dir):
    lib = Library.open(tmp_path / "lib")
    lib.import_paths([corpus_dir], workers=1)
    w = _window(qtbot, lib, tmp_path)
    dlg = SettingsDialog(w.settings, str(lib.folder), [], w)
    dlg.theme.setCurrentIndex(dlg.theme.findData("dark"))
    dlg.delay.setValue(0)
    dlg.move_library_to = str(tmp_path / "moved")
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.apply_settings_dialog(dlg)
    assert w.viewer.dark and w.mark_read_delay_ms == 0
    assert w.library is not None and w.library.folder == tmp_path / "moved"
    assert w.library.stats()["articles"] == lib.stats()["articles"]
    assert w.settings.value("library/path") == str(tmp_path / "moved")
    w.close()
    w.library.close()
    lib.close()


def test_daily_backup_keeps_a_week_of_the_readers_data(tmp_path, corpus_dir):
    with Library.open(tmp_path / "lib") as lib:
        lib.import_paths([corpus_dir], workers=1)
        aid = lib.query_ids("")[0]
        lib.set_bookmarked([aid])
        start = dt.date(2026, 11, 1)
        for i in range(10):
            backups.daily_user_backup(lib, start + dt.timedelta(days=i))
        assert backups.daily_user_backup(lib, start + dt.timedelta(days=9)) is None  # once a day
        kept = sorted(p.name for p in backups.backup_dir(lib.folder).glob("*.json.gz"))
        assert len(kept) == backups.KEEP_DAYS and kept[-1] == "user-data-2026-11-10.json.gz"
        latest = backups.latest_user_backup(lib.folder) or Path()
        assert lib.rows([aid])[aid].key in gzip.decompress(latest.read_bytes()).decode("utf-8")


def test_a_damaged_library_is_refused_then_restored_without_losing_the_damaged_file(tmp_path, corpus_dir):
    folder = tmp_path / "lib"
    with Library.open(folder) as lib:
        lib.import_paths([corpus_dir], workers=1)
        n = lib.stats()["articles"]
        lib.backup("manual")
    db = folder / DB_NAME
    damaged = b"this is not a database at all" * 100
    db.write_bytes(damaged)
    for suffix in ("-wal", "-shm"):
        (folder / (DB_NAME + suffix)).unlink(missing_ok=True)
    try:
        Library.open(folder)
        raise AssertionError("a damaged library must be refused")
    except LibraryError as exc:
        assert "damaged" in str(exc) or "not a Finews Reader library" in str(exc)
    assert db.read_bytes() == damaged, "refusing touches nothing"
    backup = backups.latest_database_backup(folder)
    assert backup is not None
    aside = backups.restore_database_backup(folder, backup)
    assert aside.read_bytes() == damaged, "the damaged file is kept, never overwritten"
    with Library.open(folder) as lib:
        assert lib.stats()["articles"] == n
