"""Reading actions: open an article, read-after-delay, next unread, bookmarks, read state, tags,
mark all as read, and Undo of the last bulk change.

The rule for read state is the one RSS Guard and NetNewsWire follow: an article becomes read once
it has been *shown* for the delay set in Settings (at once when the delay is 0), never because the
reader passed over it on the way to another one.

While an import runs (in its own process, holding the library's write lock for each batch),
bookmarks, read marks and tags are written off the GUI thread (``user_writes``), in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QInputDialog, QMessageBox

from reader.ui.dialogs import TagEditor
from reader.ui.jobs import CallJob
from reader.ui.settings_dialog import setting_int
from reader.ui.user_writes import UserWrites

if TYPE_CHECKING:
    from reader.core.library import Library
    from reader.ui.main_window import MainWindow


@dataclass
class UndoStep:
    """The last change to many articles, and how to take it back."""

    text: str  # what the Undo action says, e.g. "Undo mark all as read"
    undo: Callable[[Library], object]
    library: Library


class ReadingController(QObject):
    """The reader's own actions on articles; owns the current article and the read timer."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.current_id: int | None = None
        self.mark_read_delay_ms = setting_int(window.settings, "reader/markReadDelayMs", 1500)
        self.bulk_job: CallJob | None = None
        self.undo_step: UndoStep | None = None
        self.read_timer = QTimer(self)
        self.read_timer.setSingleShot(True)
        self.read_timer.timeout.connect(self._read_delay_passed)
        self.writes = UserWrites(self)
        self.writes.failed.connect(self._write_failed)

    @property
    def library(self) -> Library | None:
        return self.w.library

    # --- the current article -------------------------------------------------------------------

    def open_article(self, aid: int) -> None:
        lib = self.library
        if lib is None:
            return
        self.read_timer.stop()  # the article being left was only passed over: it stays as it is
        art = lib.article(aid)
        self.current_id = aid if art is not None else None
        search = self.w.browse.search_text
        highlights = lib.highlights(search) if search else []
        self.w.viewer.show_article(art, highlights)
        if art is None:
            return
        self.w.set_bookmark_label(art.bookmarked)
        if not art.read:
            if self.mark_read_delay_ms <= 0:
                self._mark_read(aid)
            else:
                self.read_timer.start(self.mark_read_delay_ms)
        self.w.articleShown.emit(aid)

    def clear_article(self) -> None:
        self.read_timer.stop()
        self.current_id = None

    def _read_delay_passed(self) -> None:
        """The article has been shown for the whole delay: it is read now."""
        if self.current_id is not None:
            self._mark_read(self.current_id)

    def _mark_read(self, aid: int) -> None:
        lib = self.library
        if lib is None:
            return

        def shown() -> None:
            self.w.model.refresh_rows([aid])
            self.w.refresh_sidebar(archive_changed=False)  # the Unread count follows at once

        self._write(lambda: lib.set_read([aid], True), shown)

    def _write(self, write: Callable[[], object], then: Callable[[], None]) -> None:
        """Store a change of the reader's, then show it: at once, or, while an import holds the
        write lock now and then (or earlier changes wait), off the GUI thread in order."""
        w = self.w
        if w.importer.running() or w.archives.running() or self.writes.pending():
            self.writes.submit(self.library, write, then)
        else:
            write()
            then()

    def _write_failed(self, message: str) -> None:
        QMessageBox.warning(self.w, self.tr("Library"), message)

    # --- moving through the list --------------------------------------------------------------

    def next_unread(self) -> None:
        w = self.w
        start = w.table.currentIndex().row() + 1
        n = w.model.rowCount()
        for row in list(range(start, n)) + list(range(0, max(0, start - 1))):
            r = w.model.article(row)
            if r is not None and not r.read and r.id != self.current_id:
                w.select_row(row)
                return
        w.statusBar().showMessage(self.tr("No more unread articles here"), 3000)

    def page_or_next(self) -> None:
        bar = self.w.viewer.verticalScrollBar()
        if bar.value() < bar.maximum():
            bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep() - 40))
        else:
            self.w.move_selection(1)

    # --- bookmarks, read state ------------------------------------------------------------------

    def _toggle(self, ids: list[int], flag: str, on: bool | None, undo_text: str) -> None:
        """Set ``flag`` ("bookmarked" or "read") on ``ids``; None: on unless all have it. A change
        to several articles can be undone (only those it changed go back)."""
        lib = self.library
        if lib is None or not ids:
            return
        rows = lib.rows(ids)
        if on is None:
            on = not all(getattr(r, flag) for r in rows.values())
        changed = [i for i, r in rows.items() if getattr(r, flag) != on]
        setter = lib.set_bookmarked if flag == "bookmarked" else lib.set_read
        value = on
        if len(ids) > 1:  # Undo acts on this same library (reading.undo checks it is still open)
            back = not on
            self._remember(undo_text, lambda _lib: setter(changed, back))
        self._write(lambda: setter(ids, value), lambda: self.after_user_change(ids))

    def set_bookmark(self, ids: list[int], on: bool | None) -> None:
        self._toggle(ids, "bookmarked", on, self.tr("Undo bookmark"))

    def toggle_bookmark(self) -> None:
        self.set_bookmark(self.w.selected_ids(), None)

    def toggle_read(self) -> None:
        self.read_timer.stop()  # the reader decided: the timer must not undo it
        self._toggle(self.w.selected_ids(), "read", None, self.tr("Undo read change"))

    def mark_all_read(self) -> None:
        """Mark every article of the list read; a long list is written in the background (a
        million articles take seconds), with the progress bar busy meanwhile. Undo restores the
        articles that were unread."""
        w = self.w
        lib = self.library
        if lib is None or (self.bulk_job is not None and self.bulk_job.isRunning()):
            return
        ids = w.model.ids()
        if not ids:
            return
        query = w.browse.compose_query()

        def change() -> list[int]:
            unread = list(lib.query_id_array(f"{query} is:unread".strip()))
            lib.set_read(ids, True)
            return unread

        def remember(unread: list[int]) -> None:
            if unread:
                self._remember(self.tr("Undo mark all as read"), lambda lb: lb.set_read(unread, False))

        if len(ids) <= w.BACKGROUND_CHANGE:
            remember(change())
            self.after_user_change(ids, refresh_viewer=False)
            w.bulkChangeFinished.emit()
            return
        job = CallJob(lib, change, self)
        self.bulk_job = job
        w.progress.setRange(0, 0)  # busy
        w.progress.setFormat(self.tr("Marking %1 articles read…").replace("%1", str(len(ids))))
        w.progress.show()

        def finished(result: object) -> None:
            w.progress.hide()
            w.progress.setRange(0, 100)
            if self.library is lib:
                remember(list(result) if isinstance(result, list) else [])
                w.model.refresh_all()
                self.after_user_change([], refresh_viewer=False)
            w.bulkChangeFinished.emit()

        def failed(message: str) -> None:
            w.progress.hide()
            QMessageBox.warning(w, self.tr("Mark all as read"), message)
            w.bulkChangeFinished.emit()

        job.done.connect(finished)
        job.failed.connect(failed)
        job.start()

    # --- Undo -----------------------------------------------------------------------------------

    def _remember(self, text: str, undo: Callable[[Library], object]) -> None:
        if self.library is None:
            return
        self.undo_step = UndoStep(text, undo, self.library)
        self.w.undo_changed(text)

    def undo(self) -> None:
        step, self.undo_step = self.undo_step, None
        self.w.undo_changed(None)
        if step is None or step.library is not self.library:
            return

        def shown() -> None:
            self.w.model.refresh_all()
            self.after_user_change([], refresh_viewer=True)
            if self.current_id is not None:
                self.after_user_change([self.current_id])
            self.w.statusBar().showMessage(self.tr("Undone"), 3000)

        lib = step.library
        self._write(lambda: step.undo(lib), shown)  # after the change it undoes, if that waits

    # --- tags -------------------------------------------------------------------------------------

    def edit_tags(self) -> None:
        ids = self.w.selected_ids()
        lib = self.library
        if lib is None or not ids:
            return
        current = set(lib.tags_of(ids[0])) if len(ids) == 1 else set()
        dlg = TagEditor([t for t, _ in lib.user_tags()], sorted(current), len(ids), self.w)
        if dlg.exec():
            new = set(dlg.tags())
            self.apply_tags(ids, add=sorted(new - current),
                            remove=sorted(current - new) if len(ids) == 1 else [])

    def apply_tags(self, ids: list[int], add: list[str], remove: list[str] | None = None) -> None:
        lib = self.library
        if lib is None:
            return
        if add:
            had: dict[str, set[int]] = {t: set() for t in add}  # the articles that already carried each added tag
            if len(ids) > 1:
                for aid in ids:
                    for t in lib.tags_of(aid):
                        if t in had:
                            had[t].add(aid)
            if len(ids) > 1:
                def undo_add(lb: Library) -> None:
                    for t in add:
                        lb.remove_tags([i for i in ids if i not in had[t]], [t])
                self._remember(self.tr("Undo tagging"), undo_add)

        def write() -> None:
            if add:
                lib.add_tags(ids, add)
            if remove:
                lib.remove_tags(ids, remove)

        self._write(write, lambda: self.after_user_change(ids))

    def rename_tag(self, name: str) -> None:
        lib = self.library
        if lib is None:
            return
        new, ok = QInputDialog.getText(self.w, self.tr("Rename tag"), self.tr("New name:"), text=name)
        if ok and new.strip() and new.strip() != name:
            lib.rename_tag(name, new.strip())
            self.after_user_change([])

    def delete_tag(self, name: str) -> None:
        lib = self.library
        if lib is None:
            return
        answer = QMessageBox.question(
            self.w, self.tr("Delete tag"),
            self.tr("Remove the tag “%1” from every article?").replace("%1", name))
        if answer == QMessageBox.StandardButton.Yes:
            lib.delete_tag(name)
            self.after_user_change([])

    # --- after a change ---------------------------------------------------------------------------

    def after_user_change(self, ids: list[int], refresh_viewer: bool = True) -> None:
        w = self.w
        w.model.refresh_rows(ids)
        w.refresh_sidebar(archive_changed=False)
        lib = self.library
        if refresh_viewer and self.current_id in ids and lib is not None:
            art = lib.article(self.current_id)
            if art is not None:
                bar = w.viewer.verticalScrollBar().value()
                w.viewer.show_article(art, w.viewer._highlight_terms)
                w.viewer.verticalScrollBar().setValue(bar)
                w.set_bookmark_label(art.bookmarked)
        if w.browse.filtered():
            w.refresh_list()  # the article may have left or joined the current filter
