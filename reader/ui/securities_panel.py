"""The Securities panel and the mention timeline drawn with plain Qt painting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library, SecurityInfo

SecidRole = Qt.ItemDataRole.UserRole + 20


class _NumberItem(QTableWidgetItem):
    def __lt__(self, other: QTableWidgetItem) -> bool:
        return int(self.data(Qt.ItemDataRole.UserRole) or 0) < int(other.data(Qt.ItemDataRole.UserRole) or 0)


class SecuritiesPanel(QWidget):
    """Every security in the library: type to filter by code, symbol or name."""

    securityChosen = Signal(str)
    watchToggled = Signal(str, bool)
    quoteRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter: 贵州, 600519, 0.600519…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.refresh)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([self.tr("Security"), self.tr("Symbol"), self.tr("Articles"),
                                              self.tr("Latest")])
        self.table.horizontalHeaderItem(3).setToolTip(self.tr("Most recent mention"))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # most-mentioned first
        self.table.itemActivated.connect(self._activated)
        self.table.itemClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        lay.addWidget(self.filter)
        lay.addWidget(self.table, 1)
        self.library: Library | None = None
        self.infos: list[SecurityInfo] = []

    def set_library(self, lib: Library | None) -> None:
        self.library = lib
        self.refresh()

    def refresh(self) -> None:
        self.infos = self.library.securities(filter_text=self.filter.text(), limit=2000) if self.library else []
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.infos))
        for row, info in enumerate(self.infos):
            name = QTableWidgetItem(("● " if info.watched else "") + (info.name or info.code))
            if info.watched:
                name.setForeground(QColor("#e0a800"))
            name.setData(SecidRole, info.secid)
            tip = f"{info.name}  {info.symbol}  {info.exchange}\n" + self.tr("%1 articles").replace(
                "%1", str(info.articles))
            if len(info.names) > 1:
                tip += "\n" + " / ".join(info.names)
            if info.watched:
                tip += "\n" + self.tr("In your watchlist")
            name.setToolTip(tip)
            sym = QTableWidgetItem(info.symbol)
            sym.setData(SecidRole, info.secid)
            n = _NumberItem(str(info.articles))
            n.setData(Qt.ItemDataRole.UserRole, info.articles)
            n.setData(SecidRole, info.secid)
            n.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, sym)
            self.table.setItem(row, 2, n)
            last = info.last_seen.date().isoformat() if info.last_seen else ""
            latest = QTableWidgetItem(last[2:])  # yy-mm-dd keeps the column narrow
            latest.setData(Qt.ItemDataRole.UserRole, last)
            latest.setData(SecidRole, info.secid)
            latest.setToolTip(last)
            self.table.setItem(row, 3, latest)
        self.table.setSortingEnabled(True)

    def _activated(self, item: QTableWidgetItem) -> None:
        secid = item.data(SecidRole)
        if secid:
            self.securityChosen.emit(secid)

    def _menu(self, pos: Any) -> None:
        item = self.table.itemAt(pos)
        if item is None or self.library is None:
            return
        secid = item.data(SecidRole)
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[tuple[dt.date, int]] = []  # every day of the span, 0 included
        self.buckets: list[tuple[dt.date, int]] = []  # what is drawn: days, or weeks
        self.bucket_days = 1
        self.setMinimumHeight(60)
        self.setMouseTracking(True)
        self.selected: dt.date | None = None

    def sizeHint(self) -> QSize:
        return QSize(300, 64)

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

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        peak = max((c for _, c in self.buckets), default=0)
        if not peak:
            return
        pal = self.palette()
        color, mark = pal.highlight().color(), QColor("#e0a800")
        bw, area = self._bar_width(), self.height() - self.LABELS
        p.setPen(pal.mid().color())
        p.drawLine(0, area, self.width(), area)
        for i, (day, c) in enumerate(self.buckets):
            if not c:
                continue
            h = max(2, int((area - 2) * c / peak))
            x0, x1 = int(i * bw), int((i + 1) * bw)
            width = max(1, x1 - x0 - (1 if bw >= 4 else 0))
            chosen = self.selected is not None and day <= self.selected < day + dt.timedelta(days=self.bucket_days)
            p.fillRect(QRect(x0, area - h, width, h), mark if chosen else color)
        p.setPen(pal.placeholderText().color())
        font = p.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        p.setFont(font)
        first, last = self.counts[0][0], self.counts[-1][0]
        end = int(len(self.buckets) * bw)
        label = QRect(0, area + 1, max(end, 1), self.LABELS - 1)
        p.drawText(label, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), first.isoformat())
        if last != first and end > 2 * p.fontMetrics().horizontalAdvance(first.isoformat()) + 12:
            p.drawText(label, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), last.isoformat())
        peak_text = self.tr("peak %1/day").replace("%1", str(peak)) if self.bucket_days == 1 else \
            self.tr("peak %1/week").replace("%1", str(peak))
        p.drawText(QRect(0, 0, self.width(), area), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
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
