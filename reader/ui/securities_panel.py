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
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Security"), self.tr("Symbol"), self.tr("Articles")])
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
            name = QTableWidgetItem(("👁 " if info.watched else "") + (info.name or info.code))
            name.setData(SecidRole, info.secid)
            tip = f"{info.name}  {info.symbol}  {info.exchange}\n" + self.tr("%1 articles").replace(
                "%1", str(info.articles))
            if len(info.names) > 1:
                tip += "\n" + " / ".join(info.names)
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
    """Articles per day as bars; clicking a bar emits that day."""

    dayClicked = Signal(object)  # datetime.date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[tuple[dt.date, int]] = []
        self.setMinimumHeight(44)
        self.setMouseTracking(True)
        self.selected: dt.date | None = None

    def sizeHint(self) -> QSize:
        return QSize(300, 48)

    def set_counts(self, counts: list[tuple[dt.date, int]]) -> None:
        """Per-day counts; days without articles between the first and last are filled with 0."""
        filled: list[tuple[dt.date, int]] = []
        if counts:
            by_day = dict(counts)
            day, last = counts[0][0], counts[-1][0]
            while day <= last and len(filled) < 3660:
                filled.append((day, by_day.get(day, 0)))
                day += dt.timedelta(days=1)
        self.counts = filled
        self.update()

    def _bar_rect(self, i: int) -> QRect:
        n = max(1, len(self.counts))
        w = self.width() / n
        return QRect(int(i * w), 0, max(1, int(w) - (1 if w > 3 else 0)), self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        peak = max((c for _, c in self.counts), default=0)
        if not peak:
            return
        color = self.palette().highlight().color()
        for i, (day, c) in enumerate(self.counts):
            r = self._bar_rect(i)
            h = int((self.height() - 4) * c / peak) if c else 0
            bar = QRect(r.left(), self.height() - h, r.width(), h)
            p.fillRect(bar, QColor("#e0a800") if day == self.selected else color)
        p.end()

    def day_at(self, x: int) -> dt.date | None:
        if not self.counts or self.width() <= 0:
            return None
        i = int(x * len(self.counts) / self.width())
        return self.counts[i][0] if 0 <= i < len(self.counts) else None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        day = self.day_at(int(event.position().x()))
        if day is not None:
            self.selected = day
            self.update()
            self.dayClicked.emit(day)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        day = self.day_at(int(event.position().x()))
        if day is not None:
            n = dict(self.counts).get(day, 0)
            self.setToolTip(f"{day.isoformat()}: {n}")
