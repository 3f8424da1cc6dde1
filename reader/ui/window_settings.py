"""The window's own settings: geometry, splitter, list columns and sort, theme, font, zoom, and
the Settings dialog applied to the running window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QApplication

from reader.core import folders
from reader.ui.settings_dialog import SettingsDialog, setting_int

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def restore_settings(w: MainWindow) -> None:
    s = w.settings
    geo = s.value("window/geometry")
    if isinstance(geo, QByteArray | bytes) and geo:
        w.restoreGeometry(geo)
    else:
        w.resize(1280, 800)
    split = s.value("window/splitter")
    if isinstance(split, QByteArray | bytes) and split:
        w.splitter.restoreState(split)
    header = s.value("list/header")
    if isinstance(header, QByteArray | bytes) and header:
        w.table.horizontalHeader().restoreState(header)
    w.model.sort_field = str(s.value("list/sortField", "published"))
    w.model.sort_desc = str(s.value("list/sortDesc", "true")).lower() == "true"
    theme = str(s.value("view/theme", "system"))
    dark = system_dark() if theme == "system" else theme == "dark"
    serif = str(s.value("view/serif", "false")).lower() == "true"
    w.act_theme.setChecked(dark)
    w.act_serif.setChecked(serif)
    w.viewer.set_theme(dark, serif)
    w.zoom_steps = setting_int(s, "view/zoom", 0)
    w.viewer.zoom(w.zoom_steps)
    w.act_sidebar.setChecked(str(s.value("window/sidebar", "true")).lower() == "true")
    w.left_tabs.setVisible(w.act_sidebar.isChecked())

def save_settings(w: MainWindow) -> None:
    s = w.settings
    s.setValue("window/geometry", w.saveGeometry())
    s.setValue("window/splitter", w.splitter.saveState())
    s.setValue("window/sidebar", "true" if w.act_sidebar.isChecked() else "false")
    s.setValue("list/header", w.table.horizontalHeader().saveState())
    s.setValue("list/sortField", w.model.sort_field)
    s.setValue("list/sortDesc", "true" if w.model.sort_desc else "false")
    s.setValue("view/zoom", w.zoom_steps)
    s.setValue("view/serif", "true" if w.act_serif.isChecked() else "false")
    s.sync()

def system_dark() -> bool:
    hints = QApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return bool(scheme is not None and scheme() == Qt.ColorScheme.Dark)


def open_settings(w: MainWindow) -> None:
    lib_path = str(w.library.folder) if w.library is not None else ""
    dlg = SettingsDialog(w.settings, lib_path, w.watched_folders(), w)
    if not dlg.exec():
        return
    apply_settings_dialog(w, dlg)

def apply_settings_dialog(w: MainWindow, dlg: SettingsDialog) -> None:
    dlg.save()
    theme = str(w.settings.value("view/theme", "system"))
    dark = system_dark() if theme == "system" else theme == "dark"
    w.act_theme.setChecked(dark)
    app = QApplication.instance()
    if app is not None and hasattr(app, "apply_theme"):
        app.apply_theme(dark)
    w.act_serif.setChecked(str(w.settings.value("view/serif")) == "true")
    w.viewer.set_theme(dark, w.act_serif.isChecked())
    if dlg.zoom.value() != w.zoom_steps:  # (zoom(0) means actual size)
        w.zoom(dlg.zoom.value() - w.zoom_steps)
    w.reading.mark_read_delay_ms = setting_int(w.settings, "reader/markReadDelayMs", 1500)
    if w.library is not None and not w.demo:
        folders.set_watched_folders(w.library, dlg.watched_folders())
        w.importer.watch_folders()
    target = dlg.move_library_to or dlg.requested_library
    if target:
        w.switch_library(Path(target), move=bool(dlg.move_library_to))
