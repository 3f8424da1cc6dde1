"""The window's actions (with their shortcuts), menus, toolbar and context menus."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from reader.ui import documents
from reader.ui.archives import ArchiveController

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def action(w: MainWindow, text: str, slot: Any, shortcut: str | QKeySequence | list[Any] | None = None,
            tip: str = "") -> QAction:
    act = QAction(text, w)
    act.triggered.connect(lambda _checked=False: slot())
    if shortcut is not None:
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        seqs = [k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys]
        # a platform's standard key may equal the explicit one; a repeat would be ambiguous
        act.setShortcuts([k for i, k in enumerate(seqs) if not k.isEmpty() and k not in seqs[:i]])
    if tip:
        act.setToolTip(tip)
    w.addAction(act)
    return act

def build_actions(w: MainWindow) -> None:
    SK = QKeySequence.StandardKey  # noqa: N806

    def A(*args: Any) -> QAction:  # noqa: N802
        return action(w, *args)

    r, b, im = w.reading, w.browse, w.importer
    w.archives = ArchiveController(w)
    w.act_import = A(w.tr("&Import folder…"), im.import_folder_dialog, "Ctrl+I")
    w.act_import_files = A(w.tr("Import &files…"), im.import_files_dialog)
    w.act_add_archive = A(w.tr("Add &archive…"), w.archives.add_archive_dialog)
    w.act_update = A(w.tr("&Update"), w.archives.update_all, "F5",
                     w.tr("Fetch the archives' new posts (F5)"))
    w.act_last_report = A(w.tr("Last import report…"), im.show_last_report)
    w.act_last_report.setEnabled(False)
    w.act_export_pdf = A(w.tr("Export article as &PDF…"), w.export_pdf, "Ctrl+Shift+E")
    w.act_print = A(w.tr("&Print article…"), w.print_article, SK.Print)
    w.act_export_user = A(w.tr("Export my data…"), lambda: documents.export_user_data(w))
    w.act_import_user = A(w.tr("Import my data…"), lambda: documents.import_user_data(w))
    w.act_settings = A(w.tr("&Settings…"), w.open_settings, SK.Preferences)
    w.act_quit = A(w.tr("&Quit"), w.close, SK.Quit)

    w.act_search = A(w.tr("Search"), b.focus_search, ["Ctrl+K", "/"])
    w.act_find = A(w.tr("Find in article"), w.find_bar.open_bar, SK.Find)
    w.act_save_search = A(w.tr("Save search…"), b.save_search)
    w.act_back = A(w.tr("Back"), b.back, [QKeySequence(SK.Back), "Alt+Left"])
    w.act_forward = A(w.tr("Forward"), b.forward, [QKeySequence(SK.Forward), "Alt+Right"])
    w.act_next = A(w.tr("Next article"), lambda: w.move_selection(1), ["J"])
    w.act_prev = A(w.tr("Previous article"), lambda: w.move_selection(-1), ["K"])
    w.act_next_unread = A(w.tr("Next unread"), r.next_unread, "N")
    w.act_page = A(w.tr("Page down / next"), r.page_or_next, "Space")
    w.act_star = A(w.tr("Bookmark"), r.toggle_bookmark, "S", w.tr("Bookmark (S)"))
    w.act_tag = A(w.tr("Tag…"), r.edit_tags, "T", w.tr("Tag (T)"))
    w.act_read = A(w.tr("Toggle read"), r.toggle_read, "R")
    w.act_mark_all = A(w.tr("Mark all as read"), r.mark_all_read, "Ctrl+Shift+R")
    w.act_undo = A(w.tr("Undo"), r.undo, SK.Undo)
    w.act_undo.setEnabled(False)
    w.act_original = A(w.tr("Open original"), w.open_original, "O")
    w.act_zoom_in = A(w.tr("Zoom in"), lambda: w.zoom(1), ["Ctrl+=", "Ctrl++"])
    w.act_zoom_out = A(w.tr("Zoom out"), lambda: w.zoom(-1), "Ctrl+-")
    w.act_zoom_reset = A(w.tr("Actual size"), lambda: w.zoom(0), "Ctrl+0")
    w.act_sidebar = A(w.tr("Show sidebar"), w.toggle_sidebar, "F9")
    w.act_sidebar.setCheckable(True)
    w.act_sidebar.setChecked(True)
    w.act_theme = A(w.tr("Dark theme"), w.toggle_theme, "Ctrl+Shift+D")
    w.act_theme.setCheckable(True)
    w.act_serif = A(w.tr("Serif font"), w.toggle_serif)
    w.act_serif.setCheckable(True)
    w.act_help = A(w.tr("Keyboard shortcuts"), w.show_shortcuts, ["F1", "?"])
    w.act_about = A(w.tr("About Finews Reader"), lambda: documents.show_about(w))
    for act in (w.act_next, w.act_prev, w.act_next_unread, w.act_page, w.act_star,
                w.act_tag, w.act_read, w.act_original, w.act_undo):
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    w.history_changed()

    def menu(title: str, actions: tuple[QAction | None, ...]) -> None:
        m = w.menuBar().addMenu(title)
        for a in actions:
            m.addSeparator() if a is None else m.addAction(a)

    menu(w.tr("&File"), (w.act_import, w.act_import_files, w.act_add_archive, w.act_last_report, None,
                            w.act_export_pdf, w.act_print, None, w.act_export_user,
                            w.act_import_user, None, w.act_settings, None, w.act_quit))
    menu(w.tr("&Article"), (w.act_star, w.act_tag, w.act_read, w.act_mark_all,
                               w.act_undo, None, w.act_next, w.act_prev,
                               w.act_next_unread, w.act_page, None, w.act_original,
                               w.act_find))
    menu(w.tr("&View"), (w.act_update, None, w.act_back, w.act_forward, None, w.act_search,
                            w.act_save_search, None, w.act_zoom_in, w.act_zoom_out,
                            w.act_zoom_reset, None, w.act_sidebar, w.act_theme,
                            w.act_serif))
    menu(w.tr("&Help"), (w.act_help, w.act_about))
    build_toolbar(w)

def build_toolbar(w: MainWindow) -> None:
    tb = QToolBar(w.tr("Main"), w)
    tb.setObjectName("mainToolbar")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    tb.addAction(w.act_back)
    tb.addAction(w.act_forward)
    tb.addAction(w.act_import)
    tb.addAction(w.act_update)
    tb.addSeparator()
    tb.addWidget(w.search_box)
    w.search_error_action = tb.addWidget(w.search_error)
    w.search_error_action.setVisible(False)
    tb.addAction(w.act_save_search)
    tb.addSeparator()
    w.set_bookmark_label(False)
    tb.addAction(w.act_star)
    tb.addAction(w.act_tag)
    tb.addAction(w.act_read)
    tb.addAction(w.act_next_unread)
    w.addToolBar(tb)


def list_menu(w: MainWindow, pos: Any) -> None:
    if not w.selected_ids():
        return
    menu = QMenu(w)
    for a in (w.act_star, w.act_tag, w.act_read, None, w.act_original):
        menu.addSeparator() if a is None else menu.addAction(a)
    menu.exec(w.table.viewport().mapToGlobal(pos))

def viewer_menu(w: MainWindow, pos: Any) -> None:
    menu = w.viewer.createStandardContextMenu(pos)
    anchor = w.viewer.anchorAt(pos)
    if anchor.startswith("security:"):
        secid = anchor.split(":", 1)[1]
        entries = []
        show = QAction(w.tr("Show all news"), menu)
        show.triggered.connect(lambda: w.show_security(secid))
        entries.append(show)
        if w.library is not None:
            watched = secid in w.library.watchlist()
            watch = QAction(w.tr("Remove from watchlist") if watched
                            else w.tr("Add to watchlist"), menu)
            watch.triggered.connect(lambda: w.set_watched(secid, not watched))
            entries.append(watch)
        quote = QAction(w.tr("Open quote page in browser…"), menu)
        quote.triggered.connect(lambda: w.open_quote_page(secid))
        entries.append(quote)
        standard = menu.actions()
        if standard:
            menu.insertSeparator(standard[0])
            menu.insertActions(menu.actions()[0], entries)
        else:
            menu.addActions(entries)
    menu.exec(w.viewer.viewport().mapToGlobal(pos))
