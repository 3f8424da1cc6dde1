"""The Securities panel and the mention timeline drawn with plain Qt painting."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library, SecurityInfo
from reader.core.secnames import label, shared_in
from reader.core.securities import display_symbol
from reader.ui.core_words import exchange_name
from reader.ui.theme import watched_color

SecidRole = Qt.ItemDataRole.UserRole + 20

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass
class Prepared:
    """A fill's rows with what filtering and showing them needs (``SecuritiesModel.prepare``)."""

    rows: list[tuple[Any, ...]]
    haystacks: dict[Any, tuple[str, str]] | None  # None: they follow (SecuritiesModel.haystacks_of)
    shared: set[str]
    column: int
    order: Qt.SortOrder
    sorted_rows: list[tuple[Any, ...]]


class SecuritiesModel(QAbstractTableModel):
    """Every security of the library as plain rows (``Library.security_rows``): tens of thousands
    cost a list of tuples; display strings are made only for the rows on screen, filtering and
    sorting are list operations."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = [QCoreApplication.translate("SecuritiesPanel", "Security"),
                        QCoreApplication.translate("SecuritiesPanel", "Symbol"),
                        QCoreApplication.translate("SecuritiesPanel", "Articles"),
                        QCoreApplication.translate("SecuritiesPanel", "Latest")]
        self.all_rows: list[tuple[Any, ...]] = []  # as the library listed them
        self.sorted_rows: list[tuple[Any, ...]] = []  # all_rows in the view's sort order
        self.rows: list[tuple[Any, ...]] = []  # sorted_rows that pass the filter
        # per row id: the lower-cased text a filter is looked for in, and the code a filter may
        # contain; made once per fill, so that a keystroke is one pass of substring tests (it
        # lower-cased five fields and formatted the symbol of each of 40,000 rows: 31.8 ms)
        self.haystacks: dict[Any, tuple[str, str]] = {}
        self.shared: set[str] = set()  # names borne by two securities: shown with their symbol
        self.filter_text = ""
        self.sort_column, self.sort_order = 2, Qt.SortOrder.DescendingOrder

    def set_rows(self, rows: list[tuple[Any, ...]]) -> None:
        self.apply(self.prepare(rows, self.sort_column, self.sort_order))

    @staticmethod
    def prepare(rows: list[tuple[Any, ...]], column: int, order: Qt.SortOrder,
                haystacks: bool = True) -> Prepared:
        """What a fill computes from the library's rows: pure Python, run off the GUI thread
        (``SecuritiesPanel.refresh``); the filter's haystacks may follow (``haystacks``)."""
        return Prepared(rows, SecuritiesModel.haystacks_of(rows) if haystacks else None,
                        shared_in(r[4] for r in rows), column, order,
                        SecuritiesModel.sorted(rows, column, order))

    @staticmethod
    def haystacks_of(rows: list[tuple[Any, ...]]) -> dict[Any, tuple[str, str]]:
        """Per row id: the lower-cased text a filter is looked for in, and the code a filter
        may contain (~1 µs a row: a third of a fill, so a fill shows its rows first)."""
        return {
            r[0]: ("\x00".join((r[1], r[3], r[4], r[5] or "", display_symbol(r[2], r[3]))).lower(), r[3].lower())
            for r in rows
        }

    def apply(self, prepared: Prepared) -> None:
        """Show prepared rows: a model reset, the sort reused when it is still the view's."""
        self.beginResetModel()
        self.all_rows, self.shared = prepared.rows, prepared.shared
        self.haystacks = prepared.haystacks if prepared.haystacks is not None else {}
        if (prepared.column, prepared.order) == (self.sort_column, self.sort_order):
            self.sorted_rows = prepared.sorted_rows
        else:
            self._sort_rows()
        self.rows = self._filtered()
        self.endResetModel()

    def set_haystacks(self, haystacks: dict[Any, tuple[str, str]]) -> None:
        """The haystacks of the rows shown, arriving after them: a filter typed meanwhile is
        applied again."""
        self.haystacks = haystacks
        if self.filter_text:
            self.set_filter(self.filter_text)

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self.filter_text = text.strip().lower()
        self.rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[tuple[Any, ...]]:
        """Rows whose secid, code, symbol, name or former names contain the text, or whose code
        the text contains (``0.600519`` finds 600519), as ``Library.securities`` filters; in the
        sort order (filtering the sorted rows keeps it: no sort per keystroke)."""
        f = self.filter_text
        if not f:
            return list(self.sorted_rows)
        if len(self.haystacks) != len(self.all_rows):  # typed before they arrived: made here
            self.haystacks = self.haystacks_of(self.all_rows)
        hay = self.haystacks
        out = []
        for r in self.sorted_rows:
            text, code = hay[r[0]]
            if f in text or code in f:
                out.append(r)
        return out

    def _sort_rows(self) -> None:
        self.sorted_rows = self.sorted(self.all_rows, self.sort_column, self.sort_order)

    @staticmethod
    def sorted(rows: list[tuple[Any, ...]], column: int, order: Qt.SortOrder) -> list[tuple[Any, ...]]:
        """Every row in a column's order (from the library's order, so that ties stay as listed)."""
        keys = {
            0: lambda r: (r[4] or r[3]).lower(),
            1: lambda r: display_symbol(r[2], r[3]),
            2: lambda r: (r[6], r[8] or 0),
            3: lambda r: (r[8] or 0, r[6]),
        }
        return sorted(rows, key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.sort_column, self.sort_order = column, order
        self._sort_rows()
        self.rows = self._filtered()
        self.layoutChanged.emit()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == 3:
            return QCoreApplication.translate("SecuritiesPanel", "Most recent mention")
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == SecidRole:
            return r[1]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return ("● " if r[9] else "") + (label(r[1], r[4], self.shared) if r[4] else r[3])
            if col == 1:
                return display_symbol(r[2], r[3])
            if col == 2:
                return str(r[6])
            if col == 3:
                return self._day(r[8])[2:]  # yy-mm-dd keeps the column narrow
        if role == Qt.ItemDataRole.ForegroundRole and col == 0 and r[9]:
            return watched_color(QApplication.palette())
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 3:
                return self._day(r[8])
            exchange = exchange_name(r[2])
            tip = f"{r[4]}  {display_symbol(r[2], r[3])}  {exchange}\n" + QCoreApplication.translate(
                "SecuritiesPanel", "%1 articles").replace("%1", str(r[6]))
            names = [n for n in (r[5] or "").split("\n") if n]
            if len(names) > 1:
                tip += "\n" + " / ".join(names)
            if r[9]:
                tip += "\n" + QCoreApplication.translate("SecuritiesPanel", "In your watchlist")
            return tip
        return None

    @staticmethod
    def _day(epoch: int | None) -> str:
        return dt.datetime.fromtimestamp(epoch).date().isoformat() if epoch else ""


class SecuritiesPanel(QWidget):
    """Every security in the library: type to filter by code, symbol or name."""

    securityChosen = Signal(str)
    watchToggled = Signal(str, bool)
    quoteRequested = Signal(str)
    filled = Signal()  # a fill's rows are shown
    _prepared = Signal(int, object)  # from the filling thread: generation, Prepared
    _haystacks = Signal(int, object)  # from the filling thread: generation, the rows' haystacks
    HIDDEN_DELAY_MS = 300  # a hidden panel fills after the window's first paint, not before it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter: 贵州, 600519, 0.600519…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.model = SecuritiesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # most-mentioned first
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        for col in (1, 2, 3):
            sample = ("600519.SH", "99999", "22-11-25")[col - 1]
            header = fm.horizontalAdvance(self.model.headers[col]) + 18  # the sort arrow too
            self.table.setColumnWidth(col, max(fm.horizontalAdvance(sample) + 10, header))
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        lay.addWidget(self.filter)
        lay.addWidget(self.table, 1)
        self.library: Library | None = None
        self.generation = 0  # the latest fill asked for; older fills' rows are dropped
        self.shown_generation = 0  # the fill whose rows the model holds
        self._prepared.connect(self._show_prepared, Qt.ConnectionType.QueuedConnection)
        self._haystacks.connect(self._show_haystacks, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start_fill)

    @property
    def infos(self) -> list[SecurityInfo]:
        """The securities listed, in their order (filled now if a fill is still on its way)."""
        lib = self.library
        if lib is None:
            return []
        self.fill_now()
        return [lib.security_info(r) for r in self.model.rows]

    def set_library(self, lib: Library | None) -> None:
        self.library = lib
        self.refresh()

    def refresh(self) -> None:
        """Fill the list again, off the GUI thread: reading and preparing 40,000 securities took
        256 ms at a million articles (bench_gui.py, Securities panel: fill it), all of it before
        the window could paint.  A shown panel starts at once; a hidden one after a moment, so
        that its fill does not compete with the window's first paint."""
        self.generation += 1
        if self.library is None:
            self._timer.stop()
            self.shown_generation = self.generation
            self.model.set_rows([])
            return
        if self.isVisible():
            self._timer.stop()
            self._start_fill()
        else:
            self._timer.start(self.HIDDEN_DELAY_MS)

    def fill_now(self) -> None:
        """Fill on this thread if the rows shown are not the latest asked for (a reader of
        ``infos`` before the filling thread is done)."""
        if self.shown_generation != self.generation and self.library is not None:
            self._timer.stop()
            self._show_prepared(self.generation, self.model.prepare(
                self.library.security_rows(), self.model.sort_column, self.model.sort_order))

    def _start_fill(self) -> None:
        lib, generation = self.library, self.generation
        if lib is None or self.shown_generation == generation:
            return
        column, order = self.model.sort_column, self.model.sort_order
        emit, emit_haystacks = self._prepared.emit, self._haystacks.emit

        def fill() -> None:
            try:
                # most-mentioned first, the view's first order: the rows and their haystacks are
                # then made in the order a keystroke walks them (in id order, scattered in memory,
                # the same filter took 30 ms instead of 4 at 31,000 rows)
                rows = lib.security_rows()
                prepared = SecuritiesModel.prepare(rows, column, order, haystacks=False)
            except Exception:  # a library closed meanwhile: a later fill (or none) follows
                return
            finally:
                with contextlib.suppress(Exception):
                    lib.db.close()  # this thread's connection
            with contextlib.suppress(RuntimeError):  # the panel is gone
                emit(generation, prepared)
                emit_haystacks(generation, SecuritiesModel.haystacks_of(rows))

        threading.Thread(target=fill, name="securities-fill", daemon=True).start()

    def _show_prepared(self, generation: int, prepared: Prepared) -> None:
        if generation != self.generation or self.shown_generation == generation:
            return
        self.shown_generation = generation
        self.model.apply(prepared)
        self.filled.emit()

    def _show_haystacks(self, generation: int, haystacks: dict[Any, tuple[str, str]]) -> None:
        if generation == self.shown_generation == self.generation:
            self.model.set_haystacks(haystacks)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._timer.isActive():  # shown before its delayed fill began: begin it now
            self._timer.stop()
            self._start_fill()

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter(text)

    def _activated(self, index: QModelIndex) -> None:
        secid = self.model.data(index, SecidRole)
        if secid:
            self.securityChosen.emit(secid)

    def _menu(self, pos: Any) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid() or self.library is None:
            return
        secid = self.model.data(index, SecidRole)
        watched = secid in self.library.watchlist()
        menu = QMenu(self)
        menu.addAction(self.tr("Show all news"), lambda: self.securityChosen.emit(secid))
        if watched:
            menu.addAction(self.tr("Remove from watchlist"), lambda: self.watchToggled.emit(secid, False))
        else:
            menu.addAction(self.tr("Add to watchlist"), lambda: self.watchToggled.emit(secid, True))
        menu.addAction(self.tr("Open quote page in browser…"), lambda: self.quoteRequested.emit(secid))
        menu.exec(self.table.viewport().mapToGlobal(pos))


class TimelineWidget(QWidget):
    """Articles per day (per week over long spans) as bars with the span's dates beneath;
    clicking a bar emits its first day (``bucket_days`` says how many days a bar covers)."""

    dayClicked = Signal(object)  # datetime.date
    MAX_BAR = 36  # px: a short span keeps slim bars instead of a few wide blocks
    LABELS = 14  # px under the bars for the dates
    TOP = 13  # px above the bars for the peak

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[tuple[dt.date, int]] = []  # every day of the span, 0 included
        self.buckets: list[tuple[dt.date, int]] = []  # what is drawn: days, or weeks
        self.bucket_days = 1
        self.setMinimumHeight(72)
        self.setMouseTracking(True)
        self.selected: dt.date | None = None

    def sizeHint(self) -> QSize:
        return QSize(300, 76)

    def set_counts(self, counts: list[tuple[dt.date, int]]) -> None:
        """Per-day counts; days without articles between the first and last are filled with 0."""
        filled: list[tuple[dt.date, int]] = []
        if counts:
            by_day = dict(counts)
            day, last = counts[0][0], counts[-1][0]
            while day <= last:
                filled.append((day, by_day.get(day, 0)))
                day += dt.timedelta(days=1)
        self.counts = filled
        self._bucket()
        self.update()

    def _bucket(self) -> None:
        days = len(self.counts)
        self.bucket_days = 1 if days <= max(60, self.width() // 2) else 7
        if self.bucket_days == 1:
            self.buckets = list(self.counts)
            return
        self.buckets = [
            (self.counts[i][0], sum(c for _, c in self.counts[i : i + 7])) for i in range(0, days, 7)
        ]

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        self._bucket()
        super().resizeEvent(event)

    def _bar_width(self) -> float:
        return min(float(self.MAX_BAR), self.width() / max(1, len(self.buckets)))

    def label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def _label_height(self) -> int:
        return max(self.LABELS, QFontMetrics(self.label_font()).height() + 1)

    def axis_labels(self) -> list[tuple[QRect, str]]:
        """The dates under the bars and where they go: the span's first and last day, then as many
        days between as fit, each under its bar, in the longest format that fits ("2022-05-26",
        else "05-26"), wholly inside the widget and never overlapping."""
        if not self.buckets or self.width() <= 0:
            return []
        fm = QFontMetrics(self.label_font())
        width, height = self.width(), self._label_height() - 1
        top = self.height() - height  # below the axis line
        bw, n = self._bar_width(), len(self.buckets)
        end = min(width, int(n * bw))
        gap = fm.horizontalAdvance("  ")
        first, last = self.counts[0][0], self.counts[-1][0]
        formats = ["%Y-%m-%d"] + (["%y-%m-%d"] if first.year != last.year else []) + ["%m-%d"]

        def place(i: int, text: str) -> QRect:
            w = min(fm.horizontalAdvance(text), width)
            if i == 0:
                x = 0  # the span starts at the left edge
            elif i == n - 1:
                x = end - w  # and ends under the last bar's right edge
            else:
                x = int((i + 0.5) * bw - w / 2)
            return QRect(max(0, min(x, width - w)), top, w, height)

        def clear(r: QRect, taken: list[tuple[QRect, str]], space: int = gap) -> bool:
            return all(r.right() + space < t.left() or t.right() + space < r.left() for t, _ in taken)

        for fmt in formats:
            ends = [(0, first.strftime(fmt))] + ([(n - 1, last.strftime(fmt))] if last != first else [])
            taken: list[tuple[QRect, str]] = []
            for i, text in ends:
                r = place(i, text)
                if fm.horizontalAdvance(text) > r.width() or not clear(r, taken):
                    break
                taken.append((r, text))
            else:
                # days between at even steps, halving them while a whole row fits with a label's
                # width of space around each: 1/2, then 1/4 and 3/4, ...
                spaced = fm.horizontalAdvance(first.strftime(fmt))
                parts = 2
                while parts <= n - 1:
                    row: list[tuple[QRect, str]] = []
                    for k in range(1, parts, 2):
                        i = n * k // parts
                        text = self.buckets[i][0].strftime(fmt)
                        r = place(i, text)
                        if not clear(r, taken + row, spaced):
                            break
                        row.append((r, text))
                    else:
                        taken += row
                        parts *= 2
                        continue
                    break
                return sorted(taken, key=lambda t: t[0].left())
        text = fm.elidedText(first.isoformat(), Qt.TextElideMode.ElideRight, width)  # a very narrow widget
        return [(place(0, text), text)] if text else []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        peak = max((c for _, c in self.buckets), default=0)
        if not peak:
            return
        pal = self.palette()
        color, mark = pal.highlight().color(), QColor("#e0a800")
        bw, area = self._bar_width(), self.height() - self._label_height()
        top = max(self.TOP, QFontMetrics(self.label_font()).height())  # room for the peak
        p.setPen(pal.mid().color())
        p.drawLine(0, area, self.width(), area)
        for i, (day, c) in enumerate(self.buckets):
            if not c:
                continue
            h = max(2, int((area - top) * c / peak))
            x0, x1 = int(i * bw), int((i + 1) * bw)
            width = max(1, x1 - x0 - (1 if bw >= 4 else 0))
            chosen = self.selected is not None and day <= self.selected < day + dt.timedelta(days=self.bucket_days)
            p.fillRect(QRect(x0, area - h, width, h), mark if chosen else color)
        p.setPen(pal.placeholderText().color())
        p.setFont(self.label_font())
        for rect, text in self.axis_labels():
            p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        peak_text = self.tr("peak %1/day").replace("%1", str(peak)) if self.bucket_days == 1 else \
            self.tr("peak %1/week").replace("%1", str(peak))
        p.drawText(QRect(0, 0, self.width(), top), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                   peak_text)
        p.end()

    def day_at(self, x: int) -> dt.date | None:
        if not self.buckets or self.width() <= 0:
            return None
        i = int(x / self._bar_width())
        return self.buckets[i][0] if 0 <= i < len(self.buckets) else None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        day = self.day_at(int(event.position().x()))
        if day is not None:
            self.selected = day
            self.update()
            self.dayClicked.emit(day)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        day = self.day_at(int(event.position().x()))
        if day is not None:
            n = dict(self.buckets).get(day, 0)
            span = day.isoformat() if self.bucket_days == 1 else \
                f"{day.isoformat()} – {(day + dt.timedelta(days=self.bucket_days - 1)).isoformat()}"
            self.setToolTip(f"{span}: {n}")
