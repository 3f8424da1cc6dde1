"""The article list shows each article's state as the library holds it, row by row, while the
reader pages through it; its answers are kept per block of rows, so these check that what is kept
follows the library (a bookmark, a read mark) and the theme (a palette switch)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from reader.core.library import Library
from reader.ui.article_model import BLOCK, ArticleTableModel
from reader.ui.main_window import MainWindow
from reader.ui.theme import themed_palette, watched_color

M = ArticleTableModel
R = Qt.ItemDataRole


GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "archive_gen.py"


@pytest.fixture
def window(qtbot, tmp_path: Path, corpus_dir: Path):
    """The corpus and generated finews posts: several blocks of rows (the committed subset of
    the corpus alone holds eleven articles)."""
    generated = tmp_path / "generated"
    subprocess.run([sys.executable, str(GENERATOR), str(generated), "--count", str(4 * BLOCK),
                    "--broken-ratio", "0"], check=True, capture_output=True)
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.import_paths([corpus_dir, generated], workers=1)
        ids = list(lib.query_ids(""))
        lib.set_bookmarked(ids[3:200:7], True)
        lib.set_read(ids[1:200:3], True)
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.quiet_reports = True
    w.resize(1100, 500)
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(Library.open(path))
    w.show()
    qtbot.waitExposed(w)
    w.read_timer.stop()
    yield w
    w.close()
    if w.library is not None:
        w.library.close()


def expected_color(aid_state: tuple[bool, bool], column: int) -> QColor | None:
    bookmarked, read = aid_state
    palette = QApplication.palette()
    if column == M.COL_STAR and bookmarked:
        return watched_color(palette)
    if column == M.COL_TITLE and read:
        return palette.color(QPalette.ColorRole.PlaceholderText)
    return None


def check_rows_in_view(w: MainWindow) -> int:
    """Every row in view answers as the library's own record of its article says."""
    m, t = w.model, w.table
    first, last = t.rowAt(0), t.rowAt(t.viewport().height() - 1)
    last = m.rowCount() - 1 if last < 0 else last
    for row in range(first, last + 1):
        aid = m.data(m.index(row, 0), M.IdRole)
        a = w.library.article(aid)
        cell = {c: m.index(row, c) for c in range(5)}
        assert m.data(cell[M.COL_TITLE]) == a.title
        assert m.data(cell[M.COL_TIME]) == a.published.strftime("%Y-%m-%d %H:%M")
        assert m.data(cell[M.COL_SOURCE]) == a.source
        assert m.data(cell[M.COL_STAR]) == ("★" if a.bookmarked else "")
        assert m.data(cell[M.COL_TITLE], M.KeyRole) == a.key
        assert m.data(cell[M.COL_TITLE], R.ToolTipRole) == a.title
        font = m.data(cell[M.COL_TITLE], R.FontRole)
        assert (font is not None and font.bold()) == (not a.read)
        for c in range(5):
            assert m.data(cell[c], R.ForegroundRole) == expected_color((a.bookmarked, a.read), c)
            assert m.data(cell[c], R.DecorationRole) is None
        assert m.data(cell[M.COL_STAR], R.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignCenter.value)
        assert m.data(cell[M.COL_TITLE], R.TextAlignmentRole) is None
        names = [s.name for s in a.securities]
        shown = m.data(cell[M.COL_SECURITIES])
        assert bool(shown) == bool(names)
        if names and names[0]:
            assert shown.startswith(names[0])
            assert names[0] in m.data(cell[M.COL_SECURITIES], R.ToolTipRole)
    return last - first + 1


def test_paging_through_the_list_shows_each_articles_state(qtbot, window: MainWindow) -> None:
    w = window
    n = w.model.rowCount()
    assert n > BLOCK  # the pages cross blocks
    w.table.setFocus()
    seen = check_rows_in_view(w)
    pages = 0
    while w.table.currentIndex().row() < n - 1:
        qtbot.keyClick(w.table, Qt.Key.Key_PageDown)
        w.read_timer.stop()
        seen += check_rows_in_view(w)
        pages += 1
        assert pages < n  # PageDown moves on
    assert pages > 1 and seen >= n


def test_a_bookmark_and_a_read_mark_show_in_the_list(qtbot, window: MainWindow) -> None:
    w = window
    w.table.setFocus()
    while w.table.currentIndex().row() < BLOCK:  # a row of the second block
        qtbot.keyClick(w.table, Qt.Key.Key_PageDown)
    row = w.table.currentIndex().row()
    aid = w.model.id_at(row)
    before = w.library.article(aid)
    qtbot.keyClick(w.table, Qt.Key.Key_S)
    qtbot.keyClick(w.table, Qt.Key.Key_R)
    star, title = w.model.index(row, M.COL_STAR), w.model.index(row, M.COL_TITLE)
    qtbot.waitUntil(lambda: w.model.data(star) == ("" if before.bookmarked else "★"))
    qtbot.waitUntil(lambda: (w.model.data(title, R.FontRole) is None) == (not before.read))
    after = w.library.article(aid)
    assert (after.bookmarked, after.read) == (not before.bookmarked, not before.read)
    check_rows_in_view(w)


def test_a_theme_switch_recolours_the_rows_already_shown(qtbot, window: MainWindow) -> None:
    w = window
    m = w.model
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, M.COL_STAR)) == "★")
    read_row = next(r for r in range(m.rowCount()) if m.data(m.index(r, M.COL_TITLE), R.FontRole) is None)
    light = (m.data(m.index(row, M.COL_STAR), R.ForegroundRole),
             m.data(m.index(read_row, M.COL_TITLE), R.ForegroundRole))
    original = QPalette(QApplication.palette())
    QApplication.setPalette(themed_palette(True, original))  # what the dark theme's action sets
    try:
        dark = (m.data(m.index(row, M.COL_STAR), R.ForegroundRole),
                m.data(m.index(read_row, M.COL_TITLE), R.ForegroundRole))
        palette = QApplication.palette()
        assert dark == (watched_color(palette), palette.color(QPalette.ColorRole.PlaceholderText))
        assert dark != light
    finally:
        QApplication.setPalette(original)


def test_the_next_rows_are_read_off_the_gui_thread_before_they_are_shown(qtbot, window: MainWindow) -> None:
    w = window
    lib = w.library
    reads: list[tuple[bool, int]] = []  # (on the GUI thread, first id), by the real store
    real = lib.rows

    def recorded(ids):  # type: ignore[no-untyped-def]
        reads.append((threading.current_thread() is threading.main_thread(), ids[0]))
        return real(ids)

    lib.rows = recorded
    arrived: set[int] = set()  # rows the model was given (it hears the worker first)
    w.browse.runner.rowsReady.connect(lambda _token, rows: arrived.update(rows))
    w.model.refresh_all()  # rows are read again from here on
    w.table.viewport().repaint()
    m = w.model
    first_of = {b: m.id_at(b * BLOCK) for b in range(m.rowCount() // BLOCK + 1)}
    assert reads and reads[0] == (True, first_of[0])  # the rows in view: read at once
    qtbot.waitUntil(lambda: first_of[1] in arrived)  # the next block: by the worker
    w.table.setFocus()
    while w.table.currentIndex().row() < m.rowCount() - 1:
        qtbot.keyClick(w.table, Qt.Key.Key_PageDown)
        w.read_timer.stop()
        w.table.viewport().repaint()
        b = w.table.rowAt(w.table.viewport().height() - 1) // BLOCK
        if b + 1 in first_of:
            qtbot.waitUntil(lambda b=b: first_of[b + 1] in arrived)
    assert [first for gui, first in reads if gui] == [first_of[0]]  # nothing waited on SQL
    check_rows_in_view(w)
