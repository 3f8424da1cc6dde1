"""Archives fetched from git, from the window: File › Add archive…, View › Update (F5), the
first-run banner's "Add the finews archive", and an optional schedule.

Fetching and importing run in a process of their own (``process_job``), as the window's
imports do, so the reader can go on reading; the list refreshes as the newest posts arrive, the
status bar shows progress, and the window's Cancel stops the job.  An error (or a child that
died) is one sentence in a message box; what was imported before stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from reader.core import import_process as ip
from reader.core.gitfetch import is_url
from reader.ui.dialogs import folder_row
from reader.ui.process_job import ProcessJob, WindowJobs

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

FINEWS_URL = "https://github.com/zning1994/finews"
SCHEDULE_SETTING = "archives/updateMinutes"  # 0 (the default): no scheduled updates


class AddArchiveDialog(QDialog):
    """A git URL or a folder: a repository is fetched and kept, any other folder imported."""

    def __init__(self, source: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addArchiveDialog")
        self.setWindowTitle(self.tr("Add an archive"))
        lay = QVBoxLayout(self)
        text = QLabel(self.tr("A git URL (https://, http://, git://, file://) or a folder. A git "
                              "repository is fetched into the library and kept up to date with "
                              "View › Update (F5); any other folder is imported."), self)
        text.setWordWrap(True)
        lay.addWidget(text)
        self.source_edit = QLineEdit(source, self)
        self.source_edit.setPlaceholderText(self.tr("URL or folder"))
        self.source_edit.setMinimumWidth(420)
        lay.addLayout(folder_row(self, self.source_edit, self.tr("Add an archive")))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Add"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.source_edit.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        text = self.source()
        self.ok_button.setEnabled(bool(text) and (is_url(text) or Path(text).expanduser().is_dir()))

    def source(self) -> str:
        return self.source_edit.text().strip()


def is_git_folder(path: Path) -> bool:
    return (path / ".git").exists() or ((path / "objects").is_dir() and (path / "HEAD").is_file())


class ArchiveController(WindowJobs):
    """Adds and updates archives off the GUI thread; ``finished`` carries the results (a
    list of ``ArchiveResult``) or None after an error."""

    finished = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.error_box: QMessageBox | None = None
        window.cancel_button.clicked.connect(self.cancel)
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.update_all(quiet=True))
        self.apply_schedule()

    def apply_schedule(self) -> None:
        """Update every N minutes while the app runs (the setting; off by default)."""
        try:
            minutes = int(str(self.w.settings.value(SCHEDULE_SETTING, 0) or 0))
        except (TypeError, ValueError):
            minutes = 0
        self.timer.stop()
        if minutes > 0:
            self.timer.start(minutes * 60_000)

    # --- the user's commands ------------------------------------------------------------------

    def add_archive_dialog(self, source: str = "") -> None:
        dlg = AddArchiveDialog(source, self.w)
        if dlg.exec():
            self.add(dlg.source())

    def add(self, source: str) -> ProcessJob | None:
        folder = Path(source).expanduser()
        if not is_url(source) and folder.is_dir() and not is_git_folder(folder):
            self.w.importer.start([str(folder)])  # a plain folder: the ordinary import
            return None
        if not self._ready() or not self.w.importer._leave_demo() or self.w.library is None:
            return None
        return self._launch(ip.Task(str(self.w.library.folder), "add_archive", source=source),
                           self.tr("Fetching the archive…"))

    def update_all(self, quiet: bool = False) -> ProcessJob | None:
        lib = self.w.library
        if lib is None or self.w.demo or not lib.archives():
            if not quiet:
                self.w.statusBar().showMessage(
                    self.tr("No archives to update: add one with File › Add archive…"), 6000)
            return None
        if not self._ready(quiet):
            return None
        return self._launch(ip.Task(str(lib.folder), "update_archives"),
                           self.tr("Updating the archives…"))

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def stop(self) -> None:
        """The window closes: a running job is cancelled and waited for (a fetch may take a
        while to notice); one that does not end within 60 s is ended with its workers."""
        self.timer.stop()
        if self.job is not None:
            self.job.stop(60000)

    # --- the job -------------------------------------------------------------------------------

    def _ready(self, quiet: bool = False) -> bool:
        if self.running() or self.w.importer.running():
            if not quiet:
                self.w.statusBar().showMessage(self.tr("An import is already running"), 4000)
            return False
        return True

    def _on_progress(self, p: ip.Summary) -> None:
        w = self.w
        done, total, added = p.done, p.total, p.added
        if p.phase == "fetching":
            w.progress.setRange(0, 0)
            return
        if total:
            w.progress.setRange(0, total)
            w.progress.setValue(done)
        w.statusBar().showMessage(self.tr("Importing the archive… %1 of %2, %3 new")
                                  .replace("%1", str(done)).replace("%2", str(total))
                                  .replace("%3", str(added)))
        if added:
            w.browse.refresh_while_importing()  # today's articles show while the rest fills in

    def _on_done(self, results: list[Any]) -> None:
        self._ended()
        added = sum(r.report.added for r in results)
        updated = sum(r.report.updated for r in results)
        cancelled = any(r.report.cancelled for r in results)
        text = (self.tr("Archive update cancelled: %1 new, %2 updated") if cancelled
                else self.tr("Archives up to date: %1 new, %2 updated"))
        self.w.statusBar().showMessage(text.replace("%1", str(added)).replace("%2", str(updated)), 15000)
        self.finished.emit(results)

    def _on_died(self, how: str) -> None:
        self._on_failed(self.tr("The archive update stopped unexpectedly (%1). What it imported "
                                "before is kept; update again to finish.").replace("%1", how))

    def _on_failed(self, message: str) -> None:
        self._ended()
        self.w.statusBar().showMessage(message, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Archive"), message,
                          QMessageBox.StandardButton.Ok, self.w)
        box.setObjectName("archiveError")
        self.error_box = box
        box.open()
        self.finished.emit(None)
