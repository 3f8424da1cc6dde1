"""Small dialogs: tag editor, import report, keyboard shortcuts."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.core.importer import ImportReport


def folder_row(parent: QWidget, edit: QLineEdit, title: str) -> QHBoxLayout:
    """A path field with a Browse… button that fills it with a chosen folder."""
    row = QHBoxLayout()
    browse = QPushButton(QCoreApplication.translate("dialogs", "Browse…"), parent)

    def choose() -> None:
        folder = QFileDialog.getExistingDirectory(parent, title, edit.text())
        if folder:
            edit.setText(folder)

    browse.clicked.connect(choose)
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


class TagCompleter(QCompleter):
    """Completes the tag being typed, the last of a comma-separated list, keeping the others."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [path.replace("，", ",").split(",")[-1].strip()]

    def pathFromIndex(self, index: Any) -> str:  # noqa: N802 - Qt's name
        chosen = str(super().pathFromIndex(index))
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        done = [p.strip() for p in text.replace("，", ",").split(",")[:-1] if p.strip()]
        # the popup fills the choice in as it is highlighted, then again when it is taken
        return ", ".join(dict.fromkeys([*done, chosen])) + ", "


class TagEditor(QDialog):
    """Edit the tags of one or more articles: comma-separated, the library's tags completed."""

    def __init__(self, existing: list[str], current: list[str], count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tags"))
        lay = QVBoxLayout(self)
        if count > 1:
            lay.addWidget(QLabel(self.tr("Add tags to %1 articles (comma-separated):").replace("%1", str(count))))
        else:
            lay.addWidget(QLabel(self.tr("Tags (comma-separated):")))
        self.edit = QLineEdit(self)
        self.edit.setText(", ".join(current) + (", " if current else ""))
        self.completer = TagCompleter(existing, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(self.completer)
        lay.addWidget(self.edit)
        if existing:
            hint = QLabel(self.tr("Your tags: %1").replace("%1", "、".join(existing[:12])
                                                             + ("…" if len(existing) > 12 else "")), self)
            hint.setWordWrap(True)
            lay.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(420, 140)

    def tags(self) -> list[str]:
        seen: dict[str, None] = {}
        for p in self.edit.text().replace("，", ",").split(","):
            p = p.strip()
            if p:
                seen[p] = None
        return list(seen)


class ImportReportDialog(QDialog):
    """What an import did: the counts, then every failed file with its reason, every warning with
    its file, and the copies of stories already in the library. File › Last import report…
    opens it again."""

    @staticmethod
    def summary(report: ImportReport) -> str:
        parts = [QCoreApplication.translate("ImportReportDialog", "%1 added").replace("%1", str(report.added)),
                 QCoreApplication.translate("ImportReportDialog", "%1 updated").replace("%1", str(report.updated))]
        if report.unchanged:
            parts.append(QCoreApplication.translate("ImportReportDialog", "%1 unchanged since the last import").replace("%1", str(report.unchanged)))
        if report.duplicates:
            parts.append(QCoreApplication.translate("ImportReportDialog", "%1 copies of articles already imported").replace("%1", str(report.duplicates)))
        parts.append(QCoreApplication.translate("ImportReportDialog", "%1 failed").replace("%1", str(report.failed)))
        if report.warning_count:
            parts.append(QCoreApplication.translate("ImportReportDialog", "%1 warnings").replace("%1", str(report.warning_count)))
        text = QCoreApplication.translate("ImportReportDialog", ", ").join(parts)
        if report.cancelled:
            text += " — " + QCoreApplication.translate("ImportReportDialog", "cancelled")
        return text

    def __init__(self, report: ImportReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle(self.tr("Import report"))
        lay = QVBoxLayout(self)
        summary = QLabel(self.summary(report), self)
        summary.setObjectName("importSummary")
        summary.setWordWrap(True)
        lay.addWidget(summary)
        self.tabs = QTabWidget(self)
        self.table = self._table([self.tr("File"), self.tr("Reason")],
                                 [(f.path, f.error) for f in report.failures])
        self.warnings = self._table([self.tr("File"), self.tr("Warning")],
                                    [(w.path, w.message) for w in report.warnings])
        self.copies = self._table([self.tr("File"), self.tr("Same article as")],
                                  [(d.path, d.same_as or d.key) for d in report.duplicate_files])
        for table, label, n in ((self.table, self.tr("Failed (%1)"), report.failed),
                                (self.warnings, self.tr("Warnings (%1)"), report.warning_count),
                                (self.copies, self.tr("Copies (%1)"), report.duplicates)):
            self.tabs.addTab(table, label.replace("%1", str(n)))
        for i, n in enumerate((report.failed, report.warning_count, report.duplicates)):
            if n:
                self.tabs.setCurrentIndex(i)
                break
        lay.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay.addWidget(buttons)
        self.resize(820, 420)

    def _table(self, headers: list[str], rows: list[tuple[str, str]]) -> QTableWidget:
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        for i, (a, b) in enumerate(rows):
            table.setItem(i, 0, QTableWidgetItem(a))
            table.setItem(i, 1, QTableWidgetItem(b))
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnToContents(0)
        table.setColumnWidth(0, min(table.columnWidth(0), 420))
        return table


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
            f"<tr><td style='padding:3px 14px 3px 0'><b>{html.escape(self.keys_text(k))}</b></td>"
            f"<td>{html.escape(self.tr(v))}</td></tr>" for k, v in SHORTCUTS)
        view.setHtml(f"<table>{rows}</table>")
        lay.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(420, 460)

    def keys_text(self, keys: str) -> str:
        """A table entry's keys as Qt names them in the reader's language ("Space" is "空格"),
        alternatives joined by a translated "or"."""

        def key(name: str) -> str:
            return QKeySequence(name).toString(QKeySequence.SequenceFormat.NativeText) or name

        return self.tr(" or ").join(" / ".join(key(k) for k in alt.split(" / "))
                                     for alt in keys.split(" or "))

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        super().keyPressEvent(event)
