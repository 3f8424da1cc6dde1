"""Settings: library location, theme, font, mark-read delay, images, language, watched folders."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

THEMES = [("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")]
LANGUAGES = [("system", "System language"), ("en", "English"), ("zh_CN", "简体中文")]
ZOOM_MIN, ZOOM_MAX = -5, 10  # text size steps; the window keeps within them



def setting_int(s: QSettings, key: str, default: int) -> int:
    """An integer setting; a value that is not one (a hand-edited file) gives the default."""
    try:
        return int(str(s.value(key, default)))
    except ValueError:
        return default


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, library_path: str, watched: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings
        self.requested_library: str | None = None
        self.move_library_to: str | None = None
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)

        lib_row = QHBoxLayout()
        self.library_label = QLabel(library_path)
        self.library_label.setWordWrap(True)
        open_btn = QPushButton(self.tr("Open another…"))
        open_btn.clicked.connect(self._open_other)
        move_btn = QPushButton(self.tr("Move…"))
        move_btn.clicked.connect(self._move)
        lib_row.addWidget(self.library_label, 1)
        lib_row.addWidget(open_btn)
        lib_row.addWidget(move_btn)
        form.addRow(self.tr("Library:"), lib_row)

        self.theme = QComboBox()
        for key, label in THEMES:
            self.theme.addItem(self.tr(label), key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(str(settings.value("view/theme", "system")))))
        form.addRow(self.tr("Theme:"), self.theme)

        self.serif = QComboBox()
        self.serif.addItem(self.tr("Sans-serif"), "false")
        self.serif.addItem(self.tr("Serif"), "true")
        self.serif.setCurrentIndex(max(0, self.serif.findData(str(settings.value("view/serif", "false")).lower())))
        form.addRow(self.tr("Article font:"), self.serif)

        self.zoom = QSpinBox()
        self.zoom.setRange(ZOOM_MIN, ZOOM_MAX)
        self.zoom.setValue(setting_int(settings, "view/zoom", 0))
        form.addRow(self.tr("Text size (steps):"), self.zoom)

        self.delay = QSpinBox()
        self.delay.setRange(0, 60000)
        self.delay.setSingleStep(500)
        self.delay.setSuffix(self.tr(" ms"))
        self.delay.setValue(setting_int(settings, "reader/markReadDelayMs", 1500))
        form.addRow(self.tr("Mark as read after:"), self.delay)

        self.images = QCheckBox(self.tr("Show remote images as placeholders (never fetched)"))
        self.images.setChecked(True)
        self.images.setEnabled(False)
        form.addRow(self.tr("Images:"), self.images)

        self.language = QComboBox()
        for key, label in LANGUAGES:
            self.language.addItem(self.tr(label), key)
        self.language.setCurrentIndex(max(0, self.language.findData(str(settings.value("ui/language", "system")))))
        form.addRow(self.tr("Language (after restart):"), self.language)

        lay.addWidget(QLabel(self.tr("Watched folders (new and changed posts are imported automatically):")))
        self.watched = QListWidget()
        self.watched.addItems(watched)
        lay.addWidget(self.watched)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add folder…"))
        add.clicked.connect(self._add_folder)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(lambda: [self.watched.takeItem(self.watched.row(i)) for i in self.watched.selectedItems()])
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(620, 480)

    def _open_other(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a library folder"))
        if folder:
            self.requested_library = folder
            self.library_label.setText(folder)

    def _move(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Move the library to"))
        if folder:
            self.move_library_to = folder
            self.library_label.setText(self.tr("%1 (after moving)").replace("%1", folder))

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Watch a folder of posts"))
        if folder:
            self.watched.addItem(folder)

    def watched_folders(self) -> list[str]:
        return [self.watched.item(i).text() for i in range(self.watched.count())]

    def save(self) -> None:
        s = self.settings
        s.setValue("view/theme", self.theme.currentData())
        s.setValue("view/serif", self.serif.currentData())
        s.setValue("view/zoom", self.zoom.value())
        s.setValue("reader/markReadDelayMs", self.delay.value())
        s.setValue("ui/language", self.language.currentData())
        s.sync()
