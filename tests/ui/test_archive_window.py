"""Archives from the window, through the user's path, against git servers on 127.0.0.1:
File › Add archive…, the first-run banner's "Add the finews archive" (URL filled in, editable),
F5 to update, and an error in one sentence."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archives"))

from git_server import FinewsRepo, GitDaemon, HttpGit, Served, refused_port  # noqa: E402
from modal import answering  # noqa: E402

from reader.core.library import Library  # noqa: E402
from reader.ui.archives import FINEWS_URL, AddArchiveDialog  # noqa: E402
from reader.ui.main_window import MainWindow  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="the test servers need git")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    base = tmp_path / "served"
    repo = FinewsRepo(base / "finews")
    repo.day(1, new=8)
    repo.day(2, new=8, rewrite=2, move=2)
    daemon, http = GitDaemon(base), HttpGit(base)
    try:
        yield Served(repo, base, daemon, http)
    finally:
        http.stop()
        daemon.stop()


def _window(qtbot, lib: Library | None, tmp_path: Path, **kw) -> MainWindow:
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), **kw)
    qtbot.addWidget(w)
    w.quiet_reports = True
    w.show()
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib, demo=kw.get("user_library_path") is not None)
    return w


def _type_and_add(qtbot, url: str, seen_source: list[str]):
    def handle(dlg: QWidget) -> None:
        assert isinstance(dlg, AddArchiveDialog)
        seen_source.append(dlg.source_edit.text())
        dlg.source_edit.selectAll()
        qtbot.keyClicks(dlg.source_edit, url)
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    return handle


def _titles(w: MainWindow) -> list[str]:
    model = w.table.model()
    col = next(c for c in range(model.columnCount())
               if model.headerData(c, Qt.Orientation.Horizontal) in ("Title", "标题"))
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_add_from_the_file_menu_then_update_with_f5(qtbot, tmp_path: Path, served: Served) -> None:
    lib = Library.open(tmp_path / "lib")
    w = _window(qtbot, lib, tmp_path)
    seen: list[str] = []
    with answering(_type_and_add(qtbot, served.url("http"), seen), AddArchiveDialog) as dialogs, \
            qtbot.waitSignal(w.archives.finished, timeout=30000) as done:
        w.act_add_archive.trigger()
    assert dialogs and seen == [""]
    [result] = done.args[0]
    assert result.report.added == 16
    qtbot.waitUntil(lambda: len(_titles(w)) == 16, timeout=10000)
    assert _titles(w)[0].startswith("第2天")  # the newest first

    served.repo.day(3, new=3)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    w.table.setFocus()
    qtbot.waitUntil(w.table.hasFocus, timeout=5000)
    with qtbot.waitSignal(w.archives.finished, timeout=30000) as done:
        qtbot.keyClick(w.table, Qt.Key.Key_F5)
    [result] = done.args[0]
    assert (result.report.added, result.commit) == (3, served.repo.tip())
    qtbot.waitUntil(lambda: len(_titles(w)) == 19, timeout=10000)
    assert _titles(w)[0].startswith("第3天")
    w.close()
    lib.close()


def test_the_first_run_banner_offers_the_finews_archive(qtbot, tmp_path: Path, served: Served) -> None:
    from reader.ui.app import open_demo_library

    demo = open_demo_library(tmp_path / "mine")  # the sample, as on a first run
    w = _window(qtbot, demo, tmp_path, user_library_path=tmp_path / "mine")
    assert w.welcome.isVisible() and w.welcome_archive_button.isVisible()
    seen: list[str] = []
    with answering(_type_and_add(qtbot, served.url("git"), seen), AddArchiveDialog), \
            qtbot.waitSignal(w.archives.finished, timeout=30000) as done:
        qtbot.mouseClick(w.welcome_archive_button, Qt.MouseButton.LeftButton)
    assert seen == [FINEWS_URL]  # filled in, and the reader could change it
    assert done.args[0][0].report.added == 16
    assert not w.demo and w.library is not None and w.library.folder == tmp_path / "mine"
    assert not w.welcome.isVisible()
    qtbot.waitUntil(lambda: len(_titles(w)) == 16, timeout=10000)
    w.close()
    w.library.close()
    demo.close()


def test_an_error_is_one_sentence(qtbot, tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    w = _window(qtbot, lib, tmp_path)
    seen: list[str] = []
    with refused_port() as port:
        url = f"http://127.0.0.1:{port}/finews"
        with answering(_type_and_add(qtbot, url, seen), AddArchiveDialog), \
                qtbot.waitSignal(w.archives.finished, timeout=30000) as done:
            w.act_add_archive.trigger()
    assert done.args[0] is None
    box = w.archives.error_box
    assert box is not None and box.isVisible()
    assert box.text().startswith("Cannot reach 127.0.0.1: you may be offline")
    box.accept()
    assert lib.archives() == [] and lib.stats()["articles"] == 0
    w.close()
    lib.close()
