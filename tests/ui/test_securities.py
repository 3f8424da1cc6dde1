"""News by security in the window: the panel, the timeline and the watchlist."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from reader.core import secindex
from reader.core.library import Library
from reader.core.post import parse_file
from reader.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path: Path, corpus_dir: Path):
    lib = Library.open(tmp_path / "lib")
    lib.import_paths([corpus_dir], workers=1)
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    yield w
    w.close()
    lib.close()


def _truth(corpus_dir: Path) -> dict[str, set[str]]:
    """secid -> keys of the stories mentioning it, from the post files."""
    out: dict[str, set[str]] = {}
    for f in sorted(corpus_dir.glob("*.md")):
        art = parse_file(f)
        for s in art.securities:
            out.setdefault(s.secid, set()).add(art.key)
    return out


def test_panel_lists_securities_with_counts_matching_the_posts(window, corpus_dir):
    truth = _truth(corpus_dir)
    panel = window.securities_panel
    counts = {info.secid: info.articles for info in panel.infos}
    assert counts == {secid: len(keys) for secid, keys in truth.items()}
    panel.filter.setText("巨化")
    assert [i.secid for i in panel.infos] == ["1.600160"]
    panel.filter.setText("600160")
    assert [i.secid for i in panel.infos] == ["1.600160"]


def test_choosing_a_security_filters_and_the_timeline_sums_to_its_count(qtbot, window, corpus_dir):
    truth = _truth(corpus_dir)
    secid = max(truth, key=lambda s: len(truth[s]))
    with qtbot.waitSignal(window.listUpdated, timeout=10000):
        window.securities_panel.securityChosen.emit(secid)
    keys = {window.library.rows([i])[i].key for i in window.model.ids()}
    assert keys == truth[secid]
    assert sum(c for _, c in window.timeline.counts) == len(truth[secid])
    day = next(d for d, c in window.timeline.counts if c)
    with qtbot.waitSignal(window.listUpdated, timeout=10000):
        window.filter_day(day)
    assert 0 < window.model.rowCount() <= len(truth[secid])
    assert dict(secindex.timeline(window.library, secid))[day] == window.model.rowCount()


def test_watchlist_view_lists_exactly_the_watched_securities_articles(qtbot, window, corpus_dir, tmp_path):
    truth = _truth(corpus_dir)
    watched = ["106.NIO", "1.600160"]
    for s in watched:
        window.set_watched(s, True)
    item = window.sidebar.item_for("watchlist")
    assert item is not None
    with qtbot.waitSignal(window.listUpdated, timeout=10000):
        window.sidebar.setCurrentItem(item)
    keys = {window.library.rows([i])[i].key for i in window.model.ids()}
    assert keys == truth["106.NIO"] | truth["1.600160"]
    # the watchlist is user data: it survives export and import into a fresh library
    out = tmp_path / "data.json"
    window.library.export_user_data(out)
    with Library.open(tmp_path / "other") as other:
        other.import_user_data(out)
        assert sorted(other.watchlist()) == sorted(watched)


def test_watchlist_entry_counts_unread_news_of_each_watched_security(qtbot, window, corpus_dir):
    truth = _truth(corpus_dir)
    watched = ["106.NIO", "1.600160"]
    for s in watched:
        window.set_watched(s, True)
    item = window.sidebar.item_for("watchlist")
    assert item.childCount() == 2
    assert int(item.text(1)) == len(truth["106.NIO"] | truth["1.600160"])  # nothing read yet
    # reading one watched article lowers the counts
    lib = window.library
    first = lib.query_ids("sec:1.600160")[0]
    lib.set_read([first], True)
    window.refresh_sidebar()
    item = window.sidebar.item_for("watchlist")
    assert int(item.text(1)) == len(truth["106.NIO"] | truth["1.600160"]) - 1
    counts = sorted(int(item.child(i).text(1)) for i in range(item.childCount()))
    assert counts == sorted([len(truth["106.NIO"]) - (first in lib.query_ids("sec:106.NIO")),
                             len(truth["1.600160"]) - 1])


def test_panel_starts_most_mentioned_first_and_timeline_groups_long_spans_by_week(qtbot, window):
    import datetime as dt

    panel = window.securities_panel
    m = panel.model
    qtbot.waitUntil(lambda: m.rowCount() > 0)  # the panel fills off the GUI thread
    col = [int(m.data(m.index(r, 2))) for r in range(m.rowCount())]
    assert col == sorted(col, reverse=True)
    tl = window.timeline
    tl.resize(300, 64)
    start = dt.date(2021, 1, 1)
    counts = [(start + dt.timedelta(days=i), i % 3) for i in range(400)]
    tl.set_counts(counts)
    assert tl.bucket_days == 7
    assert sum(c for _, c in tl.buckets) == sum(c for _, c in counts)
    assert tl.buckets[0] == (start, sum(c for _, c in counts[:7]))
    tl.set_counts(counts[:20])
    assert tl.bucket_days == 1 and tl.buckets == counts[:20]


def test_panel_filter_finds_what_the_library_finds(window) -> None:
    """Typing in the panel filters in memory; it finds exactly what ``Library.securities`` finds
    for the same text (and ``.SH`` finds Shanghai symbols, which only the panel shows)."""
    panel = window.securities_panel
    lib = window.library
    for text in ("巨化", "600", "600160.SH", "1.600160", "0.600160", "nio", "6", ""):
        panel.filter.setText(text)
        assert {i.secid for i in panel.infos} == {i.secid for i in lib.securities(filter_text=text)}, text
    panel.filter.setText(".sh")
    assert panel.infos and all(i.symbol.endswith(".SH") for i in panel.infos)
    panel.filter.setText("")
    # sorting by name, then by latest mention, reorders the same rows
    before = {i.secid for i in panel.infos}
    panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = [(i.name or i.code).lower() for i in panel.infos]
    assert names == sorted(names) and {i.secid for i in panel.infos} == before
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    latest = [i.last_seen for i in panel.infos]
    assert latest == sorted(latest, reverse=True)


def test_typing_into_the_panel_filter_lists_what_the_library_finds(qtbot, window) -> None:
    """Key by key, the panel lists exactly the securities ``Library.securities`` finds for the
    text typed so far, most-mentioned first (the rows filtered from the sorted list, not
    re-sorted per keystroke)."""
    panel = window.securities_panel
    window.left_tabs.setCurrentWidget(panel)
    panel.filter.setFocus()
    typed = ""
    for key in "600160":
        qtbot.keyClicks(panel.filter, key)
        typed += key
        want = {i.secid for i in window.library.securities(filter_text=typed)}
        qtbot.waitUntil(lambda want=want: {i.secid for i in panel.infos} == want, timeout=5000)
        counts = [i.articles for i in panel.infos]
        assert counts == sorted(counts, reverse=True), typed
    for _ in typed:
        qtbot.keyClick(panel.filter, Qt.Key.Key_Backspace)
    qtbot.keyClicks(panel.filter, "nio")
    qtbot.waitUntil(lambda: [i.secid for i in panel.infos] == ["106.NIO"], timeout=5000)
    for _ in "nio":
        qtbot.keyClick(panel.filter, Qt.Key.Key_Backspace)
    every = {i.secid for i in window.library.securities()}
    qtbot.waitUntil(lambda: {i.secid for i in panel.infos} == every, timeout=5000)


def test_the_panel_fills_off_the_gui_thread_once_shown_and_again_after_a_change(qtbot, window) -> None:
    """A hidden panel reads nothing while the window starts; shown, it fills (the rows arriving
    from its own thread) with exactly what the library lists; a watch mark fills it again."""
    panel = window.securities_panel
    window.show()
    qtbot.waitExposed(window)
    assert not panel.isVisible()
    with qtbot.waitSignal(panel.filled, timeout=10000):
        window.left_tabs.setCurrentWidget(panel)
    listed = [r[1] for r in panel.model.rows]
    assert listed and set(listed) == {i.secid for i in window.library.securities()}
    # typing while a fill is on its way: the rows that arrive are filtered
    panel.refresh()
    qtbot.keyClicks(panel.filter, "600160")
    qtbot.waitUntil(lambda: [r[1] for r in panel.model.rows] == ["1.600160"], timeout=10000)
    qtbot.keyClick(panel.filter, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.filter, Qt.Key.Key_Delete)
    # watching a security fills the panel again, with its mark
    with qtbot.waitSignal(panel.filled, timeout=10000):
        window.set_watched("1.600160", True)
    marks = {r[1]: bool(r[9]) for r in panel.model.rows}
    assert marks["1.600160"] and sum(marks.values()) == 1
    assert len(marks) == len(listed)
