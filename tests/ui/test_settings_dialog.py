"""The Settings dialog shows the window as it is, and its OK keeps what the reader did not change."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent))

from modal import answering  # noqa: E402

from reader.core.library import Library  # noqa: E402
from reader.ui.main_window import MainWindow  # noqa: E402
from reader.ui.settings_dialog import SettingsDialog  # noqa: E402


def test_settings_shows_the_current_zoom_and_font_and_ok_keeps_them(qtbot, tmp_path, corpus_dir):
    with Library.open(tmp_path / "lib") as lib:
        lib.import_paths([corpus_dir], workers=1)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("reader/markReadDelayMs", 2500)
    settings.setValue("ui/language", "zh_CN")
    settings.setValue("view/theme", "light")
    w = MainWindow(None, settings=settings)
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(Library.open(tmp_path / "lib"))
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)

    base_size = w.viewer.font().pointSizeF()
    for _ in range(2):  # the reader enlarges the text twice and switches to the serif font
        qtbot.keyClick(w.table, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    w.act_serif.trigger()
    assert w.zoom_steps == 2 and w.viewer.serif
    zoomed_size = w.viewer.font().pointSizeF()
    assert zoomed_size > base_size

    shown: dict[str, object] = {}

    def look_then_ok(dlg: QWidget) -> None:
        assert isinstance(dlg, SettingsDialog)
        shown.update(theme=dlg.theme.currentData(), serif=dlg.serif.currentData(),
                     zoom=dlg.zoom.value(), delay=dlg.delay.value(), language=dlg.language.currentData())
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    with answering(look_then_ok, SettingsDialog) as seen:
        w.act_settings.trigger()
    assert seen, "the Settings dialog opened"
    assert shown == {"theme": "light", "serif": "true", "zoom": 2, "delay": 2500, "language": "zh_CN"}
    # OK changed nothing the reader did not change
    assert w.zoom_steps == 2 and w.act_serif.isChecked() and w.viewer.serif
    assert w.viewer.font().pointSizeF() == zoomed_size
    assert w.mark_read_delay_ms == 2500 and not w.act_theme.isChecked()
    w.close()
    if w.library is not None:
        w.library.close()


def test_text_size_stays_within_what_settings_can_show(qtbot, tmp_path):
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    for _ in range(30):
        w.act_zoom_in.trigger()
    dlg = SettingsDialog(w.settings, "", [], w)
    qtbot.addWidget(dlg)
    assert dlg.zoom.value() == w.zoom_steps == dlg.zoom.maximum()
    w.act_zoom_reset.trigger()
    assert w.zoom_steps == 0 and int(w.settings.value("view/zoom")) == 0
