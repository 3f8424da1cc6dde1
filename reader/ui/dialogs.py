"""Small dialogs: tag editor, import report, keyboard shortcuts."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.core.importer import ImportReport


class TagEditor(QDialog):
    """Edit the tags of one or more articles: comma-separated, with completion."""

    def __init__(self, existing: list[str], current: list[str], count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tags"))
        lay = QVBoxLayout(self)
        if count > 1:
            lay.addWidget(QLabel(self.tr("Add tags to %1 articles (comma-separated):").replace("%1", str(count))))
        else:
            lay.addWidget(QLabel(self.tr("Tags (comma-separated):")))
        self.edit = QLineEdit(self)
        self.edit.setText(", ".join(current))
        completer = QCompleter(existing, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(completer)
        self.edit.textEdited.connect(self._complete_last)
        self._completer = completer
        completer.activated.connect(self._insert)
        self.edit.setCompleter(None)
        completer.setWidget(self.edit)
        lay.addWidget(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(420, 120)

    def _complete_last(self, text: str) -> None:
        last = text.split(",")[-1].strip()
        if last:
            self._completer.setCompletionPrefix(last)
            self._completer.complete()
        else:
            self._completer.popup().hide()

    def _insert(self, choice: str) -> None:
        parts = [p.strip() for p in self.edit.text().split(",")]
        parts[-1] = choice
        self.edit.setText(", ".join(p for p in parts if p) + ", ")

    def tags(self) -> list[str]:
        seen: dict[str, None] = {}
        for p in self.edit.text().replace("，", ",").split(","):
            p = p.strip()
            if p:
                seen[p] = None
        return list(seen)


class ImportReportDialog(QDialog):
    """What an import did, and every file that failed with its reason."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import report"))
        lay = QVBoxLayout(self)
        summary = self.tr("%1 added, %2 updated, %3 unchanged, %4 failed").replace(
            "%1", str(report.added)).replace("%2", str(report.updated)).replace(
            "%3", str(report.unchanged)).replace("%4", str(report.failed))
        if report.cancelled:
            summary += " — " + self.tr("cancelled")
        lay.addWidget(QLabel(summary))
        self.table = QTableWidget(len(report.failures), 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Reason")])
        for i, f in enumerate(report.failures):
            self.table.setItem(i, 0, QTableWidgetItem(f.path))
            self.table.setItem(i, 1, QTableWidgetItem(f.error))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnToContents(0)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)
        self.resize(760, 360)


SHORTCUTS = [
    ("J / ↓", "Next article"), ("K / ↑", "Previous article"), ("Space", "Page down, then next article"),
    ("N", "Next unread"), ("S", "Bookmark"), ("T", "Tag…"), ("R", "Toggle read"),
    ("O", "Open original (asks first)"), ("Ctrl+F", "Find in article"), ("Ctrl+K or /", "Search"),
    ("Ctrl+= / Ctrl+-", "Zoom in / out"), ("Ctrl+0", "Actual size"), ("Ctrl+I", "Import folder…"),
    ("Ctrl+Shift+R", "Mark all as read"), ("Ctrl+Shift+E", "Export article as PDF"),
    ("F1 or ?", "This help"),
]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        lay = QVBoxLayout(self)
        view = QTextBrowser(self)
        rows = "".join(
            f"<tr><td style='padding:3px 14px 3px 0'><b>{html.escape(k)}</b></td>"
            f"<td>{html.escape(self.tr(v))}</td></tr>" for k, v in SHORTCUTS)
        view.setHtml(f"<table>{rows}</table>")
        lay.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(420, 460)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        super().keyPressEvent(event)
