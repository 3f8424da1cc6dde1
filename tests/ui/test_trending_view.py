"""What moved in the window, through the reader's path: the sidebar entry, a click on a
security (its news listed), a click on a headline (the story opened), ← / → between days."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from reader.core.library import Library
from reader.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path: Path, corpus_dir: Path):
    lib = Library.open(tmp_path / "lib")
    lib.import_paths([corpus_dir], workers=1)
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    yield w
    w.close()
    lib.close()


def _days(lib: Library) -> list[dt.date]:
    """Every day with articles, newest first, from the articles themselves."""
    ids = lib.query_ids("")
    return sorted({r.published.astimezone(lib.tz).date() for r in lib.rows(ids).values()}, reverse=True)


_OFFSETS = itertools.cycle((-40, 0, 40))  # clicks in quick succession, but never a double click


def _open_what_moved(qtbot, w: MainWindow) -> None:
    item = w.sidebar.item_for("trending")
    assert item is not None and w.sidebar.topLevelItem(0) is item  # the first entry
    rect = w.sidebar.visualItemRect(item)
    qtbot.mouseClick(w.sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center() + QPoint(next(_OFFSETS), 0))
    qtbot.waitUntil(lambda: w.trending_shown)


def test_the_window_opens_on_the_list_and_the_entry_shows_the_newest_day(qtbot, window):
    w, lib = window, window.library
    assert not w.trending_shown and w.table.isVisible()
    _open_what_moved(qtbot, w)
    view = w.trending_view
    assert view.isVisible() and not w.table.isVisible() and not w.viewer.isVisible()
    assert view.day == _days(lib)[0]
    assert view.date_edit.date().toString("yyyy-MM-dd") == view.day.isoformat()
    # real names on the page, each mentioned on the day
    names = {s.secid: s.name for s in view.data.most_mentioned}
    assert names and all(names.values())
    assert set(view.security_buttons) >= set(list(names)[:10])


def test_clicking_a_security_lists_its_news(qtbot, window):
    w, lib = window, window.library
    _open_what_moved(qtbot, w)
    entry = w.trending_view.data.most_mentioned[0]
    button = w.trending_view.security_buttons[entry.secid][0]
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not w.trending_shown and w.table.isVisible()
    assert w.security_filter == entry.secid
    assert set(w.model.ids()) == set(lib.query_ids(f"sec:{entry.secid}"))
    # back to the page: the day it showed, not the newest
    _open_what_moved(qtbot, w)
    qtbot.keyClick(w.trending_view, Qt.Key.Key_Left)
    day = w.trending_view.day
    w.show_security(entry.secid)
    _open_what_moved(qtbot, w)
    assert w.trending_view.day == day


def test_clicking_a_story_opens_it(qtbot, window):
    w, lib = window, window.library
    _open_what_moved(qtbot, w)
    key, buttons = next(iter(w.trending_view.story_buttons.items()))
    with qtbot.waitSignal(w.articleShown, timeout=10000) as shown:
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert shown.args == [lib.article_id(key)]
    assert not w.trending_shown and w.viewer.isVisible()
    assert w.viewer.article.key == key


def test_arrow_keys_move_between_days_with_articles(qtbot, window):
    w, lib = window, window.library
    days = _days(lib)
    assert len(days) >= 3
    _open_what_moved(qtbot, w)
    view = w.trending_view
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.day == days[1]
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.day == days[2]
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.day == days[1]
    assert view.date_edit.date().toString("yyyy-MM-dd") == days[1].isoformat()
    qtbot.mouseClick(view.newest_button, Qt.MouseButton.LeftButton)
    assert view.day == days[0] and not view.next_button.isEnabled()


def test_watched_securities_are_marked(qtbot, window):
    w = window
    _open_what_moved(qtbot, w)
    secid = w.trending_view.data.most_mentioned[0].secid
    assert not w.trending_view.security_buttons[secid][0].text().startswith("★")
    w.set_watched(secid, True)
    assert w.trending_shown
    assert w.trending_view.security_buttons[secid][0].text().startswith("★")


def test_another_sidebar_entry_brings_the_list_back(qtbot, window):
    w = window
    _open_what_moved(qtbot, w)
    item = w.sidebar.item_for("unread")
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        qtbot.mouseClick(w.sidebar.viewport(), Qt.MouseButton.LeftButton,
                         pos=w.sidebar.visualItemRect(item).center())
    assert not w.trending_shown and w.table.isVisible() and w.base_query == "is:unread"
