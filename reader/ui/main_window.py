"""The main window's shell: sidebar | article list | viewer, the menus, toolbar, splitter and
settings. The work behind it lives in rooms of its own: ``browse`` (the list, search, filters,
Back/Forward), ``reading`` (reading actions, read state, tags, Undo), ``importing`` (imports and
watched folders) and ``documents`` (PDF, printing, the reader's data files, About).

The window keeps thin methods with the names the tests, the benchmarks and ``app`` call
(``show_security``, ``start_import``, ``toggle_read``…), each handing over to its room.

Over the ~400-line rule on purpose: besides the shell, it declares the typed names the rooms
fill in (widgets, actions) and keeps the one-line hand-offs the tests, benchmarks and ``app``
call; neither holds logic.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QObject,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QWidget,
)

from reader import APP_TITLE
from reader.core.library import Library, LibraryError
from reader.core.securities import QUOTE_URL
from reader.core.store import copy_library_folder
from reader.ui import actions, documents, window_settings
from reader.ui import trending_view as moved
from reader.ui.archives import ArchiveController
from reader.ui.article_model import ArticleTableModel
from reader.ui.browse import BrowseController
from reader.ui.core_words import exchange_name
from reader.ui.dialogs import ShortcutsDialog
from reader.ui.find_bar import FindBar
from reader.ui.importing import ImportController
from reader.ui.jobs import CallJob
from reader.ui.layout import build_widgets
from reader.ui.process_job import ProcessJob
from reader.ui.reading import ReadingController
from reader.ui.securities_panel import SecuritiesPanel, TimelineWidget
from reader.ui.settings_dialog import ZOOM_MAX, ZOOM_MIN, SettingsDialog
from reader.ui.sidebar import Sidebar
from reader.ui.viewer import ArticleViewer


class MainWindow(QMainWindow):
    listUpdated = Signal()  # the list holds the whole result of the current query
    listShown = Signal()  # the list shows (at least the first rows of) the current query
    bulkChangeFinished = Signal()  # a background change to many articles has been written
    articleShown = Signal(int)
    importFinished = Signal(object)

    BACKGROUND_CHANGE = 2000  # more articles than this are changed off the GUI thread

    # widgets, made by ``layout.build_widgets``
    sidebar: Sidebar
    securities_panel: SecuritiesPanel
    left_tabs: QTabWidget
    table: QTableView
    viewer: ArticleViewer
    find_bar: FindBar
    filter_bar: QFrame
    filter_label: QLabel
    filter_back: QPushButton
    watch_button: QPushButton
    timeline: TimelineWidget
    co_label: QLabel
    welcome: QFrame
    welcome_label: QLabel
    welcome_button: QPushButton
    splitter: QSplitter
    middle_stack: QStackedWidget
    reader_pane: QWidget
    trending_view: moved.TrendingView
    search_box: QLineEdit
    search_error: QLabel
    search_error_action: QAction | None
    count_label: QLabel
    progress: QProgressBar
    cancel_button: QPushButton
    zoom_steps: int
    welcome_archive_button: QPushButton
    archives: ArchiveController  # archives from git, made with the actions
    # actions, made by ``actions.build_actions``
    act_add_archive: QAction
    act_update: QAction
    act_about: QAction
    act_back: QAction
    act_export_pdf: QAction
    act_export_user: QAction
    act_find: QAction
    act_forward: QAction
    act_help: QAction
    act_import: QAction
    act_import_files: QAction
    act_import_user: QAction
    act_last_report: QAction
    act_mark_all: QAction
    act_next: QAction
    act_next_unread: QAction
    act_original: QAction
    act_page: QAction
    act_prev: QAction
    act_print: QAction
    act_quit: QAction
    act_read: QAction
    act_save_search: QAction
    act_search: QAction
    act_serif: QAction
    act_settings: QAction
    act_sidebar: QAction
    act_star: QAction
    act_tag: QAction
    act_theme: QAction
    act_undo: QAction
    act_zoom_in: QAction
    act_zoom_out: QAction
    act_zoom_reset: QAction

    def __init__(self, library: Library | None, *, demo: bool = False,
                 user_library_path: Path | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setObjectName("MainWindow")
        self.settings = settings or QSettings()
        self.library: Library | None = None
        self.demo = demo
        self.user_library_path = user_library_path
        self.backup_job: CallJob | None = None  # today's backup of the reader's data
        self.model = ArticleTableModel(None, self)
        self.browse = BrowseController(self)
        self.reading = ReadingController(self)
        self.importer = ImportController(self)
        self.model.sortRequested.connect(lambda *_: self.refresh_list())

        build_widgets(self)
        actions.build_actions(self)
        window_settings.restore_settings(self)
        self.setAcceptDrops(True)
        for w in (self.table.viewport(), self.viewer.viewport(), self.sidebar.viewport()):
            w.installEventFilter(self)  # the mouse's back and forward buttons
        self.set_library(library, demo=demo)

    # --- the rooms' state, under the names the tests and benchmarks use --------------------------

    @property
    def current_id(self) -> int | None:
        return self.reading.current_id

    @property
    def base_query(self) -> str:
        return self.browse.view.base_query

    @base_query.setter
    def base_query(self, query: str) -> None:
        self.browse.view = replace(self.browse.view, base_query=query)

    @property
    def search_text(self) -> str:
        return self.browse.search_text

    @property
    def security_filter(self) -> str | None:
        return self.browse.view.security

    @property
    def mark_read_delay_ms(self) -> int:
        return self.reading.mark_read_delay_ms

    @property
    def read_timer(self) -> QTimer:
        return self.reading.read_timer

    @property
    def bulk_job(self) -> CallJob | None:
        return self.reading.bulk_job

    @property
    def import_job(self) -> ProcessJob | None:
        return self.importer.job

    # --- actions -----------------------------------------------------------------------------------

    def set_bookmark_label(self, bookmarked: bool) -> None:
        self.act_star.setText(("★ " if bookmarked else "☆ ") + self.tr("Bookmark"))

    def history_changed(self) -> None:
        if hasattr(self, "act_back"):
            self.act_back.setEnabled(bool(self.browse.back_stack))
            self.act_forward.setEnabled(bool(self.browse.forward_stack))

    def undo_changed(self, text: str | None) -> None:
        self.act_undo.setEnabled(text is not None)
        self.act_undo.setText(text or self.tr("Undo"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.BackButton:
                self.browse.back()
                return True
            if event.button() == Qt.MouseButton.ForwardButton:
                self.browse.forward()
                return True
        return super().eventFilter(watched, event)

    # --- settings ----------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.importer.stop()
        self.reading.writes.wait(60)  # the reader's changes made during an import are stored
        if self.backup_job is not None:
            self.backup_job.wait()  # a backup being written is finished, never cut short
        self.archives.stop()
        if self.reading.bulk_job is not None:
            self.reading.bulk_job.wait()  # a change being written is finished, never cut short
        self.reading.read_timer.stop()  # closing is not reading
        moved.leave(self)  # the splitter is saved with the list and the reader shown
        window_settings.save_settings(self)
        self.browse.runner.release()
        super().closeEvent(event)

    def save_settings(self) -> None:
        window_settings.save_settings(self)

    def open_settings(self) -> None:
        window_settings.open_settings(self)

    def apply_settings_dialog(self, dlg: SettingsDialog) -> None:
        window_settings.apply_settings_dialog(self, dlg)

    # --- the library -------------------------------------------------------------------------------

    def set_library(self, library: Library | None, *, demo: bool = False) -> None:
        if self.backup_job is not None:
            self.backup_job.wait()  # it holds the library being replaced
        self.reading.writes.wait(60)  # the reader's changes to the library being replaced
        self.browse.runner.release()  # the worker lets go of the library being replaced
        self.library = library
        self.demo = demo
        if library is not None:
            library.use_small_cache()  # the window's reads: rows and an article at a time
        self.browse.runner.library = library
        self.model.set_library(library)
        self.welcome.setVisible(demo)
        # Qt adds the application's name to the title itself
        self.setWindowTitle(self.tr("Sample archive") if demo else APP_TITLE)
        self.reading.clear_article()
        self.reading.undo_step = None
        self.undo_changed(None)
        self.viewer.show_article(None)
        moved.leave(self)
        self.trending_view.set_library(library)
        # the reading counts now; the archive's counts (long at a million) after the first paint
        self.sidebar.populate(library, archive=False)
        self.browse.reset()
        self.refresh_list()
        self.browse.after_first_paint(self.refresh_sidebar)
        self.viewer.security_info = self._security_tooltip
        self.importer.watch_folders()
        if library is not None and not demo and self.watched_folders():
            QTimer.singleShot(1500, self.import_watched)  # catch up with a `git pull` made meanwhile

    def switch_library(self, folder: Path, *, move: bool = False) -> bool:
        try:
            if move and self.library is not None:
                copy_library_folder(self.library.folder, folder)
            lib = Library.open(folder)
        except (LibraryError, OSError) as exc:
            QMessageBox.critical(self, self.tr("Library"), str(exc))
            return False
        old = self.library
        self.settings.setValue("library/path", str(folder))
        self.user_library_path = folder
        self.set_library(lib, demo=False)
        if old is not None:
            old.close()
        return True

    def refresh_sidebar(self, *, archive_changed: bool = True) -> None:
        """Rebuild the sidebar (and the Securities panel). After the reader's own changes
        (``archive_changed=False``) categories, sources and securities cannot have changed: their
        counts are kept, and only the reading counts, tags, saved searches and watchlist are read."""
        self.sidebar.populate(self.library, reuse_archive_counts=not archive_changed)
        if archive_changed:
            self.securities_panel.set_library(self.library)
            if self.trending_shown:
                self.trending_view.reload()  # an import may have added the day's news

    def _security_tooltip(self, secid: str) -> str:
        if self.library is None:
            return ""
        info = self.library.security(secid)
        if info is None:
            return secid
        return (f"{info.name}  {info.symbol}\n{exchange_name(info.market)}\n"
                + self.tr("%1 articles in the library").replace("%1", str(info.articles)))

    # --- the list (browse) -------------------------------------------------------------------------

    def refresh_list(self) -> None:
        self.browse.refresh_list()

    def compose_query(self) -> str:
        return self.browse.compose_query()

    def show_security(self, secid: str) -> None:
        moved.leave(self)
        self.browse.show_security(secid)

    def show_trending(self, day: Any = None) -> None:
        """The What moved page for ``day`` (None: the newest day with articles)."""
        moved.enter(self, day)

    def leave_trending(self) -> None:
        moved.leave(self)

    @property
    def trending_shown(self) -> bool:
        return moved.shown(self)

    def clear_security_filter(self) -> None:
        self.browse.clear_security_filter()

    def filter_day(self, day: Any) -> None:
        self.browse.filter_day(day)

    def set_search(self, text: str) -> None:
        self.browse.set_search(text)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        out = [i for i in (self.model.id_at(r) for r in rows) if i is not None]
        if not out and self.current_id is not None:
            out = [self.current_id]
        return out

    def on_current_row(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            aid = self.model.id_at(current.row())
            if aid is not None and aid != self.current_id:
                self.open_article(aid)

    def on_clicked(self, index: Any) -> None:
        if index.column() == ArticleTableModel.COL_STAR:
            aid = self.model.id_at(index.row())
            if aid is not None:
                self.reading.set_bookmark([aid], None)

    def move_selection(self, step: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            return
        cur = self.table.currentIndex().row()
        self.select_row(0 if cur < 0 else max(0, min(n - 1, cur + step)))

    def select_row(self, row: int) -> None:
        idx = self.model.index(row, ArticleTableModel.COL_TITLE)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(idx, flags)
        self.table.scrollTo(idx)

    # --- reading -----------------------------------------------------------------------------------

    def open_article(self, aid: int) -> None:
        self.reading.open_article(aid)

    def toggle_bookmark(self) -> None:
        self.reading.toggle_bookmark()

    def toggle_read(self) -> None:
        self.reading.toggle_read()

    def mark_all_read(self) -> None:
        self.reading.mark_all_read()

    def apply_tags(self, ids: list[int], add: list[str], remove: list[str] | None = None) -> None:
        self.reading.apply_tags(ids, add, remove)

    def set_watched(self, secid: str, on: bool) -> None:
        if self.library is None:
            return
        (self.library.watch if on else self.library.unwatch)([secid])
        self.refresh_sidebar(archive_changed=False)
        self.securities_panel.refresh()  # its watched marks
        if self.trending_shown:
            self.trending_view.reload()  # and the page's
        if self.browse.view.security == secid:
            self.update_watch_button(secid)

    def update_watch_button(self, secid: str) -> None:
        watched = self.library is not None and secid in self.library.watchlist()
        self.watch_button.setText(self.tr("★ Watching") if watched else self.tr("☆ Watch"))
        self.watch_button.setToolTip(self.tr("Remove from watchlist") if watched
                                     else self.tr("Add to watchlist"))
        self.watch_button.setChecked(watched)

    def toggle_watch_current(self) -> None:
        secid = self.browse.view.security
        if secid and self.library is not None:
            self.set_watched(secid, secid not in self.library.watchlist())

    # --- importing ---------------------------------------------------------------------------------

    def watched_folders(self) -> list[str]:
        return self.importer.watched_folders()

    def import_watched(self) -> ProcessJob | None:
        return self.importer.import_watched()

    def import_folder_dialog(self) -> None:
        self.importer.import_folder_dialog()

    def start_import(self, paths: list[str], workers: int | None = None, quiet: bool = False,
                     watch: bool | None = None) -> ProcessJob | None:
        return self.importer.start(paths, workers=workers, quiet=quiet, watch=watch)

    def cancel_import(self) -> None:
        self.importer.cancel()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.start_import(paths)

    # --- view --------------------------------------------------------------------------------------

    def zoom(self, steps: int) -> None:
        """``steps`` larger or smaller (0: actual size), within what Settings can show; saved at
        once, so that Settings shows the current size and its OK keeps it."""
        target = 0 if steps == 0 else max(ZOOM_MIN, min(ZOOM_MAX, self.zoom_steps + steps))
        self.viewer.zoom(target - self.zoom_steps)
        self.zoom_steps = target
        self.settings.setValue("view/zoom", target)

    def toggle_theme(self) -> None:
        dark = self.act_theme.isChecked()
        self.settings.setValue("view/theme", "dark" if dark else "light")
        app = QApplication.instance()
        if app is not None and hasattr(app, "apply_theme"):
            app.apply_theme(dark)
        self.viewer.set_theme(dark)

    def toggle_serif(self) -> None:
        self.viewer.set_theme(self.viewer.dark, self.act_serif.isChecked())
        self.settings.setValue("view/serif", "true" if self.act_serif.isChecked() else "false")

    def toggle_sidebar(self) -> None:
        """F9: the sidebar folds away and the reader gets its width (small screens)."""
        self.left_tabs.setVisible(self.act_sidebar.isChecked())

    # --- links and menus ---------------------------------------------------------------------------

    def open_link(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == "security":
            self.show_security(url.path() or url.toString().split(":", 1)[1])
        elif scheme in ("http", "https"):
            if self.confirm_open_external(url):
                QDesktopServices.openUrl(url)
        else:
            self.statusBar().showMessage(
                self.tr("Link not followed: %1").replace("%1", url.toString()[:80]), 5000)

    def confirm_open_external(self, url: QUrl) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Open in browser?"),
            self.tr("Open this link in your web browser?\n\n%1").replace("%1", url.toString()))
        return answer == QMessageBox.StandardButton.Yes

    def open_original(self) -> None:
        art = self.viewer.article
        if art is not None and art.url:
            self.open_link(QUrl(art.url))

    def open_quote_page(self, secid: str) -> None:
        self.open_link(QUrl(QUOTE_URL.format(secid=secid)))

    # --- files and help ----------------------------------------------------------------------------

    def export_pdf(self, path: str | None = None) -> str | None:
        return documents.export_pdf(self, path)

    def print_article(self) -> None:
        documents.print_article(self)

    def start_daily_backup(self) -> CallJob | None:
        return documents.start_daily_backup(self)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

