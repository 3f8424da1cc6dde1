"""Imports started from the window run in a process of their own: the window's process only
shows progress and the report.  Through the reader's path: the import dialog and Ctrl+I, the
Cancel button, keys on the list while the import runs; a child killed mid-import, and the
window closed mid-import."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from reader.core.library import Library
from reader.core.post import story_key, story_of
from reader.ui.main_window import MainWindow
from tests.ui import window_helpers
from tests.ui.window_helpers import big_folder, close


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> int:
    """How many articles the corpus makes (imported here, in the test's own process)."""
    from tests.conftest import corpus_path

    with Library.open(tmp_path_factory.mktemp("reference") / "lib") as lib:
        lib.import_paths([corpus_path()], workers=1)
        return int(lib.stats()["articles"])


def open_window(qtbot, path: Path, tmp_path: Path) -> MainWindow:
    return window_helpers.open_window(qtbot, path, tmp_path, delay_ms=60000)  # nothing turns read by itself



def intact(path: Path) -> bool:
    db = sqlite3.connect(path / "library.sqlite3")
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
        return ok
    finally:
        db.close()


def group_gone(pid: int) -> bool:
    """No process is left of the child's group (the child and its parse workers)."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def report_dialog():
    return next((d for d in QApplication.topLevelWidgets()
                 if d.objectName() == "importReport" and d.isVisible()), None)


def answer_import_dialog(qtbot, folder: str) -> None:
    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        assert dlg is not None and dlg.objectName() == "importFolderDialog"
        dlg.path_edit.setText(folder)
        if dlg.watch_box.isChecked():
            qtbot.mouseClick(dlg.watch_box, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, lambda: qtbot.waitUntil(
        lambda: QApplication.activeModalWidget() is not None, timeout=5000) or answer())


def test_ctrl_i_imports_in_another_process_and_the_report_opens(qtbot, tmp_path, corpus_dir, stories):
    path = tmp_path / "lib"
    Library.open(path).close()
    w = open_window(qtbot, path, tmp_path)
    w.quiet_reports = False
    answer_import_dialog(qtbot, str(corpus_dir))
    qtbot.keyClick(w.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    job = w.import_job
    assert job is not None
    assert job.pid is not None and job.pid != os.getpid(), "the import runs in a process of its own"
    qtbot.waitUntil(lambda: report_dialog() is not None, timeout=60000)
    report = job.result
    assert report.added > 0 and not report.cancelled and not report.failures
    summary = report_dialog().findChild(type(w.count_label), "importSummary").text()
    assert f"{report.added} added" in summary
    assert w.library.stats()["articles"] == stories
    qtbot.waitUntil(lambda: w.model.rowCount() == stories, timeout=10000)
    assert not w.progress.isVisible() and not w.cancel_button.isVisible()
    assert w.act_last_report.isEnabled()
    report_dialog().close()
    close(w)


def test_the_cancel_button_stops_the_import_process(qtbot, tmp_path, corpus_dir):
    big = big_folder(tmp_path, corpus_dir)
    path = tmp_path / "lib"
    Library.open(path).close()
    w = open_window(qtbot, path, tmp_path)
    job = w.start_import([str(big)], workers=1, watch=False)
    assert job is not None
    qtbot.waitUntil(lambda: w.cancel_button.isVisible() and w.progress.value() > 0, timeout=60000)
    with qtbot.waitSignal(w.importFinished, timeout=60000) as blocker:
        qtbot.mouseClick(w.cancel_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert report.cancelled
    assert report.added + report.updated + report.unchanged + report.failed + report.duplicates \
        < len(list(big.glob("*.md")))
    qtbot.waitUntil(lambda: job.process.exitcode is not None, timeout=10000)
    assert job.process.exitcode == 0
    assert intact(path)
    close(w)


def test_a_killed_import_process_is_a_report_and_the_window_goes_on(qtbot, tmp_path, corpus_dir):
    big = big_folder(tmp_path, corpus_dir)
    path = tmp_path / "lib"
    Library.open(path).close()
    w = open_window(qtbot, path, tmp_path)
    w.quiet_reports = False
    job = w.start_import([str(big)], workers=2, watch=False)
    assert job is not None
    pid = job.pid
    # killed as soon as a few articles are stored: in the middle of the import
    job.progressed.connect(lambda _d, _t, added, *_: os.kill(pid, signal.SIGKILL) if added > 1 else None)
    with qtbot.waitSignal(w.importFinished, timeout=60000) as blocker:
        pass
    report = blocker.args[0]
    assert report is not None and report.cancelled
    assert any("stopped unexpectedly" in f.error and "SIGKILL" in f.error for f in report.failures)
    assert str(big) in report.failures[-1].path
    qtbot.waitUntil(lambda: report_dialog() is not None, timeout=5000)
    assert "SIGKILL" in report_dialog().table.item(report_dialog().table.rowCount() - 1, 1).text()
    assert "stopped unexpectedly" in w.statusBar().currentMessage()
    report_dialog().close()
    qtbot.waitUntil(lambda: group_gone(pid), timeout=10000)  # no parse worker left behind
    assert not w.progress.isVisible() and not w.cancel_button.isVisible()
    assert intact(path)
    # the window goes on: the list moves, and the same import finishes what the killed one began
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    w.table.setFocus()
    qtbot.waitUntil(lambda: w.model.rowCount() > 1, timeout=10000)
    w.select_row(0)
    qtbot.keyClick(w.table, Qt.Key.Key_J)
    assert w.table.currentIndex().row() == 1
    w.quiet_reports = True
    with qtbot.waitSignal(w.importFinished, timeout=120000) as blocker:
        assert w.start_import([str(big)], workers=2, watch=False) is not None
    again = blocker.args[0]
    assert not again.cancelled and not again.failures
    with Library.open(tmp_path / "reference") as reference:  # the same folder, never interrupted
        reference.import_paths([big], workers=1)
        assert w.library.stats()["articles"] == reference.stats()["articles"]
    close(w)


def test_a_bookmark_and_a_read_mark_made_while_importing_are_kept(qtbot, tmp_path, corpus_dir):
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.import_paths([corpus_dir], workers=1)
    big = big_folder(tmp_path, corpus_dir)
    # new files too (another story each), so the import writes articles, not only copies
    for f in sorted(corpus_dir.glob("*.md"))[:40]:
        shutil.copy(f, big / f"zz-{f.name}")
    w = open_window(qtbot, path, tmp_path)
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=5000)
    job = w.start_import([str(big)], workers=1, watch=False)
    assert job is not None
    qtbot.waitUntil(lambda: w.progress.value() > 0, timeout=60000)
    assert w.importer.running(), "the keys are pressed while the import writes"
    target = w.current_id
    qtbot.keyClick(w.table, Qt.Key.Key_S)  # bookmark
    qtbot.keyClick(w.table, Qt.Key.Key_R)  # read
    assert w.importer.running()
    with qtbot.waitSignal(w.importFinished, timeout=120000) as blocker:
        pass
    assert not blocker.args[0].failures
    with Library.open(path) as fresh:  # what is on disk, read anew
        assert target in fresh.query_ids("is:bookmarked")
        assert target in fresh.query_ids("is:read")
    close(w)


def test_closing_the_window_mid_import_ends_the_import_process(qtbot, tmp_path, corpus_dir):
    big = big_folder(tmp_path, corpus_dir)
    path = tmp_path / "lib"
    Library.open(path).close()
    w = open_window(qtbot, path, tmp_path)
    job = w.start_import([str(big)], workers=2, watch=False)
    assert job is not None
    qtbot.waitUntil(lambda: w.progress.value() > 0, timeout=60000)
    finished = []
    w.importFinished.connect(finished.append)
    close(w)
    assert job.process.exitcode is not None, "the import process has ended when the window has"
    qtbot.waitUntil(lambda: group_gone(job.pid), timeout=10000)  # its workers too
    assert not job.isRunning()
    assert intact(path)
    assert finished == []  # no report for an import the reader closed the window on


def test_a_bookmark_pressed_while_the_import_holds_the_write_lock_leaves_the_window_free(
        qtbot, tmp_path, corpus_dir):
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.import_paths([corpus_dir], workers=1)
    big = big_folder(tmp_path, corpus_dir)
    w = open_window(qtbot, path, tmp_path)
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=5000)
    job = w.start_import([str(big)], workers=1, watch=False)
    assert job is not None
    qtbot.waitUntil(lambda: w.progress.value() > 0, timeout=60000)
    # a long write transaction, as the import's full-text merge after a large import holds one
    holder = sqlite3.connect(path / "library.sqlite3", timeout=60, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        target = w.current_id
        qtbot.keyClick(w.table, Qt.Key.Key_S)  # waits for the lock, but not on the GUI thread
        row = w.table.currentIndex().row()
        qtbot.keyClick(w.table, Qt.Key.Key_J)  # the window answers meanwhile
        assert w.table.currentIndex().row() == row + 1
        assert w.reading.writes.pending() == 1, "the bookmark waits for the lock"
    finally:
        holder.execute("COMMIT")
        holder.close()
    qtbot.waitUntil(lambda: w.reading.writes.pending() == 0, timeout=60000)
    assert target in w.library.query_ids("is:bookmarked")
    with qtbot.waitSignal(w.importFinished, timeout=120000) as blocker:
        pass
    assert not blocker.args[0].failures
    with Library.open(path) as fresh:
        assert target in fresh.query_ids("is:bookmarked")
    close(w)


def test_a_watched_folder_is_imported_again_quietly_when_a_post_appears(qtbot, tmp_path, corpus_dir):
    folder = tmp_path / "posts"
    folder.mkdir()
    files = sorted(corpus_dir.glob("*.md"))
    new = files[-1]  # the post that appears later; the folder holds none of its story's copies
    first = [f for f in files if story_of(story_key(f)) != story_of(story_key(new))][:20]
    for f in first:
        shutil.copy(f, folder / f.name)
    path = tmp_path / "lib"
    Library.open(path).close()
    w = open_window(qtbot, path, tmp_path)
    with qtbot.waitSignal(w.importFinished, timeout=60000):
        w.start_import([str(folder)], workers=1, watch=True)
    before = w.library.stats()["articles"]
    with qtbot.waitSignal(w.importFinished, timeout=60000) as blocker:
        shutil.copy(new, folder / new.name)  # the watcher's timer starts the import
    report = blocker.args[0]
    assert report.added == 1 and report.unchanged == len(first)
    assert w.import_job.pid != os.getpid()
    assert w.library.stats()["articles"] == before + 1
    assert report_dialog() is None  # quiet: no report for a watched folder without failures
    close(w)
