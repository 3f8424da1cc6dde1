"""The article viewer on paper and in its header: printing and PDF use light colours in every theme,
the PDF is named after the article, and a post naming many securities folds its chips."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QPageSize, QPdfWriter, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.viewer import CHIPS_FOLD, CHIPS_SHOWN, chip_order

MANY = "202205302396506117"  # 央行研究局课题组：… links 17 securities, some of them 3 times
FEW = "202205302396671645"  # 加拿大年金计划委员会…: 7 securities


@pytest.fixture
def library_path(tmp_path: Path, corpus_dir: Path) -> Path:
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        report = lib.import_paths([corpus_dir], workers=1)
        assert report.added > 0 and report.failed == 0
    return path


@pytest.fixture
def window(qtbot, library_path: Path, tmp_path: Path):
    lib = Library.open(library_path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(None, settings=settings)
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    w.resize(1200, 800)
    w.show()
    yield w
    w.close()
    if w.library is not None:
        w.library.close()


def _open(qtbot, w: MainWindow, key: str) -> None:
    aid = w.library.article_id(key)
    assert aid is not None, f"{key} is in the corpus"
    w.open_article(aid)
    qtbot.waitUntil(lambda: w.viewer.article is not None and w.viewer.article.key == key, timeout=5000)


# --- paper is white -----------------------------------------------------------------------------

def _text_fills(pdf: Path) -> list[tuple[float, float, float]]:
    """The fill colour of every text run (``BT`` … ``ET``) in the PDF's page streams."""
    fills: list[tuple[float, float, float]] = []
    data = pdf.read_bytes()
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        if b" Tj" not in content or b"BT" not in content:
            continue  # a font or metadata stream
        fill = (0.0, 0.0, 0.0)
        for op in re.finditer(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) scn|\bBT\b", content):
            if op.group(1):
                fill = (float(op.group(1)), float(op.group(2)), float(op.group(3)))
            else:
                fills.append(fill)
    return fills


def _contrast_on_white(rgb: tuple[float, float, float]) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    return 1.05 / (lum + 0.05)


def test_pdf_of_an_article_in_the_dark_theme_prints_dark_text(qtbot, window, tmp_path):
    w = window
    _open(qtbot, w, MANY)
    if not w.act_theme.isChecked():
        w.act_theme.trigger()
    assert w.viewer.dark

    out = w.export_pdf(str(tmp_path / "dark.pdf"))
    assert out is not None
    fills = _text_fills(Path(out))
    assert len(fills) > 50, "the PDF's text runs were found"
    worst = min(fills, key=_contrast_on_white)
    assert _contrast_on_white(worst) >= 4.5, f"text printed in {worst} on white paper"

    # the same check fails for the page as the screen shows it: the check can tell
    screen = tmp_path / "screen.pdf"
    writer = QPdfWriter(str(screen))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    w.viewer.document().clone().print_(writer)
    del writer
    assert min(_contrast_on_white(c) for c in _text_fills(screen)) < 2.0

    # the screen stays dark; paper has the whole article, every chip unfolded (it cannot unfold)
    assert w.viewer.dark
    doc = w.viewer.print_document()
    assert isinstance(doc, QTextDocument)
    paper, screen_text = doc.toPlainText(), w.viewer.document().toPlainText()
    assert w.viewer.article.title in paper
    assert screen_text.split("+9")[1].split("\n", 1)[1].strip() in paper  # the text below the chips
    assert _chips(doc) == [f"security:{s.secid}" for s in chip_order(w.viewer.article)]
    assert "+9" not in paper and "+9" in screen_text


def test_pdf_is_named_after_the_title_in_the_save_dialog(qtbot, window, tmp_path):
    w = window
    _open(qtbot, w, MANY)
    target = tmp_path / "chosen.pdf"
    seen: dict[str, str] = {}

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        edit = dlg.findChild(QLineEdit, "fileNameEdit")
        seen["name"] = edit.text()
        edit.setText(str(target))
        dlg.accept()

    QTimer.singleShot(0, answer)
    out = w.export_pdf()
    assert seen["name"] == "央行研究局课题组：促进消费投资增长 实现经济平稳高质量运行.pdf"
    assert out == str(target) and target.stat().st_size > 1000


# --- security chips -----------------------------------------------------------------------------

def _links(page) -> list[tuple[int, str]]:
    """(block number, href) of each link in the viewer's page (or a document), in order (a link
    split into several fragments counts once)."""
    out: list[tuple[int, str]] = []
    doc = page if isinstance(page, QTextDocument) else page.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        previous = ""  # the href of the fragment just before, "" for plain text
        while not it.atEnd():
            frag = it.fragment()
            href = frag.charFormat().anchorHref() if frag.isValid() else ""
            if href and href != previous:
                out.append((block.blockNumber(), href))
            previous = href
            it += 1
        block = block.next()
    return out


def _chips(page) -> list[str]:
    """The security chips of the header: the links of the paragraph that holds them."""
    links = _links(page)
    blocks = [b for b, h in links if h.startswith("security:")]
    first = blocks[0]
    return [h for b, h in links if b == first]


def _body_counts(viewer) -> Counter[str]:
    """How often the article's text (below the header) links each security."""
    links = _links(viewer)
    header = next(b for b, h in links if h.startswith("security:"))
    return Counter(h for b, h in links if b > header and h.startswith("security:"))


def _point(viewer, href: str):
    doc = viewer.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid() and frag.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(frag.position() + max(1, frag.length() // 2))
                return viewer.cursorRect(cursor).center()
            it += 1
        block = block.next()
    return None


def test_many_chips_fold_to_the_most_mentioned_and_expand_with_a_click(qtbot, window):
    w, v = window, window.viewer
    _open(qtbot, w, MANY)
    n = len(v.article.securities)
    assert n > CHIPS_FOLD
    chips = _chips(v)
    assert chips[-1] == "chips:more"
    shown = [h for h in chips if h.startswith("security:")]
    assert len(shown) == CHIPS_SHOWN
    # the most mentioned first: no hidden security is linked more often than a shown one
    counts = _body_counts(v)
    hidden = {f"security:{s.secid}" for s in v.article.securities} - set(shown)
    assert len(hidden) == n - CHIPS_SHOWN
    assert [counts[h] for h in shown] == sorted((counts[h] for h in shown), reverse=True)
    assert min(counts[h] for h in shown) >= max(counts[h] for h in hidden)
    assert counts[shown[0]] >= 3
    assert f"+{n - CHIPS_SHOWN}" in v.toPlainText()

    # a real click on "+9 more" shows them all, inside the viewer: no filter, no status message
    query_before = w.model.ids()
    point = _point(v, "chips:more")
    assert point is not None
    with qtbot.assertNotEmitted(v.linkActivated):
        qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.waitUntil(lambda: len([h for h in _chips(v) if h.startswith("security:")]) == n, timeout=3000)
    assert "chips:more" not in [h for _, h in _links(v)]
    assert _chips(v)[-1] == "chips:less"
    assert "not followed" not in w.statusBar().currentMessage()
    assert w.model.ids() == query_before

    # the expanded header survives a re-render of the same article (a bookmark), not a new one
    v.show_article(v.article)
    assert len([h for h in _chips(v) if h.startswith("security:")]) == n
    _open(qtbot, w, FEW)
    _open(qtbot, w, MANY)
    assert _chips(v)[-1] == "chips:more"

    # and "Show fewer" folds them again
    v.expand_chips(True)
    point = _point(v, "chips:less")
    qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: _chips(v)[-1] == "chips:more", timeout=3000)


def test_an_article_with_few_securities_shows_all_its_chips(qtbot, window):
    w, v = window, window.viewer
    _open(qtbot, w, FEW)
    chips = _chips(v)
    assert len(chips) == len(v.article.securities) <= CHIPS_FOLD
    assert all(h.startswith("security:") for h in chips)
    # a chip still leads to the security's news
    point = _point(v, chips[0])
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert w.filter_bar.isVisibleTo(w)


CHART_POST = """---
layout: post
title: "白酒板块午后走强"
date: 2022-06-06 15:02:00 +0800
categories: emnews
tags: 东财滚动新闻
---
<!-- EM_StockImg_Start --><p style="text-align:center;"><a href="http://quote.eastmoney.com/unify/r/1.600519" \
data-code="600519|1|2" data-code2="600519|1|3|" class="EmImageRemark" target="_blank"><img \
src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=1.600519&imageType=k" border="0" alt="K图 600519_0" \
data-code="K 600519|1|2" /></a></p><!-- EM_StockImg_End -->
<p>白酒板块午后走强，<span id="stock_1.600519"><a href="http://quote.eastmoney.com/unify/r/1.600519" class="keytip" \
data-code="1,600519">贵州茅台</a></span>涨2%，<span id="stock_0.000858"><a href="http://quote.eastmoney.com/unify/r/0.000858" \
class="keytip" data-code="0,000858">五粮液</a></span>涨1%。</p>
"""


def test_a_charts_security_is_a_chip_at_the_top_that_opens_its_news(qtbot, window, tmp_path):
    w, v = window, window.viewer
    post = tmp_path / "chart" / "2022-06-06-202206061234500002.md"
    post.parent.mkdir()
    post.write_text(CHART_POST, encoding="utf-8")
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.library.import_paths([post.parent], workers=1)
        w.refresh_list()
    _open(qtbot, w, "202206061234500002")
    links = [h for _, h in _links(v)]
    assert links[:2] == ["security:1.600519", "security:0.000858"]  # the chart's chip first
    text = v.toPlainText().replace("\u2060", "").replace("\xa0", " ")
    assert "K-line · 贵州茅台 600519.SH" in text
    assert "webquoteklinepic" not in v.page_html and "K图" not in text  # the picture itself stays out
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        qtbot.mouseClick(v.viewport(), Qt.MouseButton.LeftButton, pos=_point(v, "security:1.600519"))
    assert w.filter_bar.isVisibleTo(w)
    assert w.library.article_id("202206061234500002") in w.model.ids()
