"""What moved: the page a reader opens first each morning, in place of the list and the reader.

For one day (the newest with articles, or one the reader picks; ← / → step to the previous or
next day with articles) it shows the securities the news suddenly mentions far more than usual
(each with its count, its usual count, a 30-day sparkline and its two newest headlines), boards
and indices apart, the most-carried stories and the plain most-mentioned list
(``Library.trending``).  Clicking a security lists its news; clicking a headline opens it.

``enter``/``leave`` swap the page in and out of the window (the list and the reader come back
as they were).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.core.library.trending import CarriedStory, Trending, TrendingSecurity
from reader.ui.sidebar import TRENDING_QUERY, KindRole

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

HEADLINE_WIDTH = 460  # px a headline is elided to


class Sparkline(QWidget):
    """Mentions per day over 30 days as thin bars, the day itself in the highlight colour."""

    def __init__(self, counts: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = counts
        self.setFixedSize(self.sizeHint())
        days = len(counts)
        self.setToolTip(self.tr("Articles per day, the last %1 days: %2")
                        .replace("%1", str(days)).replace("%2", " ".join(map(str, counts))))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(92, 22)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        pal = self.palette()
        top = max(self.counts, default=0) or 1
        n = max(1, len(self.counts))
        w = self.width() / n
        h = self.height() - 2
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        p.drawLine(QPointF(0, h + 1.5), QPointF(self.width(), h + 1.5))
        p.setPen(Qt.PenStyle.NoPen)
        for i, c in enumerate(self.counts):
            if not c:
                continue
            last = i == n - 1
            colour = pal.color(QPalette.ColorRole.Highlight if last else QPalette.ColorRole.PlaceholderText)
            bar = max(1.5, h * c / top)
            p.fillRect(QRectF(i * w + 0.5, h + 1 - bar, max(1.0, w - 1), bar), colour)
        p.end()


class LinkButton(QPushButton):
    """A flat, left-aligned button that reads like a link (clickable and focusable)."""

    def __init__(self, text: str, parent: QWidget | None = None, *, bold: bool = False,
                 width: int = 0) -> None:
        super().__init__(parent)
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width) if width else text
        self.setText(shown.replace("&", "&&"))
        if shown != text:
            self.setToolTip(text)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        weight = "font-weight: bold;" if bold else ""
        self.setStyleSheet("QPushButton { border: none; padding: 1px 2px; text-align: left; "
                           f"color: palette(link); {weight} }}"
                           "QPushButton:hover { text-decoration: underline; }")
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 6)


def _muted(text: str, parent: QWidget | None) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(pal)
    return label


class TrendingView(QWidget):
    securityChosen = Signal(str)  # secid
    storyChosen = Signal(str)  # article key
    dayShown = Signal(object)  # the day now shown (dt.date or None)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library: Library | None = None
        self.data: Trending | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        bar = QFrame(self)
        bar.setObjectName("trendingBar")
        bl = QHBoxLayout(bar)
        bl.setContentsMargins(12, 8, 12, 8)
        self.title = QLabel(bar)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.prev_button = QPushButton("←", bar)
        self.prev_button.setToolTip(self.tr("The previous day with articles (←)"))
        self.prev_button.clicked.connect(self.previous_day)
        self.date_edit = QDateEdit(bar)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.dateChanged.connect(self._date_edited)
        self.next_button = QPushButton("→", bar)
        self.next_button.setToolTip(self.tr("The next day with articles (→)"))
        self.next_button.clicked.connect(self.next_day)
        self.newest_button = QPushButton(self.tr("Newest"), bar)
        self.newest_button.setToolTip(self.tr("The newest day with articles"))
        self.newest_button.clicked.connect(lambda: self.set_day(None))
        self.summary = _muted("", bar)
        bl.addWidget(self.title)
        bl.addSpacing(12)
        bl.addWidget(self.prev_button)
        bl.addWidget(self.date_edit)
        bl.addWidget(self.next_button)
        bl.addWidget(self.newest_button)
        bl.addSpacing(12)
        bl.addWidget(self.summary, 1)
        outer.addWidget(bar)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self.scroll_area, 1)
        self.content: QWidget | None = None
        self.security_buttons: dict[str, list[LinkButton]] = {}  # secid -> its name buttons
        self.story_buttons: dict[str, list[LinkButton]] = {}  # key -> its headline buttons

    # --- the day -------------------------------------------------------------------------------

    def set_library(self, lib: Library | None) -> None:
        self.library = lib
        self.data = None

    @property
    def day(self) -> dt.date | None:
        return self.data.day if self.data else None

    def set_day(self, day: dt.date | None) -> None:
        """Show ``day`` (None: the newest day with articles)."""
        self.data = self.library.trending(day) if self.library is not None else None
        self._build()
        self.dayShown.emit(self.day)

    def reload(self) -> None:
        self.set_day(self.day)

    def previous_day(self) -> None:
        if self.data and self.data.previous_day:
            self.set_day(self.data.previous_day)

    def next_day(self) -> None:
        if self.data and self.data.next_day:
            self.set_day(self.data.next_day)

    def _date_edited(self, date: QDate) -> None:
        day = dt.date(date.year(), date.month(), date.day())
        if day != self.day:
            self.set_day(day)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == Qt.Key.Key_Left and mods == Qt.KeyboardModifier.NoModifier:
            self.previous_day()
        elif event.key() == Qt.Key.Key_Right and mods == Qt.KeyboardModifier.NoModifier:
            self.next_day()
        else:
            super().keyPressEvent(event)

    # --- building the page ------------------------------------------------------------------------

    def _build(self) -> None:
        d = self.data
        self.security_buttons, self.story_buttons = {}, {}
        day = d.day if d else None
        self.title.setText(self.tr("What moved"))
        self.prev_button.setEnabled(bool(d and d.previous_day))
        self.next_button.setEnabled(bool(d and d.next_day))
        self.date_edit.blockSignals(True)
        if day is not None:
            self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.setEnabled(day is not None)
        self.date_edit.blockSignals(False)
        self.summary.setText(self.tr("%n article(s) on this day", "", d.articles) if d and day else "")
        content = QWidget()
        cols = QHBoxLayout(content)
        cols.setContentsMargins(12, 4, 12, 12)
        cols.setSpacing(24)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.setSpacing(2)
        right.setSpacing(2)
        cols.addLayout(left, 3)
        cols.addLayout(right, 2)
        if d is None or day is None:
            left.addWidget(_muted(self.tr("The library has no articles yet."), content))
        else:
            self._section(left, self.tr("Unusual mentions"),
                          self.tr("Far more articles than the security's usual count per day over "
                                  "the 30 days before"))
            self._securities(left, d.unusual, headlines=True,
                             empty=self.tr("Nothing stands out on this day."))
            self._section(right, self.tr("Boards and indices"),
                          self.tr("Sector and concept boards and indices mentioned unusually often"))
            self._securities(right, d.boards, headlines=False, empty=self.tr("None stands out."))
            self._section(right, self.tr("Most-carried stories"),
                          self.tr("The day's stories carried in the most categories"))
            self._stories(right, d.most_carried)
            self._section(right, self.tr("Most mentioned"),
                          self.tr("The day's securities by plain count, for comparison"))
            self._securities(right, d.most_mentioned[:10], headlines=False,
                             empty=self.tr("No securities mentioned on this day."))
        left.addStretch(1)
        right.addStretch(1)
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll_area.setWidget(content)
        self.content = content

    def _section(self, layout: QVBoxLayout, title: str, tip: str) -> None:
        label = QLabel(title, self.content)
        label.setTextFormat(Qt.TextFormat.PlainText)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        label.setToolTip(tip)
        label.setContentsMargins(0, 10, 0, 2)
        layout.addWidget(label)

    def _securities(self, layout: QVBoxLayout, items: list[TrendingSecurity], *, headlines: bool,
                    empty: str) -> None:
        if not items:
            layout.addWidget(_muted(empty, self.content))
            return
        for s in items:
            layout.addWidget(self._security_row(s, headlines))

    def _security_row(self, s: TrendingSecurity, headlines: bool) -> QWidget:
        row = QWidget()
        v = QVBoxLayout(row)
        v.setContentsMargins(0, 2, 0, 4 if headlines else 0)
        v.setSpacing(0)
        top = QHBoxLayout()
        top.setSpacing(6)
        name = LinkButton(("★ " if s.watched else "") + (s.name or s.symbol), row, bold=True)
        name.setToolTip((self.tr("Watched") + " · " if s.watched else "")
                        + self.tr("List the news of %1").replace("%1", s.name or s.secid))
        name.clicked.connect(lambda _c=False, secid=s.secid: self.securityChosen.emit(secid))
        self.security_buttons.setdefault(s.secid, []).append(name)
        top.addWidget(name)
        top.addWidget(_muted(s.symbol, row))
        top.addStretch(1)
        count = QLabel(str(s.count), row)
        font = count.font()
        font.setBold(True)
        count.setFont(font)
        count.setToolTip(self.tr("Articles on this day"))
        top.addWidget(count)
        usual = _muted(self.tr("usual %1").replace("%1", f"{s.baseline:.1f}"), row)
        usual.setToolTip(self.tr("Articles per day over the 30 days before; score %1")
                         .replace("%1", f"{s.score:.1f}"))
        usual.setMinimumWidth(usual.fontMetrics().horizontalAdvance(self.tr("usual %1")
                                                                      .replace("%1", "00.0")))
        top.addWidget(usual)
        top.addWidget(Sparkline(s.daily, row))
        v.addLayout(top)
        if headlines:
            for h in s.headlines:
                b = LinkButton(h.title, row, width=HEADLINE_WIDTH)
                b.setContentsMargins(16, 0, 0, 0)
                b.clicked.connect(lambda _c=False, key=h.key: self.storyChosen.emit(key))
                self.story_buttons.setdefault(h.key, []).append(b)
                line = QHBoxLayout()
                line.setContentsMargins(14, 0, 0, 0)
                line.addWidget(b)
                line.addStretch(1)
                v.addLayout(line)
        return row

    def _stories(self, layout: QVBoxLayout, stories: list[CarriedStory]) -> None:
        if not stories:
            layout.addWidget(_muted(self.tr("No story carried in more than one category."), self.content))
            return
        for st in stories[:10]:
            line = QHBoxLayout()
            copies = QLabel(f"×{st.copies}", self.content)
            copies.setToolTip(", ".join(st.categories))
            copies.setMinimumWidth(copies.fontMetrics().horizontalAdvance("×00"))
            b = LinkButton(st.title, self.content, width=HEADLINE_WIDTH * 2 // 3)
            b.setToolTip(st.title + "\n" + ", ".join(st.categories))
            b.clicked.connect(lambda _c=False, key=st.key: self.storyChosen.emit(key))
            self.story_buttons.setdefault(st.key, []).append(b)
            line.addWidget(copies)
            line.addWidget(b)
            line.addStretch(1)
            layout.addLayout(line)


# --- in the window ------------------------------------------------------------------------------

def build(w: MainWindow, stack: Any) -> TrendingView:
    """The page, as the second page of the stack holding the article list."""
    view = TrendingView(w)
    stack.addWidget(view)
    view.securityChosen.connect(w.show_security)
    view.storyChosen.connect(lambda key: open_story(w, key))
    return view


def shown(w: MainWindow) -> bool:
    return w.middle_stack.currentWidget() is w.trending_view


def enter(w: MainWindow, day: dt.date | None = None) -> None:
    """Show the page in place of the list and the reader: ``day``, else the day it showed last
    (coming back from a security's news), else the newest day with articles."""
    view = w.trending_view
    if view.library is not w.library:
        view.set_library(w.library)
    w.middle_stack.setCurrentWidget(view)
    w.reader_pane.hide()
    view.set_day(day or view.day)
    w.sidebar.current_query = TRENDING_QUERY
    w.sidebar.select_query(TRENDING_QUERY, emit=False)
    view.setFocus()


def leave(w: MainWindow) -> None:
    """The list and the reader back, as they were."""
    if shown(w):
        w.middle_stack.setCurrentIndex(0)
        w.reader_pane.show()
        if w.sidebar.current_query == TRENDING_QUERY:
            w.sidebar.current_query = w.base_query
        if any(i.data(0, KindRole) == "trending" for i in w.sidebar.selectedItems()):
            w.sidebar.select_query("\x00none", emit=False)  # a click on the entry shows it again


def open_story(w: MainWindow, key: str) -> None:
    lib = w.library
    aid = lib.article_id(key) if lib is not None else None
    if aid is None:
        return
    leave(w)
    w.open_article(aid)
