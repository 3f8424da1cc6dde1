"""A window on a real library, shown, active and with the list focused (so that key presses
reach it), and its closing: shared by the UI tests that drive the window with keys."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from reader.core.library import Library
from reader.ui.main_window import MainWindow


def open_window(qtbot, path: Path, tmp_path: Path, delay_ms: int | None = 1000) -> MainWindow:  # type: ignore[no-untyped-def]
    """``delay_ms``: the read-after delay (None: the delay a new user has)."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    if delay_ms is not None:
        settings.setValue("reader/markReadDelayMs", delay_ms)
    w = MainWindow(None, settings=settings)
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(Library.open(path))
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    w.table.setFocus()
    qtbot.waitUntil(w.table.hasFocus, timeout=5000)
    return w


def close(w: MainWindow) -> None:
    w.close()
    if w.library is not None:
        w.library.close()


def big_folder(tmp_path: Path, corpus_dir: Path) -> Path:
    """Thousands of post files (copies of the corpus under other names): an import of several
    batches, long enough to act on while it runs."""
    big = tmp_path / "big"
    big.mkdir()
    files = sorted(corpus_dir.glob("*.md"))
    for i in range(max(15, 3000 // len(files))):
        for f in files:
            shutil.copy(f, big / f"{i:02d}-{f.name.lstrip('-')}")
    return big
