"""Files the window writes or reads for the reader: an article as PDF or on paper, the reader's
own data as JSON, the daily backup of that data, and the About box."""

from __future__ import annotations

import html
import sqlite3
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QPageSize, QPdfWriter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader import APP_TITLE, __version__
from reader.core import backups
from reader.core.filenames import file_name_for
from reader.core.library import LibraryError
from reader.ui.jobs import CallJob

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def export_pdf(w: MainWindow, path: str | None = None) -> str | None:
    art = w.viewer.article
    if art is None:
        return None
    if path is None:
        path, _ = QFileDialog.getSaveFileName(w, w.tr("Export as PDF"), file_name_for(art.title, art.key),
                                              "PDF (*.pdf)")
        if not path:
            return None
    writer = QPdfWriter(path)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle(art.title)
    w.viewer.print_document().print_(writer)  # light colours on paper, whatever the theme
    return path


def print_article(w: MainWindow) -> None:
    if w.viewer.article is None:
        return
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dlg = QPrintDialog(printer, w)
    if dlg.exec():
        w.viewer.print_document().print_(printer)


def export_user_data(w: MainWindow) -> None:
    if w.library is None:
        return
    path, _ = QFileDialog.getSaveFileName(w, w.tr("Export my data"), "finews-reader-data.json",
                                          "JSON (*.json)")
    if path:
        n = w.library.export_user_data(path)
        w.statusBar().showMessage(w.tr("Saved data of %1 articles").replace("%1", str(n)), 5000)


def import_user_data(w: MainWindow) -> None:
    if w.library is None:
        return
    path, _ = QFileDialog.getOpenFileName(w, w.tr("Import my data"), "", "JSON (*.json)")
    if path:
        try:
            n = w.library.import_user_data(path)
        except LibraryError as exc:
            QMessageBox.warning(w, w.tr("Import my data"), str(exc))
            return
        w.statusBar().showMessage(w.tr("Merged data of %1 articles").replace("%1", str(n)), 5000)
        w.refresh_sidebar()
        w.refresh_list()


def show_about(w: MainWindow) -> None:
    lib = w.library
    n = lib.stats()["articles"] if lib is not None else 0
    where = html.escape(str(lib.folder)) if lib is not None else "-"
    QMessageBox.about(
        w, w.tr("About Finews Reader"),
        f"<h3>{APP_TITLE} {__version__}</h3>"
        f"<p>{w.tr('An offline reader for archives of Chinese financial news.')}</p>"
        f"<p>{w.tr('Library')}: {where}<br>{w.tr('Articles')}: {n}<br>"
        f"Qt {qVersion()} · PySide6 {pyside_version} · SQLite {sqlite3.sqlite_version}</p>",
    )


def start_daily_backup(w: MainWindow) -> CallJob | None:
    """Today's backup of the reader's data, written off the GUI thread once the window shows
    (at a million read marks it takes seconds, which used to delay the first start of each day).
    A backup that cannot be written is said in the status bar; reading goes on."""
    lib = w.library
    if lib is None or w.demo or (w.backup_job is not None and w.backup_job.isRunning()):
        return None
    job = CallJob(lib, lambda: backups.daily_user_backup(lib), w)
    job.failed.connect(lambda message: w.statusBar().showMessage(
        w.tr("The daily backup of your data could not be written: %1").replace("%1", message.split("\n")[0]),
        15000))
    w.backup_job = job
    job.start()
    return job
