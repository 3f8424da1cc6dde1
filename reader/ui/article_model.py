"""The article list's model: ids of the current result, rows fetched from the store on demand.

A query yields only ids, kept in a typed array (a million of them is 8 MB, with no Python object
per row); ``data()`` asks the library for
the row's block of 128 when it is first shown and keeps recent blocks in a small LRU cache, so
opening and scrolling cost the same at a hundred articles or a million.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from reader.core.library import ArticleRow, Library
from reader.ui.theme import watched_color

BLOCK = 128
MAX_BLOCKS = 64

ModelIndex = QModelIndex | QPersistentModelIndex


class ArticleTableModel(QAbstractTableModel):
    COL_STAR, COL_TITLE, COL_TIME, COL_SOURCE, COL_SECURITIES = range(5)
    SORT_FIELDS = {COL_TITLE: "title", COL_TIME: "published", COL_SOURCE: "source"}
    IdRole = Qt.ItemDataRole.UserRole + 1
    KeyRole = Qt.ItemDataRole.UserRole + 2

    sortRequested = Signal(str, bool)  # field, descending

    def __init__(self, library: Library | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids = array("q")
        self._blocks: OrderedDict[int, dict[int, ArticleRow]] = OrderedDict()
        self._bold = QFont()
        self._bold.setBold(True)
        self.sort_field = "published"
        self.sort_desc = True

    # --- content ---------------------------------------------------------------------------

    def set_library(self, library: Library | None) -> None:
        self.library = library
        self.set_ids([])

    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = ids if isinstance(ids, array) else array("q", ids)
        self._blocks.clear()
        self.endResetModel()

    def extend_to(self, ids: Sequence[int]) -> bool:
        """Grow the list to ``ids`` when the rows shown are its beginning (rows are appended, so
        the selection and scroll position stay); False when ``ids`` does not start with them."""
        n = len(self._ids)
        if len(ids) < n or array("q", ids[:n]) != self._ids:
            return False
        if len(ids) > n:
            self.beginInsertRows(QModelIndex(), n, len(ids) - 1)
            self._ids.extend(ids[n:])
            self.endInsertRows()
        return True

    def ids(self) -> list[int]:
        return self._ids.tolist()

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, article_id: int) -> int:
        try:
            return self._ids.index(article_id)  # a C loop: a few ms at a million rows
        except ValueError:
            return -1

    def rows_of(self, ids: Sequence[int]) -> dict[int, int]:
        """Rows of several articles in one pass over the list."""
        if len(ids) <= 4:
            return {aid: r for aid in ids if (r := self.row_of(aid)) >= 0}
        want = set(ids)
        return {aid: i for i, aid in enumerate(self._ids) if aid in want}

    def article(self, row: int) -> ArticleRow | None:
        if not 0 <= row < len(self._ids) or self.library is None:
            return None
        b = row // BLOCK
        block = self._blocks.get(b)
        if block is None:
            chunk = self._ids[b * BLOCK : (b + 1) * BLOCK]
            block = self.library.rows(chunk)
            self._blocks[b] = block
            if len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(b)
        return block.get(self._ids[row])

    def refresh_all(self) -> None:
        """Re-read every row when next shown (after a change to many articles)."""
        self._blocks.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1))

    def refresh_rows(self, ids: Sequence[int]) -> None:
        """Re-read these articles (after a bookmark, tag or read change) and repaint them."""
        rows = sorted(self.rows_of(ids).values())
        if len(rows) > 64:  # e.g. "mark all as read": one repaint of everything
            self.refresh_all()
            return
        for row in rows:
            b = row // BLOCK
            self._blocks.pop(b, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # --- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ["★", self.tr("Title"), self.tr("Time"), self.tr("Source"), self.tr("Securities")][section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.COL_STAR:
            return self.tr("Bookmarked")
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == self.IdRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, self.KeyRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        r = self.article(index.row())
        if r is None:
            return None
        col = index.column()
        if role == self.KeyRole:
            return r.key
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_STAR:
                return "★" if r.bookmarked else ""
            if col == self.COL_TITLE:
                return r.title
            if col == self.COL_TIME:
                return r.published.strftime("%Y-%m-%d %H:%M")
            if col == self.COL_SOURCE:
                return r.source
            if col == self.COL_SECURITIES:
                return "、".join(name or secid for secid, name in r.securities[:4]) + (
                    "…" if len(r.securities) > 4 else "")
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if not r.read and col == self.COL_TITLE else None
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_STAR and r.bookmarked:
            return watched_color(QApplication.palette())
        if role == Qt.ItemDataRole.ForegroundRole and r.read and col == self.COL_TITLE:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.COL_STAR:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_TITLE:
                return r.title
            if col == self.COL_SECURITIES and r.securities:
                return "\n".join(f"{name}  {secid}" for secid, name in r.securities)
            if r.user_tags and col == self.COL_STAR:
                return ", ".join(r.user_tags)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        field = self.SORT_FIELDS.get(column)
        if field is None:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if (field, desc) != (self.sort_field, self.sort_desc):
            self.sort_field, self.sort_desc = field, desc
            self.sortRequested.emit(field, desc)
