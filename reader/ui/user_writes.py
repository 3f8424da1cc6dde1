"""The reader's own changes (bookmark, read, tags) written off the GUI thread while an import runs.

Why: the import's process holds the library's write lock for each batch it stores (up to about
half a second) and, after a large import, for the full-text index's merge (3 s at 10,000 posts,
measured on a loaded 2-core machine).  A bookmark written on the GUI thread then waited that
long with the window frozen.  Here it waits on a thread of its own; the window shows the change
when it is stored.  Writes run one at a time, in the order asked, so a later change never
overtakes an earlier one.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Signals(QObject):
    stored = Signal(object)  # the callable to run on the GUI thread once the write is stored
    failed = Signal(str)


class UserWrites(QObject):
    """Queue of the reader's writes, run in order on one Python thread (it keeps its SQLite
    connection only while it has work: the library may be closed or switched in between)."""

    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.stored.connect(lambda then: then())
        self._signals.failed.connect(self.failed)
        self._jobs: queue.Queue[tuple[Any, Callable[[], object], Callable[[], None]]] = queue.Queue()
        self._cv = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None

    def pending(self) -> int:
        with self._cv:
            return self._pending

    def submit(self, library: Any, write: Callable[[], object], then: Callable[[], None]) -> None:
        """Run ``write`` (a call on ``library``) after those already asked; ``then`` runs on the
        GUI thread once it is stored."""
        with self._cv:
            self._pending += 1
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._serve, name="finews-user-writes", daemon=True)
            self._thread.start()
        self._jobs.put((library, write, then))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every write asked is stored (the window closes, the library changes)."""
        with self._cv:
            return self._cv.wait_for(lambda: self._pending == 0, timeout)

    def _serve(self) -> None:
        while True:
            library, write, then = self._jobs.get()
            try:
                write()
                self._signals.stored.emit(then)
            except Exception as exc:  # said to the reader, never silently lost
                self._signals.failed.emit(f"{exc}\n\n{traceback.format_exc()}")
            finally:
                with self._cv:
                    self._pending -= 1
                    idle = self._pending == 0
                    self._cv.notify_all()
                if idle:
                    with contextlib.suppress(Exception):  # a closed library: nothing to close
                        library.db.close()  # this thread's connection
