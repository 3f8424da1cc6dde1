"""The main window's widgets and how they sit: Library/Securities tabs | filter bar over the
article list | viewer with its find bar, the welcome banner above, the search box and the status
bar's progress. Only construction and wiring live here; what the widgets do is in the rooms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader.ui import actions, trending_view
from reader.ui.archives import FINEWS_URL
from reader.ui.article_model import ArticleTableModel
from reader.ui.find_bar import FindBar
from reader.ui.securities_panel import SecuritiesPanel, TimelineWidget
from reader.ui.sidebar import Sidebar
from reader.ui.viewer import ArticleViewer

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

SIDEBAR_WIDTH = 260


def build_widgets(w: MainWindow) -> None:
    b, r = w.browse, w.reading
    w.sidebar = Sidebar(w)
    w.securities_panel = SecuritiesPanel(w)
    w.securities_panel.securityChosen.connect(w.show_security)
    w.securities_panel.watchToggled.connect(w.set_watched)
    w.securities_panel.quoteRequested.connect(w.open_quote_page)
    w.left_tabs = QTabWidget(w)
    w.left_tabs.setDocumentMode(True)
    w.left_tabs.addTab(w.sidebar, w.tr("Library"))
    w.left_tabs.addTab(w.securities_panel, w.tr("Securities"))
    w.sidebar.filterChosen.connect(lambda *_: trending_view.leave(w))
    w.sidebar.filterChosen.connect(b.on_sidebar_filter)
    w.sidebar.trendingChosen.connect(w.show_trending)
    w.sidebar.renameTagRequested.connect(r.rename_tag)
    w.sidebar.deleteTagRequested.connect(r.delete_tag)
    w.sidebar.deleteSavedSearchRequested.connect(b.delete_saved_search)

    w.table = _article_table(w)
    w.viewer = ArticleViewer(w)
    w.viewer.linkActivated.connect(w.open_link)
    w.viewer.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    w.viewer.customContextMenuRequested.connect(lambda pos: actions.viewer_menu(w, pos))
    w.find_bar = FindBar(w.viewer, w)
    _filter_bar(w)
    _welcome(w)

    middle = QWidget(w)
    ml = QVBoxLayout(middle)
    ml.setContentsMargins(0, 0, 0, 0)
    ml.setSpacing(0)
    ml.addWidget(w.filter_bar)
    ml.addWidget(w.table, 1)
    right = QWidget(w)
    rl = QVBoxLayout(right)
    rl.setContentsMargins(0, 0, 0, 0)
    rl.setSpacing(0)
    rl.addWidget(w.viewer, 1)
    rl.addWidget(w.find_bar)

    # the What moved page takes the list's place, and the reader's room (hidden meanwhile)
    w.middle_stack = QStackedWidget(w)
    w.middle_stack.addWidget(middle)
    w.trending_view = trending_view.build(w, w.middle_stack)
    w.reader_pane = right

    w.splitter = QSplitter(Qt.Orientation.Horizontal, w)
    w.splitter.addWidget(w.left_tabs)
    w.splitter.addWidget(w.middle_stack)
    w.splitter.addWidget(right)
    w.splitter.setStretchFactor(0, 0)
    w.splitter.setStretchFactor(1, 2)
    w.splitter.setStretchFactor(2, 3)
    w.splitter.setSizes([SIDEBAR_WIDTH, 520, 500])
    # the sidebar may be dragged shut (or folded with F9); the list and the reader may not
    w.splitter.setCollapsible(0, True)
    w.splitter.setCollapsible(1, False)
    w.splitter.setCollapsible(2, False)
    w.left_tabs.setMinimumWidth(160)

    central = QWidget(w)
    cl = QVBoxLayout(central)
    cl.setContentsMargins(0, 0, 0, 0)
    cl.setSpacing(0)
    cl.addWidget(w.welcome)
    cl.addWidget(w.splitter, 1)
    w.setCentralWidget(central)

    w.search_box = QLineEdit(w)
    w.search_box.setPlaceholderText(w.tr("Search  (Ctrl+K)   e.g. 降准 sec:600519 is:unread"))
    w.search_box.setClearButtonEnabled(True)
    w.search_box.setMinimumWidth(320)
    w.search_box.textChanged.connect(lambda _t: b.search_timer.start())
    w.search_box.textEdited.connect(lambda _t: trending_view.leave(w))  # searching shows the list
    w.search_box.returnPressed.connect(b.apply_search_now)
    w.search_error = QLabel(w)  # why a query cannot be understood, beside the box
    w.search_error.setObjectName("searchError")
    w.search_error.setStyleSheet("#searchError { padding: 0 6px; }")  # red when shown: theme's
    w.search_error.setTextFormat(Qt.TextFormat.PlainText)
    w.search_error.setMaximumWidth(360)
    w.search_error_action = None  # set when the tool bar takes the label

    w.count_label = QLabel(w)
    w.progress = QProgressBar(w)
    w.progress.setMaximumWidth(220)
    w.progress.setTextVisible(True)
    w.progress.hide()
    w.cancel_button = QPushButton(w.tr("Cancel"), w)
    w.cancel_button.clicked.connect(w.cancel_import)
    w.cancel_button.hide()
    w.statusBar().addPermanentWidget(w.progress)
    w.statusBar().addPermanentWidget(w.cancel_button)
    w.statusBar().addPermanentWidget(w.count_label)


def _article_table(w: MainWindow) -> QTableView:
    table = QTableView(w)
    table.setModel(w.model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.setSortingEnabled(True)
    table.sortByColumn(ArticleTableModel.COL_TIME, Qt.SortOrder.DescendingOrder)
    vh = table.verticalHeader()
    vh.hide()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(w.fontMetrics().height() + 10)
    hh = table.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setSectionResizeMode(ArticleTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
    hh.setStretchLastSection(False)
    hh.setHighlightSections(False)
    hh.setMinimumSectionSize(24)
    fm = table.fontMetrics()
    table.setColumnWidth(ArticleTableModel.COL_STAR, 26)
    table.setColumnWidth(ArticleTableModel.COL_TIME, fm.horizontalAdvance("2022-05-30 22:00") + 18)
    table.setColumnWidth(ArticleTableModel.COL_SOURCE, fm.horizontalAdvance("中国证券报") + 14)
    table.setColumnWidth(ArticleTableModel.COL_SECURITIES, fm.horizontalAdvance("贵州茅台、宁德") + 14)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(lambda pos: actions.list_menu(w, pos))
    table.selectionModel().currentRowChanged.connect(w.on_current_row)
    table.clicked.connect(w.on_clicked)
    return table


def _filter_bar(w: MainWindow) -> None:
    """What the list shows when a security is chosen, with Watch and one click back."""
    w.filter_bar = QFrame(w)
    w.filter_bar.setObjectName("filterBar")
    fb = QHBoxLayout(w.filter_bar)
    fb.setContentsMargins(8, 4, 8, 4)
    w.filter_label = QLabel(w.filter_bar)
    w.filter_label.setTextFormat(Qt.TextFormat.PlainText)
    w.filter_label.setWordWrap(True)
    w.watch_button = QPushButton(w.tr("☆ Watch"), w.filter_bar)
    w.watch_button.setCheckable(True)
    w.watch_button.setFlat(True)
    w.watch_button.clicked.connect(lambda _c=False: w.toggle_watch_current())
    w.filter_back = QPushButton(w.tr("✕ Clear filter"), w.filter_bar)
    w.filter_back.setFlat(True)
    w.filter_back.clicked.connect(w.clear_security_filter)
    w.timeline = TimelineWidget(w.filter_bar)
    w.timeline.dayClicked.connect(w.filter_day)
    w.co_label = QLabel(w.filter_bar)
    w.co_label.setWordWrap(True)
    w.co_label.linkActivated.connect(lambda link: w.show_security(link.split(":", 1)[1]))
    top = QHBoxLayout()
    top.addWidget(w.filter_label, 1)
    top.addWidget(w.watch_button)
    top.addWidget(w.filter_back)
    fbv = QVBoxLayout()
    fbv.setSpacing(2)
    fbv.addLayout(top)
    fbv.addWidget(w.timeline)
    fbv.addWidget(w.co_label)
    fb.addLayout(fbv, 1)
    w.filter_bar.hide()


def _welcome(w: MainWindow) -> None:
    """The banner over the sample archive, with the way to the reader's own."""
    w.welcome = QFrame(w)
    w.welcome.setObjectName("welcome")
    w.welcome.setStyleSheet("#welcome { background: palette(alternate-base); "
                            "border-bottom: 1px solid palette(mid); }")
    wl = QHBoxLayout(w.welcome)
    wl.setContentsMargins(12, 8, 12, 8)
    w.welcome_label = QLabel(w.welcome)
    w.welcome_label.setWordWrap(True)
    w.welcome_label.setText(w.tr(
        "<b>Welcome to Finews Reader.</b> You are looking at a small sample archive. "
        "Import your own folder of finews posts (a Jekyll <i>_posts</i> folder or the whole "
        "archive) to build your library; the sample stays separate."))
    w.welcome_button = QPushButton(w.tr("Import your archive…"), w.welcome)
    w.welcome_button.setDefault(True)
    w.welcome_button.clicked.connect(w.import_folder_dialog)
    w.welcome_archive_button = QPushButton(w.tr("Add the finews archive…"), w.welcome)
    w.welcome_archive_button.setToolTip(FINEWS_URL)
    w.welcome_archive_button.clicked.connect(lambda: w.archives.add_archive_dialog(FINEWS_URL))
    wl.addWidget(w.welcome_label, 1)
    wl.addWidget(w.welcome_archive_button)
    wl.addWidget(w.welcome_button)
