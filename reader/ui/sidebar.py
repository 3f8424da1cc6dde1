"""The sidebar: a tree of filters.  Each item carries the query it stands for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from reader.core.library import Library

QueryRole = Qt.ItemDataRole.UserRole + 10
KindRole = Qt.ItemDataRole.UserRole + 11
NameRole = Qt.ItemDataRole.UserRole + 12
TRENDING_QUERY = "\x00trending"  # the What moved page's entry: no query of the search language


def quote(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) or not value else value


class CountDelegate(QStyledItemDelegate):
    """Counts in the palette's quieter text colour, read when painting: a theme switch repaints
    them in the new colours without rebuilding the tree."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        pal = option.palette  # type: ignore[attr-defined]
        pal.setColor(QPalette.ColorRole.Text, pal.color(QPalette.ColorRole.PlaceholderText))
        option.palette = pal  # type: ignore[attr-defined]


class Sidebar(QTreeWidget):
    """Emits ``filterChosen(query, label)`` when the reader picks a filter."""

    filterChosen = Signal(str, str)
    trendingChosen = Signal()  # the What moved page
    renameTagRequested = Signal(str)
    deleteTagRequested = Signal(str)
    deleteSavedSearchRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.count_delegate = CountDelegate(self)
        self.setItemDelegateForColumn(1, self.count_delegate)
        self.setIndentation(12)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.itemSelectionChanged.connect(self._chosen)
        self.current_query = ""
        self._suppress = False
        self._archive: tuple[Library, list[tuple[str, int]], dict[str, str], list[tuple[str, int]]] | None = None

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title, ""])
        font = item.font(0)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setExpanded(True)
        return item

    def _entry(self, parent: QTreeWidget | QTreeWidgetItem, label: str, query: str, count: int | None = None,
               kind: str = "", name: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label, "" if count is None else str(count)])
        item.setData(0, QueryRole, query)
        item.setData(0, KindRole, kind)
        item.setData(0, NameRole, name or label)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def populate(self, lib: Library | None, *, reuse_archive_counts: bool = False,
                 archive: bool = True) -> None:
        """Rebuild from the library, keeping the current choice selected. With
        ``reuse_archive_counts`` the categories and sources (which only an import changes, and
        which take a while to count at a million articles) are taken from the last rebuild;
        ``archive=False`` leaves them out unless known (a new library's first paint)."""
        self._suppress = True
        keep = self.current_query
        self.clear()
        if lib is None:
            self._suppress = False
            return
        st = lib.reading_counts()
        moved = self._entry(self, self.tr("What moved"), TRENDING_QUERY, None, "trending")
        moved.setToolTip(0, self.tr("The securities and stories the news suddenly talks about, "
                                    "day by day"))
        self._entry(self, self.tr("All articles"), "", st["articles"], "all")
        self._entry(self, self.tr("Unread"), "is:unread", st["unread"], "unread")
        self._entry(self, self.tr("Bookmarked"), "is:bookmarked", st["bookmarked"], "bookmarked")
        self._recent_entries(lib)
        watch = lib.watchlist()
        if watch:
            # the count beside the watchlist and each watched security is its unread news
            item = self._entry(self, self.tr("Watchlist"), "is:watched", lib.count("is:watched is:unread"),
                               "watchlist")
            item.setToolTip(0, self.tr("News of every watched security; the number counts unread articles"))
            for secid in watch:
                info = lib.security(secid)
                label = f"{info.name or info.code}  {info.symbol}" if info else secid
                child = self._entry(item, label, f"sec:{secid}", lib.count(f"sec:{secid} is:unread"),
                                    "watched", secid)
                child.setToolTip(0, self.tr("%1 articles").replace("%1", str(info.articles if info else 0)))
            item.setExpanded(True)
        saved = lib.saved_searches()
        if saved:
            sec = self._section(self.tr("SAVED SEARCHES"))
            for name, query in saved:
                self._entry(sec, name, query, None, "saved", name)
        tags = lib.user_tags()
        if tags:
            sec = self._section(self.tr("MY TAGS"))
            for name, n in tags:
                self._entry(sec, "#" + name, f"tag:{quote(name)}", n, "tag", name)
        known = self._archive is not None and self._archive[0] is lib
        if archive and not (reuse_archive_counts and known):
            self._archive = (lib, lib.categories(), lib.category_titles(), lib.sources())
        counts = self._archive if self._archive is not None and self._archive[0] is lib else None
        _lib, cats, titles, sources = counts or (lib, [], {}, [])
        if cats:
            sec = self._section(self.tr("CATEGORIES"))
            for name, n in cats:
                item = self._entry(sec, titles.get(name, name), f"cat:{quote(name)}", n, "category", name)
                item.setToolTip(0, name)
        if sources:
            sec = self._section(self.tr("SOURCES"))
            for name, n in sources[:40]:
                self._entry(sec, name, f"source:{quote(name)}", n, "source", name)
        self.resizeColumnToContents(1)
        self._suppress = False
        self.select_query(keep, emit=False)

    def _recent_entries(self, lib: Library) -> None:
        """Today and This week, by the wall clock; for an archive whose newest post is older,
        the newest day with articles and the seven days up to it, saying which dates they are."""
        today = dt.datetime.now(lib.tz).date()
        newest_day = lib.newest_day()
        if newest_day is None or newest_day >= today:
            week_start = today - dt.timedelta(days=today.weekday())
            self._entry(self, self.tr("Today"), f"after:{today.isoformat()}", None, "today")
            self._entry(self, self.tr("This week"), f"after:{week_start.isoformat()}", None, "week")
            return
        week_start = newest_day - dt.timedelta(days=6)
        day = self._entry(self, self.tr("Newest day (%1)").replace("%1", newest_day.strftime("%m-%d")),
                          f"after:{newest_day.isoformat()}", None, "today")
        day.setToolTip(0, self.tr("No articles today: the newest day with articles, %1")
                       .replace("%1", newest_day.isoformat()))
        week = self._entry(self, self.tr("Week to %1").replace("%1", newest_day.strftime("%m-%d")),
                           f"after:{week_start.isoformat()}", None, "week")
        week.setToolTip(0, self.tr("The seven days up to the newest article: %1 to %2")
                        .replace("%1", week_start.isoformat()).replace("%2", newest_day.isoformat()))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        width = self.viewport().width()
        # seven digits and the cell's margins: a million articles' counts are not elided
        count_w = max(36, self.fontMetrics().horizontalAdvance("0000000") + 14)
        self.setColumnWidth(0, max(60, width - count_w))
        self.setColumnWidth(1, count_w)

    def select_query(self, query: str, emit: bool = True) -> bool:
        for item in self._items():
            if item.data(0, QueryRole) == query:
                self._suppress = not emit
                self.setCurrentItem(item)
                self._suppress = False
                return True
        self._suppress = True
        self.clearSelection()
        self._suppress = False
        return False

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item is None:
                continue
            if item.data(0, QueryRole) is not None:
                out.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def item_for(self, kind: str, name: str | None = None) -> QTreeWidgetItem | None:
        for item in self._items():
            if item.data(0, KindRole) == kind and (name is None or item.data(0, NameRole) == name):
                return item
        return None

    def _chosen(self) -> None:
        if self._suppress:
            return
        items = self.selectedItems()
        if not items or items[0].data(0, QueryRole) is None:
            return
        item = items[0]
        self.current_query = item.data(0, QueryRole)
        if item.data(0, KindRole) == "trending":
            self.trendingChosen.emit()
            return
        self.filterChosen.emit(self.current_query, item.text(0))

    def _context_menu(self, pos: Any) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        kind, name = item.data(0, KindRole), item.data(0, NameRole)
        menu = QMenu(self)
        if kind == "tag":
            menu.addAction(self.tr("Rename tag…"), lambda: self.renameTagRequested.emit(name))
            menu.addAction(self.tr("Delete tag"), lambda: self.deleteTagRequested.emit(name))
        elif kind == "saved":
            menu.addAction(self.tr("Delete saved search"), lambda: self.deleteSavedSearchRequested.emit(name))
        else:
            return
        menu.exec(self.viewport().mapToGlobal(pos))
