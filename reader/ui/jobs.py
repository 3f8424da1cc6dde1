"""Work that must not run on the GUI thread: imports and queries.

Each job runs in its own thread with its own SQLite connection (peewee keeps one per thread);
the GUI learns of progress and results through queued signals.
"""

from __future__ import annotations

import threading
import traceback
from array import array
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

from reader.core.importer import ImportProgress, ImportReport
from reader.core.library import Library, LibraryError


class ImportJob(QThread):
    """Runs ``Library.import_paths`` off the GUI thread, with progress and cancel."""

    progressed = Signal(int, int, int, int, int)  # done, total, added, updated, failed
    finishedReport = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, library: Library, paths: Sequence[str], parent: QObject | None = None,
                 workers: int | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.paths = list(paths)
        self.cancel_event = threading.Event()
        self.workers = workers
        self.report: ImportReport | None = None

    def cancel(self) -> None:
        self.cancel_event.set()

    def _progress(self, p: ImportProgress) -> None:
        r = p.report
        self.progressed.emit(p.done, p.total, r.added, r.updated, r.failed)

    def run(self) -> None:
        try:
            self.report = self.library.import_paths(
                self.paths, progress=self._progress, cancel=self.cancel_event, workers=self.workers
            )
            self.finishedReport.emit(self.report)
        except LibraryError as exc:  # disk full, read-only: one sentence says it all
            self.failed.emit(str(exc))
        except Exception as exc:  # reported to the user, never silently lost
            self.failed.emit(f"{exc}\n\n{traceback.format_exc()}")
        finally:
            self.library.db.close()  # this thread's connection


FIRST_PAGE = 400  # rows the list shows before the whole result is known


class _QuerySignals(QObject):
    first = Signal(int, object)  # generation, the first FIRST_PAGE ids
    done = Signal(int, object, str)  # generation, ids, error


class _QueryTask(QRunnable):
    def __init__(self, library: Library, generation: int, query: str, sort: str, desc: bool,
                 signals: _QuerySignals) -> None:
        super().__init__()
        self.library, self.generation, self.query = library, generation, query
        self.sort, self.desc, self.signals = sort, desc, signals

    def run(self) -> None:
        try:
            # the first screenfuls come back in milliseconds even when a filter matches most of a
            # million articles; the whole id list (hundreds of ms then) follows and extends it
            page = self.library.query_ids(self.query, sort=self.sort, descending=self.desc, limit=FIRST_PAGE)
            if len(page) < FIRST_PAGE:
                self.signals.done.emit(self.generation, page, "")
                return
            self.signals.first.emit(self.generation, page)
            ids = array("q", self.library.query_ids(self.query, sort=self.sort, descending=self.desc))
            self.signals.done.emit(self.generation, ids, "")
        except Exception as exc:
            self.signals.done.emit(self.generation, [], str(exc))


class QueryRunner(QObject):
    """Runs list queries on a worker thread; only the newest request's result is delivered."""

    firstPageReady = Signal(object, str)  # the first ids of a large result, query
    resultReady = Signal(object, str)  # ids, query
    queryFailed = Signal(str, str)  # message, query

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)
        self.signals = _QuerySignals()
        self.signals.done.connect(self._done)
        self.signals.first.connect(self._first)
        self.generation = 0
        self._queries: dict[int, str] = {}
        self.library: Library | None = None

    def request(self, query: str, sort: str = "published", desc: bool = True) -> int:
        if self.library is None:
            return self.generation
        self.generation += 1
        self._queries = {self.generation: query}
        self.pool.start(_QueryTask(self.library, self.generation, query, sort, desc, self.signals))
        return self.generation

    def _first(self, generation: int, ids: Any) -> None:
        if generation == self.generation:
            self.firstPageReady.emit(ids, self._queries.get(generation, ""))

    def _done(self, generation: int, ids: Any, error: str) -> None:
        if generation != self.generation:
            return  # a newer request superseded this one
        query = self._queries.get(generation, "")
        if error:
            self.queryFailed.emit(error, query)
        else:
            self.resultReady.emit(ids, query)

    def wait(self) -> None:
        self.pool.waitForDone()
