"""The article list's model: ids of the current result, rows fetched from the store on demand.

A query yields only ids, kept in a typed array (a million of them is 8 MB, with no Python object
per row); ``data()`` asks the library for the row's block of 64 when it is first shown and keeps
recent blocks in a small LRU cache, so opening and scrolling cost the same at a hundred articles or
a million. A repaint of the list asks ``data()`` about a thousand times (rows in view x columns x
the roles a delegate asks), so each block keeps, per row, every answer ready: a role's values for
the five columns in one tuple, built once when the block is read (bench_gui's scroll step).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from reader.core.library import ArticleRow, Library
from reader.ui.theme import watched_color

BLOCK = 64  # about two screens of rows: a jump anywhere reads one or two blocks
MAX_BLOCKS = 48  # ~3,000 rows: a hundred screens back and forth

ModelIndex = QModelIndex | QPersistentModelIndex
Cells = dict[int, tuple[Any, ...]]  # role -> its value in each of the five columns

_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ID = Qt.ItemDataRole.UserRole.value + 1
_KEY = Qt.ItemDataRole.UserRole.value + 2
_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)


class _Block:
    """One block of rows: the articles, and each row's answers for ``data()``."""

    __slots__ = ("rows", "cells")

    def __init__(self, rows: list[ArticleRow | None], cells: list[Cells | None]) -> None:
        self.rows = rows
        self.cells = cells


class ArticleTableModel(QAbstractTableModel):
    COL_STAR, COL_TITLE, COL_TIME, COL_SOURCE, COL_SECURITIES = range(5)
    SORT_FIELDS = {COL_TITLE: "title", COL_TIME: "published", COL_SOURCE: "source"}
    IdRole = _ID
    KeyRole = _KEY

    sortRequested = Signal(str, bool)  # field, descending
    # the rows of the blocks next to the one shown, to read off the GUI thread: token, ids
    # (the window connects it to its query worker, which answers through ``put_rows``)
    rowsWanted = Signal(object, object)

    def __init__(self, library: Library | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids = array("q")
        self._blocks: OrderedDict[int, _Block] = OrderedDict()
        self._hot: tuple[int, _Block | None] = (-1, None)  # the block last asked for
        self._generation = 0  # rows read before a change to the list or its articles are stale
        self._wanted: set[int] = set()  # blocks asked for off the GUI thread
        self._bold = QFont()
        self._bold.setBold(True)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # a theme switch: the colours kept in cells change
            app.paletteChanged.connect(self.restyle)
        self.sort_field = "published"
        self.sort_desc = True

    # --- content ---------------------------------------------------------------------------

    def set_library(self, library: Library | None) -> None:
        self.library = library
        self.set_ids([])

    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = ids if isinstance(ids, array) else array("q", ids)
        self._forget()
        self.endResetModel()

    def extend_to(self, ids: Sequence[int]) -> bool:
        """Grow the list to ``ids`` when the rows shown are its beginning (rows are appended, so
        the selection and scroll position stay); False when ``ids`` does not start with them."""
        n = len(self._ids)
        if len(ids) < n or array("q", ids[:n]) != self._ids:
            return False
        if len(ids) > n:
            if n % BLOCK:
                self._forget(n // BLOCK)  # the last block, read short, gets its new rows
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
        block = self._block_of(row)
        return None if block is None else block.rows[row % BLOCK]

    def _block_of(self, row: int) -> _Block | None:
        if not 0 <= row < len(self._ids) or self.library is None:
            return None
        b = row // BLOCK
        hot_b, hot = self._hot
        if b == hot_b:
            return hot
        block = self._blocks.get(b)
        if block is None:
            chunk = self._ids[b * BLOCK : (b + 1) * BLOCK]
            block = self._keep(b, chunk, self.library.rows(chunk))
        else:
            self._blocks.move_to_end(b)
        # moving on to the next block (or the first shown): the one after it is read while this
        # one shows; a jump (the scroll bar dragged) reads nothing more: its next stop is unknown
        near = b + 1 if hot_b in (-1, b - 1) else b - 1 if hot_b == b + 1 else -1
        self._hot = (b, block)
        if near not in self._blocks and near not in self._wanted and 0 <= near * BLOCK < len(self._ids):
            self._wanted.add(near)
            self.rowsWanted.emit((self._generation, near), self._ids[near * BLOCK : (near + 1) * BLOCK])
        return block

    def _keep(self, b: int, chunk: Sequence[int], found: dict[int, ArticleRow]) -> _Block:
        rows = [found.get(aid) for aid in chunk]
        block = _Block(rows, self._cells(rows))
        self._blocks[b] = block
        self._wanted.discard(b)
        if len(self._blocks) > MAX_BLOCKS:
            self._blocks.popitem(last=False)
        return block

    def put_rows(self, token: object, found: dict[int, ArticleRow]) -> None:
        """Rows read off the GUI thread for block ``token``: kept unless the list (or an
        article in it) changed since they were asked for."""
        if not isinstance(token, tuple) or token[0] != self._generation:
            return
        b = token[1]
        self._wanted.discard(b)
        if b not in self._blocks:
            self._keep(b, self._ids[b * BLOCK : (b + 1) * BLOCK], found)
            self._blocks.move_to_end(b, last=False)  # first to go unless it is shown

    def _cells(self, rows: list[ArticleRow | None]) -> list[Cells | None]:
        """Every answer ``data()`` gives for these rows, per role a tuple over the columns."""
        palette = QApplication.palette()
        star = watched_color(palette)
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        bold = self._bold
        out: list[Cells | None] = []
        for r in rows:
            if r is None:
                out.append(None)
                continue
            secs = r.securities
            names = "、".join(name or secid for secid, name in secs[:4]) + ("…" if len(secs) > 4 else "")
            fg: tuple[QColor | None, ...] = (star if r.bookmarked else None, dim if r.read else None,
                                             None, None, None)
            out.append({
                _DISPLAY: ("★" if r.bookmarked else "", r.title, r.published.strftime("%Y-%m-%d %H:%M"),
                           r.source, names),
                _FONT: (None, None if r.read else bold, None, None, None),
                _FOREGROUND: fg,
                _ALIGNMENT: (_CENTER, None, None, None, None),
                _TOOLTIP: (", ".join(r.user_tags) or None, r.title, None, None,
                           "\n".join(f"{name}  {secid}" for secid, name in secs) or None),
                _KEY: (r.key,) * 5,
            })
        return out

    def restyle(self) -> None:
        """The palette changed: the colours kept in each block's cells follow it."""
        for block in self._blocks.values():
            block.cells = self._cells(block.rows)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1))

    def _forget(self, b: int | None = None) -> None:
        """Drop every block (or block ``b``): its rows are read again when next shown."""
        if b is None:
            self._blocks.clear()
        else:
            self._blocks.pop(b, None)
        self._hot = (-1, None)
        self._generation += 1
        self._wanted.clear()

    def refresh_all(self) -> None:
        """Re-read every row when next shown (after a change to many articles)."""
        self._forget()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1))

    def refresh_rows(self, ids: Sequence[int]) -> None:
        """Re-read these articles (after a bookmark, tag or read change) and repaint them."""
        rows = sorted(self.rows_of(ids).values())
        if len(rows) > 64:  # e.g. "mark all as read": one repaint of everything
            self.refresh_all()
            return
        for row in rows:
            self._forget(row // BLOCK)
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

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        # asked ~1,000 times a repaint: one block lookup and two tuple/dict lookups, no branches
        row = index.row()
        if role == _ID:
            return self._ids[row] if 0 <= row < len(self._ids) else None
        block = self._block_of(row)
        if block is None:
            return None
        cells = block.cells[row % BLOCK]
        if cells is None:
            return None
        values = cells.get(role)
        return None if values is None else values[index.column()]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        field = self.SORT_FIELDS.get(column)
        if field is None:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if (field, desc) != (self.sort_field, self.sort_desc):
            self.sort_field, self.sort_desc = field, desc
            self.sortRequested.emit(field, desc)
