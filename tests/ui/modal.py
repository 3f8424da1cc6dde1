"""Answering the modal dialogs a test opens through the app (imported by name: tests/ui is not a
package). ``exec()`` blocks the test, so a real timer looks for the dialog while it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


@contextmanager
def answering(handle: Callable[[QWidget], None], kind: type[QWidget] = QDialog,
              interval_ms: int = 20) -> Iterator[list[QWidget]]:
    """While the block runs, the first visible modal ``kind`` is passed to ``handle`` (which must
    close it); yields the list of dialogs handled, to check that one was."""
    seen: list[QWidget] = []
    timer = QTimer()
    timer.setInterval(interval_ms)

    def poll() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, kind) and dlg.isVisible() and not seen:
            seen.append(dlg)
            timer.stop()
            handle(dlg)

    timer.timeout.connect(poll)
    timer.start()
    try:
        yield seen
    finally:
        timer.stop()


def close_dialog(dlg: QWidget) -> None:
    if isinstance(dlg, QDialog):
        dlg.reject()
    else:
        dlg.close()
