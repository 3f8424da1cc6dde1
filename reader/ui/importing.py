"""Importing posts into the library from the window: the import dialog, the background job with
progress and Cancel, the report (which can be opened again), and watched folders, re-imported
quietly when they change.

The import runs in a process of its own (``process_job``): the window's process only shows its
progress and report, so the reader can go on reading while it runs.  A child that dies becomes
a report with the reason; the articles it stored before stay."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from reader.core import folders
from reader.core import import_process as ip
from reader.core.importer import ImportReport
from reader.core.library import Library, LibraryError
from reader.ui.dialogs import ImportReportDialog, folder_row
from reader.ui.process_job import ProcessJob, WindowJobs

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

WATCH_SETTING = "import/watchFolders"


class ImportFolderDialog(QDialog):
    """Which folder to import, and whether to keep it up to date (watch it) from then on."""

    def __init__(self, watch_default: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importFolderDialog")
        self.setWindowTitle(self.tr("Import a folder of posts"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("A folder of finews posts: a Jekyll <i>_posts</i> folder or the "
                                     "whole archive (sub-folders are included)."), self))
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(self.tr("Folder"))
        self.path_edit.setMinimumWidth(360)
        lay.addLayout(folder_row(self, self.path_edit, self.tr("Import a folder of posts")))
        self.watch_box = QCheckBox(self.tr("Keep this folder up to date: import new and changed posts "
                                           "when they appear"), self)
        self.watch_box.setChecked(watch_default)
        lay.addWidget(self.watch_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.path_edit.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = Path(self.path_edit.text().strip()).expanduser().is_dir()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def folder(self) -> str:
        return str(Path(self.path_edit.text().strip()).expanduser())


class ImportController(WindowJobs):
    """Starts imports off the GUI thread and shows what they did."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.last_report: ImportReport | None = None
        self.quiet = False
        self.watch_timer = QTimer(self)
        self.watch_timer.setSingleShot(True)
        self.watch_timer.setInterval(3000)
        self.watch_timer.timeout.connect(self.import_watched)
        self.fs_watcher = QFileSystemWatcher(self)
        self.fs_watcher.directoryChanged.connect(lambda _p: self.watch_timer.start())

    # --- watched folders --------------------------------------------------------------------------

    def watched_folders(self) -> list[str]:
        lib = self.w.library
        return folders.watched_folders(lib) if lib is not None and not self.w.demo else []

    def watch_folders(self) -> None:
        old = self.fs_watcher.directories()
        if old:
            self.fs_watcher.removePaths(old)
        dirs: list[str] = []
        for root in self.watched_folders():
            base = Path(root)
            if not base.is_dir():
                continue
            dirs.append(str(base))
            for child in sorted(base.iterdir()):
                if child.is_dir() and not child.name.startswith(".") and len(dirs) < 200:
                    dirs.append(str(child))
        if dirs:
            self.fs_watcher.addPaths(dirs)

    def import_watched(self) -> ProcessJob | None:
        """Import what changed in the watched folders, quietly, in the background."""
        targets = [f for f in self.watched_folders() if Path(f).is_dir()]
        if not targets or self.running():
            return None
        return self.start(targets, quiet=True)

    # --- dialogs ----------------------------------------------------------------------------------

    def import_folder_dialog(self) -> None:
        s = self.w.settings
        dlg = ImportFolderDialog(self.watch_by_default(), self.w)
        if not dlg.exec():
            return
        s.setValue(WATCH_SETTING, "true" if dlg.watch_box.isChecked() else "false")
        self.start([dlg.folder()], watch=dlg.watch_box.isChecked())

    def import_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.w, self.tr("Import posts"), "",
                                                self.tr("Posts (*.md *.markdown)"))
        if files:
            self.start(files)

    def show_last_report(self) -> None:
        if self.last_report is not None:
            ImportReportDialog(self.last_report, self.w).open()

    # --- the job ----------------------------------------------------------------------------------

    def _leave_demo(self) -> bool:
        """Importing from the sample switches to the user's own library (created as needed)."""
        w = self.w
        if not w.demo or w.user_library_path is None:
            return True
        try:
            lib = Library.open(w.user_library_path)
        except LibraryError as exc:
            QMessageBox.critical(w, self.tr("Library"), str(exc))
            return False
        old = w.library
        w.set_library(lib, demo=False)
        if old is not None:
            old.close()
        return True

    def watch_by_default(self) -> bool:
        """The import dialog's "keep up to date" choice, last made (on until the reader says no)."""
        return str(self.w.settings.value(WATCH_SETTING, "true")).lower() == "true"

    def start(self, paths: list[str], workers: int | None = None, quiet: bool = False,
              watch: bool | None = None) -> ProcessJob | None:
        """Import ``paths`` in the background. Folders are watched from then on when ``watch``
        says so (by default: the reader's last choice in the import dialog; never when quiet)."""
        w = self.w
        if watch is None:
            watch = not quiet and self.watch_by_default()
        if self.running():
            if not quiet:
                w.statusBar().showMessage(self.tr("An import is already running"), 4000)
            return None
        if not self._leave_demo() or w.library is None:
            return None
        if watch:
            new_dirs = [p for p in paths
                        if Path(p).is_dir() and os.path.abspath(p) not in self.watched_folders()]
            for d in new_dirs:  # the reader asked for this folder to be kept up to date
                folders.watch_folder(w.library, d)
            if new_dirs:
                self.watch_folders()
        self.quiet = quiet
        task = ip.Task(str(w.library.folder), "import", [str(p) for p in paths], workers=workers)
        return self._launch(task, self.tr("Importing…"))

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.w.cancel_button.setEnabled(False)

    def stop(self) -> None:
        """The window closes: an import is cancelled and waited for (the writer finishes its
        batch); a child that does not end within 30 s is ended with its workers."""
        if self.job is not None:
            self.job.stop(30000)

    def _on_progress(self, p: ip.Summary) -> None:
        w = self.w
        if p.total:
            w.progress.setRange(0, p.total)
            w.progress.setValue(p.done)
        w.progress.setFormat(f"{p.done}/{p.total}")
        w.statusBar().showMessage(
            self.tr("Importing… %1 added, %2 updated, %3 failed")
            .replace("%1", str(p.added)).replace("%2", str(p.updated)).replace("%3", str(p.failed)))
        if p.added or p.updated:
            w.browse.refresh_while_importing()

    def _on_done(self, report: ImportReport) -> None:
        w = self.w
        self.last_report = report
        w.act_last_report.setEnabled(True)
        self._ended()
        w.statusBar().showMessage(ImportReportDialog.summary(report), 15000)
        w.importFinished.emit(report)
        quiet = getattr(w, "quiet_reports", False) or (self.quiet and not report.failures)
        if w.isVisible() and not quiet:
            ImportReportDialog(report, w).open()

    def _on_died(self, how: str) -> None:
        """The import's process ended without its report (killed, crashed): the report says so,
        with what it had stored by its last progress."""
        job = self.job
        last = job.last if job is not None else None
        report = ImportReport(cancelled=True)
        if last is not None:
            report.added, report.updated, report.unchanged = last.added, last.updated, last.unchanged
            report.failed, report.duplicates = last.failed, last.duplicates
            report.warning_count = last.warning_count
        where = ", ".join(job.task.paths) if job is not None else ""
        reason = self.tr("The import stopped unexpectedly (%1). The articles it stored before are "
                         "kept; import again to finish.").replace("%1", how)
        report.fail(where, reason)
        self._on_done(report)
        self.w.statusBar().showMessage(reason, 30000)

    def _on_failed(self, message: str) -> None:
        self._ended()
        self.w.importFinished.emit(None)
        QMessageBox.critical(self.w, self.tr("Import failed"), message)
