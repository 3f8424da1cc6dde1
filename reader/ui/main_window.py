"""The main window: sidebar | article list | viewer, with search, import, bookmarks and tags."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QFileSystemWatcher,
    QItemSelectionModel,
    QModelIndex,
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
    QKeySequence,
    QPageSize,
    QPdfWriter,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader import APP_TITLE, __version__
from reader.core import folders, secindex
from reader.core.importer import ImportReport
from reader.core.library import Library, LibraryError
from reader.core.securities import QUOTE_URL
from reader.core.store import copy_library_folder
from reader.ui.article_model import ArticleTableModel
from reader.ui.dialogs import ImportReportDialog, ShortcutsDialog, TagEditor
from reader.ui.jobs import CallJob, ImportJob, QueryRunner, release_freed_memory
from reader.ui.securities_panel import SecuritiesPanel, TimelineWidget
from reader.ui.settings_dialog import SettingsDialog
from reader.ui.sidebar import Sidebar
from reader.ui.viewer import ArticleViewer

SEARCH_DEBOUNCE_MS = 250


class FindBar(QFrame):
    """Find in page (Ctrl+F): highlights every match, Enter for the next."""

    def __init__(self, viewer: ArticleViewer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.viewer = viewer
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("Find in article"))
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel(self)
        close = QToolButton(self)
        close.setText("✕")
        close.clicked.connect(self.close_bar)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.count)
        lay.addWidget(close)
        self.edit.textChanged.connect(self._changed)
        self.edit.returnPressed.connect(lambda: self.viewer.find_next(self.edit.text()))
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.viewer.find_all("")
        self.hide()

    def _changed(self, text: str) -> None:
        n = self.viewer.find_all(text)
        self.count.setText(self.tr("%n match(es)", "", n) if text else "")
        if text:
            self.viewer.find_next(text)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    listUpdated = Signal()  # the list holds the whole result of the current query
    listShown = Signal()  # the list shows (at least the first rows of) the current query
    bulkChangeFinished = Signal()  # a background change to many articles has been written
    articleShown = Signal(int)
    importFinished = Signal(object)

    def __init__(self, library: Library | None, *, demo: bool = False,
                 user_library_path: Path | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setObjectName("MainWindow")
        self.settings = settings or QSettings()
        self.library: Library | None = None
        self.demo = demo
        self.user_library_path = user_library_path
        self.base_query = ""
        self.base_label = self.tr("All articles")
        self.security_filter: str | None = None
        self.day_filter: str | None = None
        self.search_text = ""
        self.current_id: int | None = None
        self.import_job: ImportJob | None = None
        self.last_report: ImportReport | None = None
        self.mark_read_delay_ms = int(self.settings.value("reader/markReadDelayMs", 1500))
        self._opened_from_search = ""
        self._partial = False  # the list shows only the first page of a large result
        self.bulk_job: CallJob | None = None

        self.model = ArticleTableModel(None, self)
        self.runner = QueryRunner(self)
        self.runner.resultReady.connect(self._on_ids)
        self.runner.firstPageReady.connect(self._on_first_page)
        self.runner.queryFailed.connect(self._on_query_failed)
        self.model.sortRequested.connect(lambda *_: self.refresh_list())

        self._build_widgets()
        self._build_actions()
        self._restore_settings()
        self.setAcceptDrops(True)

        self.read_timer = QTimer(self)
        self.read_timer.setSingleShot(True)
        self.read_timer.timeout.connect(self._mark_current_read)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self._apply_search)
        self.fs_watcher = QFileSystemWatcher(self)
        self.fs_watcher.directoryChanged.connect(lambda _p: self.watch_timer.start())
        self.watch_timer = QTimer(self)
        self.watch_timer.setSingleShot(True)
        self.watch_timer.setInterval(3000)
        self.watch_timer.timeout.connect(self.import_watched)

        self.set_library(library, demo=demo)

    # --- construction ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sidebar = Sidebar(self)
        self.securities_panel = SecuritiesPanel(self)
        self.securities_panel.securityChosen.connect(self.show_security)
        self.securities_panel.watchToggled.connect(self.set_watched)
        self.securities_panel.quoteRequested.connect(self.open_quote_page)
        self.left_tabs = QTabWidget(self)
        self.left_tabs.setDocumentMode(True)
        self.left_tabs.addTab(self.sidebar, self.tr("Library"))
        self.left_tabs.addTab(self.securities_panel, self.tr("Securities"))
        self.sidebar.filterChosen.connect(self._on_sidebar_filter)
        self.sidebar.renameTagRequested.connect(self.rename_tag)
        self.sidebar.deleteTagRequested.connect(self.delete_tag)
        self.sidebar.deleteSavedSearchRequested.connect(self.delete_saved_search)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ArticleTableModel.COL_TIME, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(ArticleTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        hh.setStretchLastSection(False)
        hh.setHighlightSections(False)
        hh.setMinimumSectionSize(24)
        self.table.setColumnWidth(ArticleTableModel.COL_STAR, 26)
        fm = self.table.fontMetrics()
        self.table.setColumnWidth(ArticleTableModel.COL_TIME, fm.horizontalAdvance("2022-05-30 22:00") + 18)
        self.table.setColumnWidth(ArticleTableModel.COL_SOURCE, fm.horizontalAdvance("中国证券报") + 14)
        self.table.setColumnWidth(ArticleTableModel.COL_SECURITIES, fm.horizontalAdvance("贵州茅台、宁德") + 14)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._list_menu)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.clicked.connect(self._on_clicked)

        self.viewer = ArticleViewer(self)
        self.viewer.linkActivated.connect(self.open_link)
        self.viewer.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.viewer.customContextMenuRequested.connect(self._viewer_menu)
        self.find_bar = FindBar(self.viewer, self)

        # filter bar: what the list shows, with one click back
        self.filter_bar = QFrame(self)
        self.filter_bar.setObjectName("filterBar")
        fb = QHBoxLayout(self.filter_bar)
        fb.setContentsMargins(8, 4, 8, 4)
        self.filter_label = QLabel(self.filter_bar)
        self.filter_label.setTextFormat(Qt.TextFormat.PlainText)
        self.filter_back = QPushButton(self.tr("✕ Clear filter"), self.filter_bar)
        self.filter_back.setFlat(True)
        self.filter_back.clicked.connect(self.clear_security_filter)
        self.timeline = TimelineWidget(self.filter_bar)
        self.timeline.dayClicked.connect(self.filter_day)
        self.co_label = QLabel(self.filter_bar)
        self.co_label.setWordWrap(True)
        self.co_label.linkActivated.connect(lambda link: self.show_security(link.split(":", 1)[1]))
        top = QHBoxLayout()
        top.addWidget(self.filter_label, 1)
        top.addWidget(self.filter_back)
        fbv = QVBoxLayout()
        fbv.setSpacing(2)
        fbv.addLayout(top)
        fbv.addWidget(self.timeline)
        fbv.addWidget(self.co_label)
        fb.addLayout(fbv, 1)
        self.filter_bar.hide()

        # welcome panel (demo library)
        self.welcome = QFrame(self)
        self.welcome.setObjectName("welcome")
        self.welcome.setStyleSheet("#welcome { background: palette(alternate-base); "
                                   "border-bottom: 1px solid palette(mid); }")
        wl = QHBoxLayout(self.welcome)
        wl.setContentsMargins(12, 8, 12, 8)
        self.welcome_label = QLabel(self.welcome)
        self.welcome_label.setWordWrap(True)
        self.welcome_label.setText(self.tr(
            "<b>Welcome to Finews Reader.</b> You are looking at a small sample archive. "
            "Import your own folder of finews posts (a Jekyll <i>_posts</i> folder or the whole "
            "archive) to build your library; the sample stays separate."))
        self.welcome_button = QPushButton(self.tr("Import your archive…"), self.welcome)
        self.welcome_button.setDefault(True)
        self.welcome_button.clicked.connect(self.import_folder_dialog)
        wl.addWidget(self.welcome_label, 1)
        wl.addWidget(self.welcome_button)

        middle = QWidget(self)
        ml = QVBoxLayout(middle)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.setSpacing(0)
        ml.addWidget(self.filter_bar)
        ml.addWidget(self.table, 1)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(0)
        rl.addWidget(self.viewer, 1)
        rl.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.left_tabs)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([300, 520, 460])
        self.splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.welcome)
        cl.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("Search  (Ctrl+K)   e.g. 降准 sec:600519 is:unread"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(320)
        self.search_box.textChanged.connect(lambda _t: self.search_timer.start())
        self.search_box.returnPressed.connect(self._apply_search_now)

        self.count_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self.statusBar().addPermanentWidget(self.count_label)

    def _action(self, text: str, slot: Any, shortcut: str | QKeySequence | list[Any] | None = None,
                tip: str = "") -> QAction:
        act = QAction(text, self)
        act.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            act.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
        if tip:
            act.setToolTip(tip)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        A = self._action  # noqa: N806
        self.act_import = A(self.tr("&Import folder…"), self.import_folder_dialog, "Ctrl+I")
        self.act_import_files = A(self.tr("Import &files…"), self.import_files_dialog)
        self.act_export_pdf = A(self.tr("Export article as &PDF…"), self.export_pdf, "Ctrl+Shift+E")
        self.act_print = A(self.tr("&Print article…"), self.print_article, QKeySequence.StandardKey.Print)
        self.act_export_user = A(self.tr("Export my data…"), self.export_user_data)
        self.act_import_user = A(self.tr("Import my data…"), self.import_user_data)
        self.act_settings = A(self.tr("&Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences)
        self.act_quit = A(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        self.act_search = A(self.tr("Search"), self.focus_search, ["Ctrl+K", "/"])
        self.act_find = A(self.tr("Find in article"), self.find_bar.open_bar, QKeySequence.StandardKey.Find)
        self.act_save_search = A(self.tr("Save search…"), self.save_search)
        self.act_next = A(self.tr("Next article"), lambda: self.move_selection(1), ["J"])
        self.act_prev = A(self.tr("Previous article"), lambda: self.move_selection(-1), ["K"])
        self.act_next_unread = A(self.tr("Next unread"), self.next_unread, "N")
        self.act_page = A(self.tr("Page down / next"), self.page_or_next, "Space")
        self.act_star = A(self.tr("Bookmark"), self.toggle_bookmark, "S", self.tr("Bookmark (S)"))
        self.act_tag = A(self.tr("Tag…"), self.edit_tags, "T", self.tr("Tag (T)"))
        self.act_read = A(self.tr("Toggle read"), self.toggle_read, "R")
        self.act_mark_all = A(self.tr("Mark all as read"), self.mark_all_read, "Ctrl+Shift+R")
        self.act_original = A(self.tr("Open original"), self.open_original, "O")
        self.act_zoom_in = A(self.tr("Zoom in"), lambda: self.zoom(1), ["Ctrl+=", "Ctrl++"])
        self.act_zoom_out = A(self.tr("Zoom out"), lambda: self.zoom(-1), "Ctrl+-")
        self.act_zoom_reset = A(self.tr("Actual size"), lambda: self.zoom(0), "Ctrl+0")
        self.act_theme = A(self.tr("Dark theme"), self.toggle_theme, "Ctrl+Shift+D")
        self.act_theme.setCheckable(True)
        self.act_serif = A(self.tr("Serif font"), self.toggle_serif)
        self.act_serif.setCheckable(True)
        self.act_help = A(self.tr("Keyboard shortcuts"), self.show_shortcuts, ["F1", "?"])
        self.act_about = A(self.tr("About Finews Reader"), self.show_about)
        for act in (self.act_next, self.act_prev, self.act_next_unread, self.act_page, self.act_star,
                    self.act_tag, self.act_read, self.act_original):
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        mb = self.menuBar()
        m = mb.addMenu(self.tr("&File"))
        for a in (self.act_import, self.act_import_files, None, self.act_export_pdf, self.act_print, None,
                  self.act_export_user, self.act_import_user, None, self.act_settings, None, self.act_quit):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu(self.tr("&Article"))
        for a in (self.act_star, self.act_tag, self.act_read, self.act_mark_all, None, self.act_next,
                  self.act_prev, self.act_next_unread, self.act_page, None, self.act_original, self.act_find):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu(self.tr("&View"))
        for a in (self.act_search, self.act_save_search, None, self.act_zoom_in, self.act_zoom_out,
                  self.act_zoom_reset, None, self.act_theme, self.act_serif):
            m.addSeparator() if a is None else m.addAction(a)
        m = mb.addMenu(self.tr("&Help"))
        m.addAction(self.act_help)
        m.addAction(self.act_about)

        tb = QToolBar(self.tr("Main"), self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tb.addAction(self.act_import)
        tb.addSeparator()
        tb.addWidget(self.search_box)
        tb.addAction(self.act_save_search)
        tb.addSeparator()
        self.act_star.setText("☆ " + self.tr("Bookmark"))
        tb.addAction(self.act_star)
        tb.addAction(self.act_tag)
        tb.addAction(self.act_read)
        tb.addAction(self.act_next_unread)
        self.addToolBar(tb)

    # --- settings ----------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        geo = s.value("window/geometry")
        if isinstance(geo, QByteArray | bytes) and geo:
            self.restoreGeometry(geo)
        else:
            self.resize(1280, 800)
        split = s.value("window/splitter")
        if isinstance(split, QByteArray | bytes) and split:
            self.splitter.restoreState(split)
        header = s.value("list/header")
        if isinstance(header, QByteArray | bytes) and header:
            self.table.horizontalHeader().restoreState(header)
        self.model.sort_field = str(s.value("list/sortField", "published"))
        self.model.sort_desc = str(s.value("list/sortDesc", "true")).lower() == "true"
        theme = str(s.value("view/theme", "system"))
        dark = self._system_dark() if theme == "system" else theme == "dark"
        serif = str(s.value("view/serif", "false")).lower() == "true"
        self.act_theme.setChecked(dark)
        self.act_serif.setChecked(serif)
        self.viewer.set_theme(dark, serif)
        self.zoom_steps = int(s.value("view/zoom", 0))
        self.viewer.zoom(self.zoom_steps)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("list/header", self.table.horizontalHeader().saveState())
        s.setValue("list/sortField", self.model.sort_field)
        s.setValue("list/sortDesc", "true" if self.model.sort_desc else "false")
        s.setValue("view/zoom", self.zoom_steps)
        s.setValue("view/serif", "true" if self.act_serif.isChecked() else "false")
        s.sync()

    @staticmethod
    def _system_dark() -> bool:
        hints = QApplication.styleHints()
        scheme = getattr(hints, "colorScheme", None)
        return bool(scheme is not None and scheme() == Qt.ColorScheme.Dark)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.import_job is not None and self.import_job.isRunning():
            self.import_job.cancel()
            self.import_job.wait(30000)
        if self.bulk_job is not None:
            self.bulk_job.wait()  # a change being written is finished, never cut short
        self._mark_current_read()
        self.save_settings()
        self.runner.release()
        super().closeEvent(event)

    # --- library -----------------------------------------------------------------------------

    def set_library(self, library: Library | None, *, demo: bool = False) -> None:
        self.runner.release()  # the worker lets go of the library being replaced
        self.library = library
        self.demo = demo
        self.runner.library = library
        self.model.set_library(library)
        self.welcome.setVisible(demo)
        title = APP_TITLE + (self.tr(" — sample archive") if demo else "")
        self.setWindowTitle(title)
        self.current_id = None
        self.viewer.show_article(None)
        self.refresh_sidebar()
        self.sidebar.select_query("", emit=False)
        self.refresh_list()
        self.viewer.security_info = self._security_tooltip
        self._watch_folders()
        if library is not None and not demo and self.watched_folders():
            QTimer.singleShot(1500, self.import_watched)  # catch up with a `git pull` made meanwhile

    # --- watched folders -----------------------------------------------------------------------

    def watched_folders(self) -> list[str]:
        return folders.watched_folders(self.library) if self.library is not None and not self.demo else []

    def _watch_folders(self) -> None:
        old = self.fs_watcher.directories()
        if old:
            self.fs_watcher.removePaths(old)
        dirs: list[str] = []
        for root in self.watched_folders():
            base = Path(root)
            if not base.is_dir():
                continue
            dirs.append(str(base))
            for child in sorted(base.iterdir()) if base.is_dir() else []:
                if child.is_dir() and not child.name.startswith(".") and len(dirs) < 200:
                    dirs.append(str(child))
        if dirs:
            self.fs_watcher.addPaths(dirs)

    def import_watched(self) -> ImportJob | None:
        """Import what changed in the watched folders, quietly, in the background."""
        targets = [f for f in self.watched_folders() if Path(f).is_dir()]
        if not targets or (self.import_job is not None and self.import_job.isRunning()):
            return None
        return self.start_import(targets, quiet=True)

    def _security_tooltip(self, secid: str) -> str:
        if self.library is None:
            return ""
        info = self.library.security(secid)
        if info is None:
            return secid
        return (f"{info.name}  {info.symbol}\n{info.exchange}\n"
                + self.tr("%1 articles in the library").replace("%1", str(info.articles)))

    # --- settings ------------------------------------------------------------------------------

    def open_settings(self) -> None:
        lib_path = str(self.library.folder) if self.library is not None else ""
        dlg = SettingsDialog(self.settings, lib_path, self.watched_folders(), self)
        if not dlg.exec():
            return
        self.apply_settings_dialog(dlg)

    def apply_settings_dialog(self, dlg: SettingsDialog) -> None:
        dlg.save()
        theme = str(self.settings.value("view/theme", "system"))
        dark = self._system_dark() if theme == "system" else theme == "dark"
        self.act_theme.setChecked(dark)
        app = QApplication.instance()
        if app is not None and hasattr(app, "apply_theme"):
            app.apply_theme(dark)
        self.act_serif.setChecked(str(self.settings.value("view/serif")) == "true")
        self.viewer.set_theme(dark, self.act_serif.isChecked())
        self.zoom(0)
        self.zoom(int(self.settings.value("view/zoom", 0)))
        self.mark_read_delay_ms = int(self.settings.value("reader/markReadDelayMs", 1500))
        if self.library is not None and not self.demo:
            folders.set_watched_folders(self.library, dlg.watched_folders())
            self._watch_folders()
        target = dlg.move_library_to or dlg.requested_library
        if target:
            self.switch_library(Path(target), move=bool(dlg.move_library_to))

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

    def compose_query(self) -> str:
        parts = [self.base_query]
        if self.security_filter:
            parts.append(f"sec:{self.security_filter}")
        if self.day_filter:
            parts.append(self.day_filter)
        parts.append(self.search_text)
        return " ".join(p for p in parts if p).strip()

    def refresh_list(self) -> None:
        """Re-run the current query off the GUI thread; the list updates when it returns."""
        self.runner.request(self.compose_query(), self.model.sort_field, self.model.sort_desc)

    def _on_first_page(self, ids: list[int], query: str) -> None:
        """A large result's first rows: shown at once, the rest of the list follows."""
        self._show_ids(ids, partial=True)
        self.listShown.emit()

    def _on_ids(self, ids: list[int], query: str) -> None:
        self._show_ids(ids, partial=False)
        # the previous list and the query's own copy are freed once this slot returns
        QTimer.singleShot(0, release_freed_memory)
        self.listShown.emit()
        self.listUpdated.emit()

    def _show_ids(self, ids: list[int], *, partial: bool) -> None:
        extended = not partial and self._partial and self.model.extend_to(ids)
        self._partial = partial
        first_load = not extended and self.model.rowCount() == 0 and self.current_id is None
        keep = self.current_id
        if not extended:
            self.model.set_ids(ids)
        if partial:
            self.count_label.setText(self.tr("Counting articles…"))
        else:
            self.count_label.setText(self.tr("%n article(s)", "", len(ids)))
            self._update_filter_bar(len(ids))
        sel = self.table.selectionModel()
        if keep is not None:
            row = self.model.row_of(keep)
            if row >= 0 and not sel.isRowSelected(row, QModelIndex()):
                sel.blockSignals(True)
                self.table.selectRow(row)
                sel.blockSignals(False)
        elif first_load and ids and not self.search_text:
            self.select_row(0)  # open the newest article rather than an empty page

    def _on_query_failed(self, message: str, query: str) -> None:
        self.statusBar().showMessage(self.tr("Search: %1").replace("%1", message), 6000)
        self.listUpdated.emit()

    def _update_filter_bar(self, n: int) -> None:
        if self.security_filter and self.library is not None:
            info = self.library.security(self.security_filter)
            name = f"{info.name} ({info.symbol}, {info.exchange})" if info else self.security_filter
            total = info.articles if info else n
            text = self.tr("Articles mentioning %1: %2").replace("%1", name).replace("%2", str(total))
            if self.day_filter:
                text += "  ·  " + self.tr("%1 on the chosen day").replace("%1", str(n))
            self.filter_label.setText(text)
            if not self.day_filter:
                self.timeline.selected = None
                self.timeline.set_counts(secindex.timeline(self.library, self.security_filter))
            co = secindex.co_mentions(self.library, self.security_filter)
            links = " ".join(f'<a href="security:{html.escape(s)}">{html.escape(nm or s)}</a>&nbsp;({c})'
                             for s, nm, c in co)
            self.co_label.setText(self.tr("Often mentioned with:") + " " + links if co else "")
            self.co_label.setVisible(bool(co))
            self.filter_bar.show()
        else:
            self.filter_bar.hide()

    def filter_day(self, day: Any) -> None:
        """Narrow the security's articles to the day (or week) of a timeline bar."""
        import datetime as dt

        nxt = day + dt.timedelta(days=self.timeline.bucket_days)
        self.day_filter = f"after:{day.isoformat()} before:{nxt.isoformat()}"
        self.refresh_list()

    def set_watched(self, secid: str, on: bool) -> None:
        if self.library is None:
            return
        (self.library.watch if on else self.library.unwatch)([secid])
        self.refresh_sidebar(archive_changed=False)
        self.securities_panel.refresh()  # its watched marks

    def open_quote_page(self, secid: str) -> None:
        self.open_link(QUrl(QUOTE_URL.format(secid=secid)))

    def _on_sidebar_filter(self, query: str, label: str) -> None:
        self.base_query = query
        self.base_label = label
        self.security_filter = None
        self.day_filter = None
        self.refresh_list()

    def show_security(self, secid: str) -> None:
        """Filter the list to every article mentioning this security (a ``security:`` link)."""
        self.security_filter = secid
        self.day_filter = None
        self.base_query = ""
        self.search_text = ""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.sidebar.select_query("__none__", emit=False)
        self.refresh_list()

    def clear_security_filter(self) -> None:
        self.security_filter = None
        self.day_filter = None
        self.sidebar.select_query(self.base_query, emit=False)
        self.refresh_list()

    # --- search ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _apply_search_now(self) -> None:
        self.search_timer.stop()
        self._apply_search()

    def _apply_search(self) -> None:
        text = self.search_box.text().strip()
        if text == self.search_text:
            return
        self.search_text = text
        self.refresh_list()

    def set_search(self, text: str) -> None:
        self.search_box.setText(text)
        self._apply_search_now()

    def save_search(self) -> None:
        query = self.compose_query()
        if not query or self.library is None:
            self.statusBar().showMessage(self.tr("Type a search first"), 3000)
            return
        name, ok = QInputDialog.getText(self, self.tr("Save search"), self.tr("Name:"), text=self.search_text or query)
        if ok and name.strip():
            self.library.save_search(name.strip(), query)
            self.refresh_sidebar(archive_changed=False)

    def delete_saved_search(self, name: str) -> None:
        if self.library is not None:
            self.library.delete_saved_search(name)
            self.refresh_sidebar(archive_changed=False)

    # --- selection and reading ------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.id_at(r) for r in rows]
        out = [i for i in ids if i is not None]
        if not out and self.current_id is not None:
            out = [self.current_id]
        return out

    def _on_current_row(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            aid = self.model.id_at(current.row())
            if aid is not None and aid != self.current_id:
                self.open_article(aid)

    def _on_clicked(self, index: Any) -> None:
        if index.column() == ArticleTableModel.COL_STAR:
            aid = self.model.id_at(index.row())
            if aid is not None:
                self._set_bookmark([aid], None)

    def open_article(self, aid: int) -> None:
        if self.library is None:
            return
        self._mark_current_read()
        art = self.library.article(aid)
        self.current_id = aid if art is not None else None
        highlights = self.library.highlights(self.search_text) if self.search_text else []
        self.viewer.show_article(art, highlights)
        if art is not None:
            self.act_star.setText(("★ " if art.bookmarked else "☆ ") + self.tr("Bookmark"))
            if not art.read:
                self.read_timer.start(self.mark_read_delay_ms)
            self.articleShown.emit(aid)

    def _mark_current_read(self) -> None:
        if not self.read_timer.isActive() or self.current_id is None or self.library is None:
            self.read_timer.stop()
            return
        self.read_timer.stop()
        self.library.set_read([self.current_id], True)
        self.model.refresh_rows([self.current_id])

    def move_selection(self, step: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            return
        cur = self.table.currentIndex().row()
        row = 0 if cur < 0 else max(0, min(n - 1, cur + step))
        self.select_row(row)

    def select_row(self, row: int) -> None:
        idx = self.model.index(row, ArticleTableModel.COL_TITLE)
        self.table.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(idx)

    def next_unread(self) -> None:
        start = self.table.currentIndex().row() + 1
        n = self.model.rowCount()
        for row in list(range(start, n)) + list(range(0, max(0, start - 1))):
            r = self.model.article(row)
            if r is not None and not r.read and r.id != self.current_id:
                self.select_row(row)
                return
        self.statusBar().showMessage(self.tr("No more unread articles here"), 3000)

    def page_or_next(self) -> None:
        bar = self.viewer.verticalScrollBar()
        if bar.value() < bar.maximum():
            bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep() - 40))
        else:
            self.move_selection(1)

    def zoom(self, steps: int) -> None:
        if steps == 0:
            self.viewer.zoom(-self.zoom_steps)
            self.zoom_steps = 0
        else:
            self.viewer.zoom(steps)
            self.zoom_steps += steps

    def toggle_theme(self) -> None:
        dark = self.act_theme.isChecked()
        self.settings.setValue("view/theme", "dark" if dark else "light")
        app = QApplication.instance()
        if app is not None and hasattr(app, "apply_theme"):
            app.apply_theme(dark)
        self.viewer.set_theme(dark)

    def toggle_serif(self) -> None:
        self.viewer.set_theme(self.viewer.dark, self.act_serif.isChecked())

    # --- the reader's data ---------------------------------------------------------------------

    def _set_bookmark(self, ids: list[int], on: bool | None) -> None:
        if self.library is None or not ids:
            return
        if on is None:
            rows = self.library.rows(ids)
            on = not all(r.bookmarked for r in rows.values())
        self.library.set_bookmarked(ids, on)
        self._after_user_change(ids)

    def toggle_bookmark(self) -> None:
        self._set_bookmark(self.selected_ids(), None)

    def toggle_read(self) -> None:
        ids = self.selected_ids()
        if self.library is None or not ids:
            return
        self.read_timer.stop()
        rows = self.library.rows(ids)
        read = not all(r.read for r in rows.values())
        self.library.set_read(ids, read)
        self._after_user_change(ids)

    BACKGROUND_CHANGE = 2000  # more articles than this are changed off the GUI thread

    def mark_all_read(self) -> None:
        """Mark every article of the list read; a long list is written in the background (a
        million articles take seconds), with the progress bar busy meanwhile."""
        if self.library is None or (self.bulk_job is not None and self.bulk_job.isRunning()):
            return
        ids = self.model.ids()
        if len(ids) <= self.BACKGROUND_CHANGE:
            self.library.set_read(ids, True)
            self._after_user_change(ids, refresh_viewer=False)
            return
        lib = self.library
        job = CallJob(lib, lambda: lib.set_read(ids, True), self)
        self.bulk_job = job
        self.progress.setRange(0, 0)  # busy
        self.progress.setFormat(self.tr("Marking %1 articles read…").replace("%1", str(len(ids))))
        self.progress.show()

        def finished(_result: object) -> None:
            self.progress.hide()
            self.progress.setRange(0, 100)
            if self.library is lib:
                self.model.refresh_all()
                self._after_user_change([], refresh_viewer=False)
            self.bulkChangeFinished.emit()

        def failed(message: str) -> None:
            self.progress.hide()
            QMessageBox.warning(self, self.tr("Mark all as read"), message)
            self.bulkChangeFinished.emit()

        job.done.connect(finished)
        job.failed.connect(failed)
        job.start()

    def edit_tags(self) -> None:
        ids = self.selected_ids()
        if self.library is None or not ids:
            return
        current = set(self.library.tags_of(ids[0])) if len(ids) == 1 else set()
        dlg = TagEditor([t for t, _ in self.library.user_tags()], sorted(current), len(ids), self)
        if dlg.exec():
            new = set(dlg.tags())
            self.apply_tags(ids, add=sorted(new - current), remove=sorted(current - new) if len(ids) == 1 else [])

    def apply_tags(self, ids: list[int], add: list[str], remove: list[str] | None = None) -> None:
        if self.library is None:
            return
        if add:
            self.library.add_tags(ids, add)
        if remove:
            self.library.remove_tags(ids, remove)
        self._after_user_change(ids)

    def rename_tag(self, name: str) -> None:
        if self.library is None:
            return
        new, ok = QInputDialog.getText(self, self.tr("Rename tag"), self.tr("New name:"), text=name)
        if ok and new.strip() and new.strip() != name:
            self.library.rename_tag(name, new.strip())
            self._after_user_change([])

    def delete_tag(self, name: str) -> None:
        if self.library is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete tag"),
            self.tr("Remove the tag “%1” from every article?").replace("%1", name))
        if answer == QMessageBox.StandardButton.Yes:
            self.library.delete_tag(name)
            self._after_user_change([])

    def _after_user_change(self, ids: list[int], refresh_viewer: bool = True) -> None:
        self.model.refresh_rows(ids)
        self.refresh_sidebar(archive_changed=False)
        if refresh_viewer and self.current_id in ids and self.library is not None:
            art = self.library.article(self.current_id)
            if art is not None:
                bar = self.viewer.verticalScrollBar().value()
                self.viewer.show_article(art, self.viewer._highlight_terms)
                self.viewer.verticalScrollBar().setValue(bar)
                self.act_star.setText(("★ " if art.bookmarked else "☆ ") + self.tr("Bookmark"))
        if self.base_query or self.security_filter or self.search_text:
            self.refresh_list()  # the article may have left or joined the current filter

    # --- links -------------------------------------------------------------------------------

    def open_link(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == "security":
            self.show_security(url.path() or url.toString().split(":", 1)[1])
        elif scheme in ("http", "https"):
            if self.confirm_open_external(url):
                QDesktopServices.openUrl(url)
        else:
            self.statusBar().showMessage(self.tr("Link not followed: %1").replace("%1", url.toString()[:80]), 5000)

    def confirm_open_external(self, url: QUrl) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Open in browser?"),
            self.tr("Open this link in your web browser?\n\n%1").replace("%1", url.toString()),
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_original(self) -> None:
        art = self.viewer.article
        if art is not None and art.url:
            self.open_link(QUrl(art.url))

    # --- menus -------------------------------------------------------------------------------

    def _list_menu(self, pos: Any) -> None:
        if not self.selected_ids():
            return
        menu = QMenu(self)
        menu.addAction(self.act_star)
        menu.addAction(self.act_tag)
        menu.addAction(self.act_read)
        menu.addSeparator()
        menu.addAction(self.act_original)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _viewer_menu(self, pos: Any) -> None:
        menu = self.viewer.createStandardContextMenu(pos)
        anchor = self.viewer.anchorAt(pos)
        if anchor.startswith("security:"):
            secid = anchor.split(":", 1)[1]
            menu.insertSeparator(menu.actions()[0] if menu.actions() else None)
            first = menu.actions()[0] if menu.actions() else None
            show = QAction(self.tr("Show all news"), menu)
            show.triggered.connect(lambda: self.show_security(secid))
            menu.insertAction(first, show)
            if self.library is not None:
                watched = secid in self.library.watchlist()
                watch = QAction(self.tr("Remove from watchlist") if watched else self.tr("Add to watchlist"), menu)
                watch.triggered.connect(lambda: self.set_watched(secid, not watched))
                menu.insertAction(first, watch)
            quote = QAction(self.tr("Open quote page in browser…"), menu)
            quote.triggered.connect(lambda: self.open_quote_page(secid))
            menu.insertAction(first, quote)
        menu.exec(self.viewer.viewport().mapToGlobal(pos))

    # --- import ------------------------------------------------------------------------------

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Import a folder of posts"))
        if folder:
            self.start_import([folder])

    def import_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Import posts"), "",
                                                self.tr("Posts (*.md *.markdown)"))
        if files:
            self.start_import(files)

    def _leave_demo(self) -> bool:
        """Importing from the sample switches to the user's own library (created as needed)."""
        if not self.demo or self.user_library_path is None:
            return True
        try:
            lib = Library.open(self.user_library_path)
        except LibraryError as exc:
            QMessageBox.critical(self, self.tr("Library"), str(exc))
            return False
        old = self.library
        self.set_library(lib, demo=False)
        if old is not None:
            old.close()
        return True

    def start_import(self, paths: list[str], workers: int | None = None, quiet: bool = False) -> ImportJob | None:
        if self.import_job is not None and self.import_job.isRunning():
            if not quiet:
                self.statusBar().showMessage(self.tr("An import is already running"), 4000)
            return None
        if not self._leave_demo() or self.library is None:
            return None
        if not quiet:
            new_dirs = [p for p in paths if Path(p).is_dir() and os.path.abspath(p) not in self.watched_folders()]
            for d in new_dirs:  # a folder imported from the window is kept up to date from then on
                folders.watch_folder(self.library, d)
            if new_dirs:
                self._watch_folders()
        self._quiet_import = quiet
        job = ImportJob(self.library, paths, self, workers=workers)
        job.progressed.connect(self._on_import_progress)
        job.done.connect(self._on_import_done)
        job.failed.connect(self._on_import_failed)
        self.import_job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage(self.tr("Importing…"))
        job.start()
        return job

    def cancel_import(self) -> None:
        if self.import_job is not None:
            self.import_job.cancel()
            self.cancel_button.setEnabled(False)

    def _on_import_progress(self, done: int, total: int, added: int, updated: int, failed: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total}")
        self.statusBar().showMessage(
            self.tr("Importing… %1 added, %2 updated, %3 failed")
            .replace("%1", str(added)).replace("%2", str(updated)).replace("%3", str(failed)))
        if added or updated:
            self.refresh_list()

    def _import_ended(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.cancel_button.setEnabled(True)
        self.refresh_sidebar()
        self.refresh_list()

    def _on_import_done(self, report: ImportReport) -> None:
        self.last_report = report
        self._import_ended()
        msg = self.tr("Import %1: %2 added, %3 updated, %4 unchanged, %5 failed").replace(
            "%1", self.tr("cancelled") if report.cancelled else self.tr("finished")).replace(
            "%2", str(report.added)).replace("%3", str(report.updated)).replace(
            "%4", str(report.unchanged)).replace("%5", str(report.failed))
        self.statusBar().showMessage(msg, 15000)
        self.importFinished.emit(report)
        quiet = getattr(self, "quiet_reports", False) or (getattr(self, "_quiet_import", False) and not report.added)
        if report.failures and self.isVisible() and not quiet:
            ImportReportDialog(report, self).open()

    def _on_import_failed(self, message: str) -> None:
        self._import_ended()
        self.importFinished.emit(None)
        QMessageBox.critical(self, self.tr("Import failed"), message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.start_import(paths)

    # --- files -------------------------------------------------------------------------------

    def export_pdf(self, path: str | None = None) -> str | None:
        art = self.viewer.article
        if art is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export as PDF"), f"{art.key}.pdf", "PDF (*.pdf)")
            if not path:
                return None
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setTitle(art.title)
        doc = self.viewer.document().clone()
        doc.print_(writer)
        return path

    def print_article(self) -> None:
        if self.viewer.article is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dlg = QPrintDialog(printer, self)
        if dlg.exec():
            self.viewer.document().print_(printer)

    def export_user_data(self) -> None:
        if self.library is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export my data"), "finews-reader-data.json", "JSON (*.json)")
        if path:
            n = self.library.export_user_data(path)
            self.statusBar().showMessage(self.tr("Saved data of %1 articles").replace("%1", str(n)), 5000)

    def import_user_data(self) -> None:
        if self.library is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import my data"), "", "JSON (*.json)")
        if path:
            try:
                n = self.library.import_user_data(path)
            except LibraryError as exc:
                QMessageBox.warning(self, self.tr("Import my data"), str(exc))
                return
            self.statusBar().showMessage(self.tr("Merged data of %1 articles").replace("%1", str(n)), 5000)
            self.refresh_sidebar()
            self.refresh_list()

    # --- help --------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        import sqlite3

        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        lib = self.library
        n = lib.stats()["articles"] if lib is not None else 0
        where = html.escape(str(lib.folder)) if lib is not None else "-"
        QMessageBox.about(
            self, self.tr("About Finews Reader"),
            f"<h3>{APP_TITLE} {__version__}</h3>"
            f"<p>{self.tr('An offline reader for archives of Chinese financial news.')}</p>"
            f"<p>{self.tr('Library')}: {where}<br>{self.tr('Articles')}: {n}<br>"
            f"Qt {qVersion()} · PySide6 {pyside_version} · SQLite {sqlite3.sqlite_version}</p>",
        )
