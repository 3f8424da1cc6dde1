"""What the article list shows: the view (sidebar filter, security, day, search), the query behind
it run off the GUI thread, the filter bar, and Back / Forward through the views the reader went
through, as a browser does."""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QTimer
from PySide6.QtWidgets import QInputDialog

from reader.core import secindex, secnames
from reader.ui.core_words import exchange_name
from reader.ui.jobs import QueryRunner, release_freed_memory
from reader.ui.theme import error_color

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

SEARCH_DEBOUNCE_MS = 250
HISTORY_LIMIT = 100


@dataclass(frozen=True)
class View:
    """One state of the list, as Back and Forward restore it."""

    base_query: str = ""
    base_label: str = ""
    security: str | None = None
    day: str | None = None
    search: str = ""


class BrowseController(QObject):
    """Owns the current view and the query runner; the window's list follows it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.view = View(base_label=self.tr("All articles"))
        self.back_stack: list[View] = []
        self.forward_stack: list[View] = []
        self._partial = False  # the list shows only the first page of a large result
        self._counts_at = 0.0  # when the sidebar's counts were last refreshed during an import
        self._deferred: list[Callable[[], None]] = []  # work that waits for the list's first paint
        self.runner = QueryRunner(self)
        self.runner.resultReady.connect(self._on_ids)
        self.runner.firstPageReady.connect(self._on_first_page)
        self.runner.queryFailed.connect(self._on_query_failed)
        # the list's next rows are read on the same worker while the reader looks at these
        window.model.rowsWanted.connect(self.runner.prefetch)
        self.runner.rowsReady.connect(window.model.put_rows)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self._apply_search)

    # --- the view ---------------------------------------------------------------------------------

    @property
    def search_text(self) -> str:
        return self.view.search

    def filtered(self) -> bool:
        v = self.view
        return bool(v.base_query or v.security or v.search)

    def compose_query(self) -> str:
        v = self.view
        parts = [v.base_query]
        if v.security:
            parts.append(f"sec:{v.security}")
        if v.day:
            parts.append(v.day)
        parts.append(v.search)
        return " ".join(p for p in parts if p).strip()

    def go(self, view: View, *, record: bool = True) -> None:
        """Show ``view``; the one it replaces goes on the Back stack."""
        if view == self.view:
            return
        if record:
            self.back_stack = [*self.back_stack, self.view][-HISTORY_LIMIT:]
            self.forward_stack = []
        self.view = view
        self._sync_widgets()
        self.refresh_list()

    def back(self) -> None:
        if self.back_stack:
            self.forward_stack.append(self.view)
            self.go(self.back_stack.pop(), record=False)
        self.w.history_changed()

    def forward(self) -> None:
        if self.forward_stack:
            self.back_stack.append(self.view)
            self.go(self.forward_stack.pop(), record=False)
        self.w.history_changed()

    def reset(self) -> None:
        """A new library: All articles, no history."""
        self.view = View(base_label=self.tr("All articles"))
        self.back_stack, self.forward_stack = [], []
        self._sync_widgets()
        self.w.history_changed()

    def _sync_widgets(self) -> None:
        """The sidebar's choice and the search box show the current view."""
        w, v = self.w, self.view
        w.sidebar.select_query("__none__" if v.security else v.base_query, emit=False)
        if w.search_box.text().strip() != v.search:
            w.search_box.blockSignals(True)
            w.search_box.setText(v.search)
            w.search_box.blockSignals(False)
        self.show_search_error("")
        w.history_changed()

    def on_sidebar_filter(self, query: str, label: str) -> None:
        self.go(replace(self.view, base_query=query, base_label=label, security=None, day=None))

    def show_security(self, secid: str) -> None:
        """Filter the list to every article mentioning this security (a ``security:`` link)."""
        self.go(View(base_label=self.view.base_label, security=secid))

    def clear_security_filter(self) -> None:
        self.go(replace(self.view, security=None, day=None))

    def filter_day(self, day: dt.date) -> None:
        """Narrow the security's articles to the day (or week) of a timeline bar."""
        nxt = day + dt.timedelta(days=self.w.timeline.bucket_days)
        self.go(replace(self.view, day=f"after:{day.isoformat()} before:{nxt.isoformat()}"))

    # --- search -----------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.w.search_box.setFocus()
        self.w.search_box.selectAll()

    def apply_search_now(self) -> None:
        self.search_timer.stop()
        self._apply_search()

    def _apply_search(self) -> None:
        text = self.w.search_box.text().strip()
        if text == self.view.search:
            return
        self.go(replace(self.view, search=text))

    def set_search(self, text: str) -> None:
        self.w.search_box.setText(text)
        self.apply_search_now()

    def show_search_error(self, message: str) -> None:
        """Say beside the search box why a query cannot be understood ("" clears it). Every list
        update clears it: with nothing shown that costs nothing (no restyling per update)."""
        w = self.w
        label = w.search_error
        if not message and not label.text():
            return
        label.setText(message)
        label.setToolTip(message)
        if w.search_error_action is not None:  # a widget in a tool bar shows through its action
            w.search_error_action.setVisible(bool(message))
        red = error_color(label.palette()).name()  # the current theme's
        label.setStyleSheet(f"#searchError {{ color: {red}; padding: 0 6px; }}")
        w.search_box.setStyleSheet(f"QLineEdit {{ border: 1px solid {red}; }}" if message else "")

    def save_search(self) -> None:
        w = self.w
        query = self.compose_query()
        if not query or w.library is None:
            w.statusBar().showMessage(self.tr("Type a search first"), 3000)
            return
        name, ok = QInputDialog.getText(w, self.tr("Save search"), self.tr("Name:"),
                                        text=self.view.search or query)
        if ok and name.strip():
            w.library.save_search(name.strip(), query)
            w.refresh_sidebar(archive_changed=False)

    def delete_saved_search(self, name: str) -> None:
        if self.w.library is not None:
            self.w.library.delete_saved_search(name)
            self.w.refresh_sidebar(archive_changed=False)

    # --- the list ---------------------------------------------------------------------------------

    COUNTS_EVERY = 2.0  # seconds between the sidebar's counts while an import adds articles

    def refresh_while_importing(self) -> None:
        """An import stored a batch: the list shows it, and the sidebar's counts follow now and
        then (rebuilding them after every batch would cost more than the import's progress)."""
        self.refresh_list()
        now = time.monotonic()
        if now - self._counts_at >= self.COUNTS_EVERY:
            self._counts_at = now
            self.w.refresh_sidebar(archive_changed=False)

    def refresh_list(self) -> None:
        """Re-run the current query off the GUI thread; the list updates when it returns."""
        m = self.w.model
        self.runner.request(self.compose_query(), m.sort_field, m.sort_desc)

    def after_first_paint(self, job: Callable[[], None]) -> None:
        """Run ``job`` once the list's next rows are painted (at the latest before the list says
        it holds the whole result): a new library's window shows its list first, and counts that
        take long at a million articles (categories, sources, the Securities panel) follow."""
        if self.w.library is None:
            job()
        else:
            self._deferred.append(job)

    def run_deferred(self) -> None:
        self.w.table.viewport().removeEventFilter(self)
        jobs, self._deferred = self._deferred, []
        for job in jobs:
            job()

    def _shown(self) -> None:
        self.w.listShown.emit()
        if self._deferred:  # until the list's next paint, then the deferred work
            self.w.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.run_deferred)
        return False

    def _on_first_page(self, ids: list[int], query: str) -> None:
        """A large result's first rows: shown at once, the rest of the list follows."""
        self._show_ids(ids, partial=True)
        self._shown()

    def _on_ids(self, ids: list[int], query: str) -> None:
        self._show_ids(ids, partial=False)
        # the previous list and the query's own copy are freed once this slot returns
        QTimer.singleShot(0, release_freed_memory)
        self._shown()
        self.run_deferred()
        self.w.listUpdated.emit()

    def _show_ids(self, ids: list[int], *, partial: bool) -> None:
        w = self.w
        self.show_search_error("")
        extended = not partial and self._partial and w.model.extend_to(ids)
        self._partial = partial
        keep = w.reading.current_id
        first_load = not extended and w.model.rowCount() == 0 and keep is None
        if not extended:
            w.model.set_ids(ids)
        if partial:
            w.count_label.setText(self.tr("Counting articles…"))
        else:
            w.count_label.setText(self.tr("%n article(s)", "", len(ids)))
            self._update_filter_bar(len(ids))
        if not ids and not partial:
            w.reading.clear_article()
            w.viewer.show_message(self.tr("No articles match"), html.escape(
                self.tr("Nothing in the library matches “%1”.").replace("%1", self.compose_query()))
                if self.compose_query() else "")
            return
        sel = w.table.selectionModel()
        if keep is not None:
            row = w.model.row_of(keep)
            if row >= 0 and not sel.isRowSelected(row, QModelIndex()):
                sel.blockSignals(True)
                w.table.selectRow(row)
                sel.blockSignals(False)
        elif first_load and ids and not self.view.search:
            w.select_row(0)  # open the newest article rather than an empty page

    def _on_query_failed(self, message: str, query: str) -> None:
        """A query that cannot be understood: the list stays, the reason shows by the box."""
        self.show_search_error(message)  # already in the reader's language (jobs.py)
        self.run_deferred()
        self.w.listUpdated.emit()

    def _update_filter_bar(self, n: int) -> None:
        w, v, lib = self.w, self.view, self.w.library
        if not (v.security and lib is not None):
            w.filter_bar.hide()
            return
        info = lib.security(v.security)
        name = f"{info.name} ({info.symbol}, {exchange_name(info.market)})" if info else v.security
        total = info.articles if info else n
        text = self.tr("Articles mentioning %1: %2").replace("%1", name).replace("%2", str(total))
        if v.day:
            text += "  ·  " + self.tr("%1 on the chosen day").replace("%1", str(n))
        w.filter_label.setText(text)
        w.update_watch_button(v.security)
        if not v.day:
            w.timeline.selected = None
            w.timeline.set_counts(secindex.timeline(lib, v.security))
        co = secnames.with_symbols_where_shared(lib, secindex.co_mentions(lib, v.security))
        links = " ".join(f'<a href="security:{html.escape(s)}">{html.escape(nm or s)}</a>&nbsp;({c})'
                         for s, nm, c in co)
        w.co_label.setText(self.tr("Often mentioned with:") + " " + links if co else "")
        w.co_label.setVisible(bool(co))
        w.filter_bar.show()

