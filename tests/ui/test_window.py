"""The desktop window on a real library file, with real widgets (offscreen)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QImage, QTextCursor, QTextDocument

from reader.core.library import Library
from reader.core.post import parse_file
from reader.core.textindex import normalize
from reader.ui.main_window import MainWindow
from tests.ui.window_helpers import big_folder


@pytest.fixture
def library_path(tmp_path: Path, corpus_dir: Path) -> Path:
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        report = lib.import_paths([corpus_dir], workers=1)
        assert report.added > 0 and report.failed == 0
    return path


def make_window(qtbot, path: Path, tmp_path: Path) -> MainWindow:
    lib = Library.open(path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(None, settings=settings)
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    w.show()
    return w


def close_window(w: MainWindow) -> None:
    w.close()
    if w.library is not None:
        w.library.close()


def _anchor_point(viewer, href: str):
    """The viewport position of the first link to ``href`` in the viewer's document."""
    doc = viewer.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(frag.position() + max(0, frag.length() // 2))
                rect = viewer.cursorRect(cursor)
                return rect.center()
            it += 1
        block = block.next()
    return None


def test_clicking_a_security_link_filters_to_exactly_its_articles(qtbot, library_path, tmp_path, corpus_dir):
    w = make_window(qtbot, library_path, tmp_path)
    # the truth, from the post files themselves
    wanted = "1.600160"
    expected_keys = set()
    for f in sorted(corpus_dir.glob("*.md")):
        art = parse_file(f)
        if any(s.secid == wanted for s in art.securities):
            expected_keys.add(art.key)
    assert expected_keys
    aid = w.library.article_id(sorted(expected_keys)[0])
    w.open_article(aid)
    point = _anchor_point(w.viewer, f"security:{wanted}")
    assert point is not None, "the article shows a link to the security"
    w.viewer.ensureCursorVisible()
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        qtbot.mouseClick(w.viewer.viewport(), Qt.MouseButton.LeftButton, pos=point)
    keys = {w.library.rows([i])[i].key for i in w.model.ids()}
    assert keys == expected_keys
    assert w.filter_bar.isVisibleTo(w) and "巨化股份" in w.filter_label.text()
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.filter_back.click()
    assert w.model.rowCount() == w.library.stats()["articles"]
    close_window(w)


def test_star_and_tags_persist_across_a_restart(qtbot, library_path, tmp_path):
    w = make_window(qtbot, library_path, tmp_path)
    w.select_row(2)
    aid = w.current_id
    assert aid is not None
    w.act_star.trigger()
    w.apply_tags([aid], ["关注", "政策"])
    key = w.library.rows([aid])[aid].key
    close_window(w)

    w2 = make_window(qtbot, library_path, tmp_path)
    aid2 = w2.library.article_id(key)
    row = w2.library.rows([aid2])[aid2]
    assert row.bookmarked
    assert row.user_tags == ["关注", "政策"]
    assert w2.sidebar.item_for("tag", "关注") is not None
    # the star column shows it
    r = w2.model.row_of(aid2)
    assert w2.model.index(r, 0).data() == "★"
    close_window(w2)


def test_search_box_filters_the_list(qtbot, library_path, tmp_path):
    w = make_window(qtbot, library_path, tmp_path)
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_search("央行")
    got = set(w.model.ids())
    truth = set()
    for aid in w.library.query_ids(""):
        a = w.library.article(aid)
        if "央行" in normalize(a.title + "\n" + a.text):
            truth.add(aid)
    assert got == truth and truth
    # opening from a search highlights the terms
    w.select_row(0)
    assert w.viewer.highlight_count > 0
    close_window(w)


def test_import_through_the_window_adds_articles(qtbot, tmp_path, corpus_dir):
    path = tmp_path / "empty"
    Library.open(path).close()
    w = make_window(qtbot, path, tmp_path)
    assert w.model.rowCount() == 0
    with qtbot.waitSignal(w.importFinished, timeout=60000) as blocker:
        w.start_import([str(corpus_dir)], workers=1)
    report = blocker.args[0]
    assert report.added > 0 and not report.cancelled
    qtbot.waitUntil(lambda: w.model.rowCount() == w.library.stats()["articles"], timeout=10000)
    close_window(w)


def test_import_can_be_cancelled_and_leaves_the_library_consistent(qtbot, tmp_path, corpus_dir):
    big = big_folder(tmp_path, corpus_dir)
    path = tmp_path / "lib"
    Library.open(path).close()
    w = make_window(qtbot, path, tmp_path)
    job = w.start_import([str(big)], workers=1)
    assert job is not None
    job.progressed.connect(lambda done, *_: w.cancel_import() if done > 0 else None)
    with qtbot.waitSignal(w.importFinished, timeout=60000) as blocker:
        pass
    report = blocker.args[0]
    assert report.cancelled
    total = len(list(big.glob("*.md")))
    assert report.added + report.updated + report.unchanged + report.failed < total
    db = sqlite3.connect(path / "library.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
    db.close()
    close_window(w)


def test_article_model_passes_qtmodeltester(qtbot, qtmodeltester, library_path, tmp_path):
    w = make_window(qtbot, library_path, tmp_path)
    qtmodeltester.check(w.model)
    close_window(w)


def test_viewer_refuses_file_and_remote_resources(qtbot, tmp_path):
    from reader.ui.viewer import ArticleViewer

    v = ArticleViewer()
    qtbot.addWidget(v)
    v.setHtml('<p>x</p><img src="file:///dev/zero"><img src="https://example.com/a.png">'
              '<link rel="stylesheet" href="file:///etc/passwd">')
    v.show()
    v.document().adjustSize()
    real = tmp_path / "secret.png"
    img = QImage(40, 30, QImage.Format.Format_RGB32)
    img.fill(0x336699)
    assert img.save(str(real))
    got = v.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl.fromLocalFile(str(real)))
    assert isinstance(got, QImage) and got.width() == 1, "a blank, never the file's picture"
    refused = " ".join(v.refused)
    assert real.as_uri() in refused
    assert "file:///dev/zero" in refused
    assert "https://example.com/a.png" in refused


def test_http_links_ask_first_and_other_schemes_are_ignored(qtbot, library_path, tmp_path, monkeypatch):
    w = make_window(qtbot, library_path, tmp_path)
    asked, opened = [], []
    monkeypatch.setattr(w, "confirm_open_external", lambda url: asked.append(url.toString()) or False)
    monkeypatch.setattr("reader.ui.main_window.QDesktopServices.openUrl", lambda url: opened.append(url))
    w.open_link(QUrl("https://finance.eastmoney.com/a.html"))
    w.open_link(QUrl("file:///etc/passwd"))
    w.open_link(QUrl("javascript:alert(1)"))
    assert asked == ["https://finance.eastmoney.com/a.html"]
    assert opened == []
    close_window(w)


def test_first_run_opens_the_sample_archive_in_its_own_library(qtbot, tmp_path):
    from reader.core.store import DB_NAME
    from reader.ui.app import choose_library

    user = tmp_path / "mine"
    lib, is_demo, user_path = choose_library(str(user), False)
    try:
        assert is_demo and user_path == user
        assert lib.stats()["articles"] >= 30
        assert not (user / DB_NAME).exists(), "the user's library is never filled with samples"
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        w = MainWindow(None, settings=settings, user_library_path=user)
        qtbot.addWidget(w)
        with qtbot.waitSignal(w.listUpdated, timeout=10000):
            w.set_library(lib, demo=True)
        assert w.welcome.isVisibleTo(w)
        assert w.model.rowCount() == lib.stats()["articles"]
    finally:
        lib.close()


def test_large_result_shows_its_first_page_then_extends_in_place(qtbot, library_path: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    """A filter matching many articles lists its first rows at once and appends the rest: the
    reader's selection survives the extension and the final list equals the library's answer."""
    from reader.ui import jobs

    monkeypatch.setattr(jobs, "FIRST_PAGE", 5)
    w = make_window(qtbot, library_path, tmp_path)
    expected = w.library.query_ids("")
    assert len(expected) > 5
    shown: list[int] = []
    w.listShown.connect(lambda: shown.append(w.model.rowCount()))
    inserted: list[tuple[int, int]] = []
    w.model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    w.open_article(expected[2])  # the reader is reading the third article
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.refresh_list()
    assert shown == [5, len(expected)]
    assert inserted == [(5, len(expected) - 1)]  # appended, not reset
    assert w.model.ids() == expected
    assert w.table.selectionModel().isRowSelected(2, w.table.rootIndex())
    assert w.count_label.text().startswith(str(len(expected)))

    # a result that does not start with the rows shown replaces them
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.model.sort(w.model.COL_TIME, Qt.SortOrder.AscendingOrder)
    assert w.model.ids() == w.library.query_ids("", descending=False) != expected
    close_window(w)


def test_reading_updates_the_counts_without_recounting_the_archive(qtbot, library_path: Path, tmp_path: Path) -> None:
    """Marking read (or bookmarking) refreshes the reading counts at once; categories and sources,
    which only an import can change, are not counted again (at a million articles that takes
    a noticeable moment)."""
    w = make_window(qtbot, library_path, tmp_path)
    lib = w.library
    panel = w.securities_panel  # its first fill (off the GUI thread) is done before counting
    qtbot.waitUntil(lambda: panel.shown_generation == panel.generation, timeout=10000)
    calls: list[str] = []
    for name in ("categories", "sources", "security_rows"):
        original = getattr(lib, name)

        def counting(*a, _name=name, _original=original, **k):  # type: ignore[no-untyped-def]
            calls.append(_name)
            return _original(*a, **k)

        setattr(lib, name, counting)
    w.select_row(0)
    aid = w.current_id
    if lib.rows([aid])[aid].read:
        w.toggle_read()
    unread_before = lib.count("is:unread")
    w.toggle_read()
    assert lib.rows([aid])[aid].read
    assert int(w.sidebar.item_for("unread").text(1)) == lib.count("is:unread") == unread_before - 1
    assert calls == []
    with qtbot.waitSignal(panel.filled, timeout=10000):
        w.refresh_sidebar()  # after an import: everything is counted again
    assert {"categories", "sources", "security_rows"} <= set(calls)
    close_window(w)


def test_marking_a_long_list_read_runs_in_the_background(qtbot, library_path: Path, tmp_path: Path,
                                                         monkeypatch) -> None:
    """Past a threshold "mark all as read" writes on a worker thread (a million rows take
    seconds); the list and the counts follow when it is done, and nothing else is changed."""
    monkeypatch.setattr(MainWindow, "BACKGROUND_CHANGE", 2)
    w = make_window(qtbot, library_path, tmp_path)
    lib = w.library
    bookmarked_before = lib.count("is:bookmarked")
    assert lib.count("is:unread") > 2
    with qtbot.waitSignal(w.bulkChangeFinished, timeout=20000):
        w.mark_all_read()
        assert w.bulk_job is not None and w.progress.isVisible()
    assert lib.count("is:unread") == 0
    assert lib.count("is:bookmarked") == bookmarked_before
    assert int(w.sidebar.item_for("unread").text(1)) == 0
    assert not w.progress.isVisible()
    row = w.model.article(0)
    assert row is not None and row.read  # the rows were re-read
    close_window(w)
