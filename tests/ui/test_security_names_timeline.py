"""Securities that share a name are told apart by their symbol, in the Securities list and the
"Often mentioned with" line; the timeline's dates fit under its bars at every width."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontMetrics

from reader.core import secindex
from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.securities_panel import TimelineWidget

POST = """---
layout: post
title: "{title}"
date: 2022-05-{day:02d} 09:30:00 +0800
categories: emnews
tags: 东财滚动新闻
---
<p>{body}</p>

<http://finance.eastmoney.com/news/1354,2022052{day:02d}{n:08d}.html>
"""

CITIC_SH = '<a class="keytip" data-code="1,600030" href="http://quote.eastmoney.com/unify/r/1.600030">中信证券</a>'
CITIC_HK = '<a class="keytip" data-code="116,06030" href="http://quote.eastmoney.com/unify/r/116.06030">中信证券</a>'
MOUTAI = '<a class="keytip" data-code="1,600519" href="http://quote.eastmoney.com/unify/r/1.600519">贵州茅台</a>'


@pytest.fixture
def namesake_posts(tmp_path: Path) -> Path:
    """Posts in which 中信证券 is now the Shanghai share, now the Hong Kong one, beside 贵州茅台."""
    folder = tmp_path / "posts"
    folder.mkdir()
    bodies = [
        f"{CITIC_SH}发布研报，看好{MOUTAI}全年业绩。",
        f"{CITIC_HK}港股午后走强，{MOUTAI}维持震荡。",
        f"A股{CITIC_SH}与H股{CITIC_HK}同日公告，{MOUTAI}获北向资金加仓。",
        f"白酒板块回暖，{MOUTAI}领涨。",
    ]
    for i, body in enumerate(bodies, start=1):
        key = f"202205{20 + i:02d}{i:010d}"
        text = POST.format(title=f"券商与白酒观察之{i}", day=20 + i, body=body, n=i)
        (folder / f"2022-05-{20 + i:02d}-{key}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def window(qtbot, tmp_path: Path, namesake_posts: Path):
    lib = Library.open(tmp_path / "lib")
    report = lib.import_paths([namesake_posts], workers=1)
    assert report.added == 4 and report.failed == 0
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    w.resize(1200, 800)
    w.show()
    yield w
    w.close()
    lib.close()


def _panel_text(panel, secid: str) -> str:
    m = panel.model
    row = next(i for i, r in enumerate(m.rows) if r[1] == secid)
    return m.index(row, 0).data()


def test_namesakes_show_their_symbol_in_the_list_and_the_co_mentions(qtbot, window):
    w = window
    panel = w.securities_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)  # the panel fills off the GUI thread
    assert _panel_text(panel, "1.600030") == "中信证券 600030.SH"
    assert _panel_text(panel, "116.06030") == "中信证券 06030.HK"
    assert _panel_text(panel, "1.600519") == "贵州茅台"  # a name of its own stays short

    # choose 贵州茅台 in the panel as a reader does: type, then click its row
    w.left_tabs.setCurrentWidget(panel)
    qtbot.keyClicks(panel.filter, "600519")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    rect = panel.table.visualRect(panel.model.index(0, 0))
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.co_label.isVisibleTo(w)
    co = w.co_label.text()
    assert "中信证券 600030.SH" in co and "中信证券 06030.HK" in co
    assert co.count("中信证券") == 2

    # and from 中信证券 (Shanghai), 贵州茅台 and the Hong Kong namesake
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.show_security("1.600030")
    co = w.co_label.text()
    assert "中信证券 06030.HK" in co and "贵州茅台" in co and "贵州茅台 600519" not in co


# --- the timeline's dates -----------------------------------------------------------------------

def _spans(corpus_library_timelines: list[list[tuple[dt.date, int]]]) -> list[list[tuple[dt.date, int]]]:
    start = dt.date(2021, 12, 8)
    made = [
        [(start, 3)],  # one day
        [(start, 1), (start + dt.timedelta(days=1), 2)],  # two days: where "2022-0" was cut
        [(start, 1), (start + dt.timedelta(days=4), 1)],
        [(start + dt.timedelta(days=i), i % 4) for i in range(45)],
        [(start + dt.timedelta(days=i), 1 + i % 3) for i in range(0, 800, 3)],  # weeks, over 2 years
    ]
    return corpus_library_timelines + made


@pytest.fixture
def corpus_timelines(tmp_path: Path, corpus_dir: Path) -> list[list[tuple[dt.date, int]]]:
    with Library.open(tmp_path / "corpus-lib") as lib:
        lib.import_paths([corpus_dir], workers=1)
        rows = lib.security_rows(limit=15)
        return [secindex.timeline(lib, r[1]) for r in rows]


def test_timeline_dates_fit_inside_the_widget_without_overlapping(qtbot, corpus_timelines):
    tl = TimelineWidget()
    qtbot.addWidget(tl)
    tl.show()
    fm = QFontMetrics(tl.label_font())
    for counts in _spans(corpus_timelines):
        assert counts
        tl.set_counts(counts)
        first, last = tl.counts[0][0], tl.counts[-1][0]
        for width in range(300, 901, 75):
            tl.resize(width, 76)
            qtbot.waitUntil(lambda width=width: tl.width() == width)
            labels = tl.axis_labels()
            where = f"{first}..{last} at {width}px: {[(r.getRect(), t) for r, t in labels]}"
            assert labels, where
            for rect, text in labels:
                assert tl.rect().contains(rect), where
                assert fm.horizontalAdvance(text) <= rect.width() and fm.height() <= rect.height(), where
                assert "…" not in text, where
            rects = [r for r, _ in labels]
            for i, a in enumerate(rects):
                for b in rects[i + 1:]:
                    assert not a.intersects(b), where
            # the span's first and last day are named: the ends of the axis
            assert labels[0][1] in (first.isoformat(), first.strftime("%y-%m-%d"), first.strftime("%m-%d")), where
            if last != first:
                assert labels[-1][1] in (last.isoformat(), last.strftime("%y-%m-%d"), last.strftime("%m-%d")), where
            # what is drawn is there: ink inside each label's rect
            image = tl.grab().toImage()
            background = image.pixelColor(0, 0)  # above the bars, left of the peak
            for rect, _ in labels:
                assert any(image.pixelColor(x, y) != background
                           for x in range(rect.left(), rect.right() + 1)
                           for y in range(rect.top(), rect.bottom() + 1)), where
