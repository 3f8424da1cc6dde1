"""A reader's day through the window, by keys and clicks, on a real library of the corpus:
read-after-delay, the Unread count, search messages, Back/Forward, the newest day, Undo, F9."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from reader.core import folders
from reader.core.library import Library
from reader.ui.main_window import MainWindow
from tests.ui.window_helpers import big_folder, close, open_window


@pytest.fixture(scope="module")
def corpus_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import corpus_path

    path = tmp_path_factory.mktemp("corpus") / "lib"
    with Library.open(path) as lib:
        assert lib.import_paths([corpus_path()], workers=1).added > 0
    return path


@pytest.fixture
def library_copy(corpus_library: Path, tmp_path: Path) -> Path:
    """A fresh copy per test: the tests change read state."""
    import shutil

    dest = tmp_path / "lib"
    shutil.copytree(corpus_library, dest)
    return dest


def is_read(w: MainWindow, aid: int) -> bool:
    return w.library.rows([aid])[aid].read


def unread_shown(w: MainWindow) -> int:
    return int(w.sidebar.item_for("unread").text(1))


def test_an_article_shown_for_the_delay_is_read_and_one_passed_over_is_not(qtbot, library_copy, tmp_path):
    """The walk that found the bug: the newest article open past the (default) delay, then the
    next two glimpsed with j for 0.3 s each: exactly the first is read."""
    w = open_window(qtbot, library_copy, tmp_path, delay_ms=None)
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=5000)
    first = w.current_id
    unread_before = unread_shown(w)
    assert not is_read(w, first)
    assert w.mark_read_delay_ms == 1500
    qtbot.waitUntil(lambda: is_read(w, first), timeout=5000)  # the real timer fires while it is open
    assert unread_shown(w) == unread_before - 1, "the sidebar's Unread count follows"
    glimpsed = []
    for _ in range(2):
        qtbot.keyClick(w.table, Qt.Key.Key_J)
        qtbot.waitUntil(lambda: w.current_id not in (first, *glimpsed), timeout=3000)
        glimpsed.append(w.current_id)
        qtbot.wait(300)
    qtbot.keyClick(w.table, Qt.Key.Key_J)  # move on again: the second glimpse is left too
    qtbot.waitUntil(lambda: w.current_id not in (first, *glimpsed), timeout=3000)
    assert [is_read(w, a) for a in glimpsed] == [False, False]
    assert unread_shown(w) == unread_before - 1
    close(w)


def test_zero_delay_marks_at_once_and_next_unread_keeps_the_count(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path, delay_ms=0)
    qtbot.waitUntil(lambda: w.current_id is not None and is_read(w, w.current_id), timeout=5000)
    before = unread_shown(w)
    qtbot.keyClick(w.table, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: unread_shown(w) == before - 1, timeout=3000)
    assert is_read(w, w.current_id)
    assert unread_shown(w) == w.library.count("is:unread")
    close(w)


def test_closing_the_window_does_not_mark_the_open_article(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path, delay_ms=60000)
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=5000)
    aid, lib = w.current_id, w.library
    w.close()
    assert not lib.rows([aid])[aid].read
    lib.close()


def test_a_query_that_cannot_be_understood_says_why_beside_the_box(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path)
    n = w.model.rowCount()
    for text in ('"unclosed', "after:2022-13-45"):
        w.search_box.clear()
        qtbot.keyClicks(w.search_box, text)
        with qtbot.waitSignal(w.listUpdated, timeout=5000):
            qtbot.keyClick(w.search_box, Qt.Key.Key_Return)
        qtbot.waitUntil(w.search_error.isVisible, timeout=3000)  # the tool bar lays it out
        assert w.search_error.text(), text
        assert w.model.rowCount() == n, "the list stays as it was"
        assert "is not" in w.search_error.text() or "不" in w.search_error.text()
    w.search_box.clear()
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        qtbot.keyClick(w.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.search_error.isVisible(), timeout=3000)
    close(w)


def test_an_empty_result_clears_the_viewer(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path)
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=5000)
    w.search_box.insert("没有这样的词组合xyzzy")  # as an input method enters it
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        qtbot.keyClick(w.search_box, Qt.Key.Key_Return)
    assert w.model.rowCount() == 0
    assert w.current_id is None and w.viewer.article is None
    assert "No articles match" in w.viewer.toPlainText()
    close(w)


def test_a_bare_code_finds_the_articles_linking_the_security(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path)
    lib = w.library
    # a security whose code never appears as text in an article that links it
    for info in lib.securities(limit=200):
        code = info.code
        if not code.isdigit() or len(code) not in (5, 6):
            continue
        linked = set(lib.query_ids(f"sec:{info.secid}"))
        text = {a for a in lib.query_ids("") if code in (lib.article(a).text + lib.article(a).title)}
        if linked - text:
            break
    else:
        pytest.skip("no security linked without its code in the text")
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        w.set_search(code)
    assert set(w.model.ids()) == linked | text
    close(w)


def test_back_and_forward_step_through_the_views(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path)
    secs = [s.secid for s in w.library.securities(limit=2)]
    for sec in secs:
        with qtbot.waitSignal(w.listUpdated, timeout=5000):
            w.show_security(sec)
    w.search_box.insert("央行")
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        qtbot.keyClick(w.search_box, Qt.Key.Key_Return)
    searched = w.compose_query()
    assert searched == f"sec:{secs[1]} 央行", "a search narrows the security's news"
    w.table.setFocus()
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        qtbot.keyClick(w.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert w.security_filter == secs[1] and w.search_box.text() == ""
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.BackButton)
    assert w.security_filter == secs[0]
    assert set(w.model.ids()) == set(w.library.query_ids(f"sec:{secs[0]}"))
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        qtbot.keyClick(w.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert w.security_filter == secs[1]
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.ForwardButton)
    assert w.compose_query() == searched and w.search_box.text() == "央行"
    assert not w.act_forward.isEnabled() and w.act_back.isEnabled()
    # Clear filter stays
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        w.show_security(secs[0])
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        w.filter_back.click()
    assert w.security_filter is None
    close(w)


def test_today_and_this_week_fall_back_to_the_newest_day(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path)
    lib = w.library
    days = sorted({lib.rows([a])[a].published.astimezone(lib.tz).date() for a in lib.query_ids("")})
    newest = days[-1]
    assert newest < dt.datetime.now(lib.tz).date(), "the corpus is older than today"
    today_item = w.sidebar.item_for("today")
    assert newest.strftime("%m-%d") in today_item.text(0)
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        w.sidebar.setCurrentItem(today_item)
    got = {lib.rows([a])[a].published.astimezone(lib.tz).date() for a in w.model.ids()}
    assert got == {newest}
    week_item = w.sidebar.item_for("week")
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        w.sidebar.setCurrentItem(week_item)
    got = {lib.rows([a])[a].published.astimezone(lib.tz).date() for a in w.model.ids()}
    assert got == {d for d in days if newest - dt.timedelta(days=6) <= d <= newest}
    close(w)


def test_mark_all_read_can_be_undone_with_ctrl_z(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path, delay_ms=60000)
    lib = w.library
    some = lib.query_ids("")[:5]
    lib.set_read(some, True)
    unread_before = set(lib.query_ids("is:unread"))
    with qtbot.waitSignal(w.bulkChangeFinished, timeout=10000):
        qtbot.keyClick(w.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)
    assert lib.count("is:unread") == 0 and w.act_undo.isEnabled()
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert set(lib.query_ids("is:unread")) == unread_before
    assert set(some).isdisjoint(unread_before), "what was read before stays read"
    assert unread_shown(w) == len(unread_before)
    assert not w.act_undo.isEnabled()
    close(w)


def test_f9_folds_the_sidebar_and_the_reader_gets_the_room(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path)
    w.resize(800, 600)
    qtbot.waitUntil(lambda: w.width() == 800)
    before = w.viewer.width()
    qtbot.keyClick(w.table, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not w.left_tabs.isVisible())
    qtbot.waitUntil(lambda: w.viewer.width() > before + 100)
    qtbot.keyClick(w.table, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: w.left_tabs.isVisible())
    close(w)


def test_the_security_header_has_a_watch_button(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path)
    sec = w.library.securities(limit=1)[0].secid
    with qtbot.waitSignal(w.listUpdated, timeout=5000):
        w.show_security(sec)
    assert w.watch_button.isVisible() and not w.watch_button.isChecked()
    qtbot.mouseClick(w.watch_button, Qt.MouseButton.LeftButton)
    assert w.library.watchlist() == [sec] and w.watch_button.isChecked()
    qtbot.mouseClick(w.watch_button, Qt.MouseButton.LeftButton)
    assert w.library.watchlist() == []
    close(w)


def test_the_sample_window_title_does_not_repeat_the_app_name(qtbot, library_copy, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Library.open(library_copy), demo=True, settings=settings)
    qtbot.addWidget(w)
    # Qt adds " — <application display name>" itself
    assert "Finews Reader" not in w.windowTitle() and w.windowTitle()
    close(w)


def _answer_import_dialog(qtbot, folder: str, watch: bool) -> None:
    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        assert dlg is not None and dlg.objectName() == "importFolderDialog"
        dlg.path_edit.setText(folder)
        if dlg.watch_box.isChecked() != watch:
            qtbot.mouseClick(dlg.watch_box, Qt.MouseButton.LeftButton)
        ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, lambda: qtbot.waitUntil(
        lambda: QApplication.activeModalWidget() is not None, timeout=5000) or answer())


def test_import_dialog_watches_the_folder_only_when_asked_and_the_report_opens_again(
        qtbot, tmp_path, corpus_dir):
    path = tmp_path / "mine"
    Library.open(path).close()
    w = open_window(qtbot, path, tmp_path)
    _answer_import_dialog(qtbot, str(corpus_dir), watch=False)
    with qtbot.waitSignal(w.importFinished, timeout=60000) as blocker:
        qtbot.keyClick(w.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    report = blocker.args[0]
    assert report.added > 0
    assert folders.watched_folders(w.library) == []
    assert w.act_last_report.isEnabled()
    w.act_last_report.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() and d.objectName() == "importReport"
                                for d in QApplication.topLevelWidgets()), timeout=3000)
    dlg = next(d for d in QApplication.topLevelWidgets() if d.objectName() == "importReport")
    assert str(report.added) in dlg.findChild(type(w.count_label), "importSummary").text()
    dlg.close()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    # the choice is remembered, and saying yes watches the folder
    _answer_import_dialog(qtbot, str(corpus_dir), watch=True)
    with qtbot.waitSignal(w.importFinished, timeout=60000):
        qtbot.keyClick(w.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert folders.watched_folders(w.library) == [str(corpus_dir)]
    close(w)


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_the_tag_editor_completes_the_librarys_tags(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path, delay_ms=60000)
    ids = w.library.query_ids("")
    w.library.add_tags([ids[5]], ["macro-watch", "rates"])
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=5000)
    target = w.current_id
    done = []

    def edit() -> None:
        dlg = QApplication.activeModalWidget()
        try:
            dlg.activateWindow()
            qtbot.waitUntil(dlg.edit.hasFocus, timeout=3000)  # the dialog opens in its field
            qtbot.keyClicks(dlg.edit, "rates, mac")
            popup = dlg.edit.completer().popup()
            qtbot.waitUntil(popup.isVisible, timeout=3000)
            first = popup.model().index(0, 0)
            assert first.data() == "macro-watch"
            qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton,
                             pos=popup.visualRect(first).center())
            qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)
            done.append(dlg.edit.text())
        finally:
            dlg.accept()

    QTimer.singleShot(0, lambda: qtbot.waitUntil(
        lambda: QApplication.activeModalWidget() is not None, timeout=5000) or edit())
    qtbot.keyClick(w.table, Qt.Key.Key_T)
    assert done == ["rates, macro-watch, "]
    assert sorted(w.library.tags_of(target)) == ["macro-watch", "rates"]
    close(w)


def test_bookmarking_a_selection_can_be_undone(qtbot, library_copy, tmp_path):
    w = open_window(qtbot, library_copy, tmp_path, delay_ms=60000)
    qtbot.waitUntil(lambda: w.current_id is not None, timeout=5000)
    qtbot.keyClick(w.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(w.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    chosen = w.selected_ids()
    assert len(chosen) == 3
    w.library.set_bookmarked(chosen[:1], True)  # one was bookmarked before
    qtbot.keyClick(w.table, Qt.Key.Key_S)
    assert w.library.count("is:bookmarked") == 3
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert set(w.library.query_ids("is:bookmarked")) == set(chosen[:1])
    close(w)


def test_the_sidebar_counts_follow_a_long_import_before_it_ends(qtbot, tmp_path, corpus_dir):
    big = big_folder(tmp_path, corpus_dir)
    path = tmp_path / "lib"
    Library.open(path).close()
    w = open_window(qtbot, path, tmp_path)
    job = w.start_import([str(big)], workers=1, watch=False)
    assert job is not None
    qtbot.waitUntil(lambda: int(w.sidebar.item_for("all").text(1) or 0) > 0, timeout=60000)
    assert job.isRunning(), "counted while the import goes on"
    with qtbot.waitSignal(w.importFinished, timeout=120000):
        w.cancel_import()
    close(w)
