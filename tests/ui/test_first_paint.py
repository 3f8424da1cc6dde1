"""A library opened in a shown window paints its list first; the archive's counts (categories,
sources, the Securities panel: long at a million articles) follow, and are all there by the time
the list says it holds the whole result."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTreeWidgetItemIterator

from reader.core.library import Library
from reader.ui import jobs
from reader.ui.main_window import MainWindow
from reader.ui.sidebar import KindRole, QueryRole, quote


def sidebar_counts(w: MainWindow, kind: str) -> dict[str, str]:
    out = {}
    it = QTreeWidgetItemIterator(w.sidebar)
    while it.value():
        item = it.value()
        if item.data(0, KindRole) == kind:
            out[item.data(0, QueryRole)] = item.text(1)
        it += 1
    return out


@pytest.mark.parametrize("first_page", [5, jobs.FIRST_PAGE])  # a large result, a small one
def test_the_archive_counts_follow_the_list(qtbot, tmp_path: Path, corpus_dir: Path, monkeypatch,
                                            first_page: int) -> None:
    monkeypatch.setattr(jobs, "FIRST_PAGE", first_page)
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.import_paths([corpus_dir], workers=1)
        cats, sources = lib.categories(), lib.sources()
    assert cats and sources
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.quiet_reports = True
    w.show()
    qtbot.waitExposed(w)
    shown_at: list[int] = []
    w.listShown.connect(lambda: shown_at.append(w.model.rowCount()))
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(Library.open(path))
    assert shown_at[0] == min(first_page, w.model.rowCount())
    assert sidebar_counts(w, "category") == {f"cat:{quote(c)}": str(n) for c, n in cats}
    assert sidebar_counts(w, "source") == {f"source:{quote(s)}": str(n) for s, n in sources[:40]}
    # the Securities panel fills off the GUI thread once the list is painted
    qtbot.waitUntil(lambda: w.securities_panel.model.rowCount() > 0, timeout=10000)
    # the counts stay when the list changes
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_search("央行")
    assert sidebar_counts(w, "category") == {f"cat:{quote(c)}": str(n) for c, n in cats}
    w.close()
    w.library.close()


def test_a_million_articles_count_is_not_elided(qtbot, tmp_path: Path) -> None:
    """The sidebar's count column holds seven digits with the cell's margins, in the sidebar's
    font: "1000000" is shown whole, not "100…"."""
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(Library.open(tmp_path / "lib"))
    item = w.sidebar.topLevelItem(0)
    assert item is not None
    item.setText(1, "1000000")
    rect = w.sidebar.visualItemRect(item)
    shown = w.sidebar.columnWidth(1)
    needed = w.sidebar.fontMetrics().horizontalAdvance("1000000")
    margin = w.sidebar.style().pixelMetric(w.sidebar.style().PixelMetric.PM_FocusFrameHMargin) + 1
    assert rect.height() > 0
    assert shown >= needed + 2 * margin
    w.close()
    w.library.close()
