"""Find in the article (Ctrl+F): a bar under the viewer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from reader.ui.viewer import ArticleViewer


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
