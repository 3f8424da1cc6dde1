"""Work that must not run on the GUI thread: library calls and queries (imports run in a
process of their own: ``process_job``).

Each job runs in its own thread with its own SQLite connection (peewee keeps one per thread);
the GUI learns of progress and results through queued signals.
"""

from __future__ import annotations

import contextlib
import ctypes
import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from reader.core.library import Library, LibraryError
from reader.core.search import QueryError
from reader.ui.core_words import query_error_text


class CallJob(QThread):
    """One library call off the GUI thread (e.g. marking a million articles read)."""

    done = Signal(object)  # the call's result
    failed = Signal(str)

    def __init__(self, library: Library, call: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library, self.call = library, call

    def run(self) -> None:
        try:
            self.done.emit(self.call())
        except LibraryError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # reported to the user, never silently lost
            self.failed.emit(f"{exc}\n\n{traceback.format_exc()}")
        finally:
            self.library.db.close()  # this thread's connection


FIRST_PAGE = 400  # rows the list shows before the whole result is known


def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_freed_memory() -> None:
    """Give the memory a replaced id list freed back to the system (glibc keeps it otherwise:
    at a million articles a few filters leave ~40 MB more resident, measured)."""
    if _TRIM is not None:
        _TRIM(0)


class _QuerySignals(QObject):
    first = Signal(int, object)  # generation, the first FIRST_PAGE ids
    done = Signal(int, object, str)  # generation, ids, error
    rows = Signal(object, object)  # token, {id: ArticleRow}


class QueryRunner(QObject):
    """Runs list queries on one long-lived worker thread; only the newest request's result is
    delivered.

    The thread is a Python thread, so that it keeps one SQLite connection (and its warm page
    cache) from query to query: a pool thread gets a fresh Python thread state, and with it a
    fresh connection, on every run, and the abandoned ones linger until a garbage collection.
    """

    firstPageReady = Signal(object, str)  # the first ids of a large result, query
    resultReady = Signal(object, str)  # ids, query
    queryFailed = Signal(str, str)  # message, query
    rowsReady = Signal(object, object)  # the token of a prefetch, its rows

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = _QuerySignals()
        self.signals.done.connect(self._done)
        self.signals.first.connect(self._first)
        self.signals.rows.connect(self.rowsReady)
        self.generation = 0
        self._queries: dict[int, str] = {}
        self.library: Library | None = None
        self._jobs: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._cv = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None

    def _submit(self, job: tuple[Any, ...]) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._serve, name="finews-query", daemon=True)
            self._thread.start()
        with self._cv:
            self._pending += 1
        self._jobs.put(job)

    def request(self, query: str, sort: str = "published", desc: bool = True) -> int:
        if self.library is None:
            return self.generation
        self.generation += 1
        self._queries = {self.generation: query}
        self._submit(("query", self.library, self.generation, query, sort, desc))
        return self.generation

    def prefetch(self, token: object, ids: Sequence[int]) -> None:
        """Read the list's rows ``ids`` on the worker (its own connection, its warm cache), so
        that the page the reader scrolls to next is read before it is shown; ``rowsReady``
        brings them back with ``token``."""
        if self.library is not None:
            self._submit(("rows", self.library, 0, ids, token, False))

    def release(self) -> None:
        """Close the worker's connection (before its library is closed or switched) and wait."""
        if self._thread is not None and self._thread.is_alive():
            self._submit(("release", None, 0, "", "", False))
        self.wait()

    def wait(self) -> None:
        with self._cv:
            self._cv.wait_for(lambda: self._pending == 0)

    def _serve(self) -> None:
        current: Library | None = None
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                kind, lib, generation, query, sort, desc = job
                if current is not None and (kind == "release" or lib is not current):
                    with contextlib.suppress(Exception):  # a closed library: nothing left to close
                        current.db.close()  # this thread's connection
                    current = None
                if lib is not None and lib is not current and kind in ("query", "rows"):
                    with contextlib.suppress(Exception):  # a closed library fails below
                        lib.use_small_cache()  # this thread's new connection
                if kind == "query" and lib is not None and generation == self.generation:
                    current = lib
                    self._run(lib, generation, query, sort, desc)
                elif kind == "rows" and lib is not None:
                    current = lib
                    ids, token = job[3], job[4]
                    with contextlib.suppress(Exception):  # a prefetch that fails is read when shown
                        self.signals.rows.emit(token, lib.rows(ids))
            finally:
                with self._cv:
                    self._pending -= 1
                    self._cv.notify_all()

    def _run(self, lib: Library, generation: int, query: str, sort: str, desc: bool) -> None:
        try:
            # the first screenfuls come back in milliseconds even when a filter matches most of a
            # million articles; the whole id list (hundreds of ms then) follows and extends it
            page = lib.query_id_array(query, sort=sort, descending=desc, limit=FIRST_PAGE)
            if len(page) < FIRST_PAGE:
                self.signals.done.emit(generation, page, "")
                return
            self.signals.first.emit(generation, page)
            ids = lib.query_id_array(query, sort=sort, descending=desc)
            self.signals.done.emit(generation, ids, "")
        except QueryError as exc:  # said in the reader's language
            self.signals.done.emit(generation, [], query_error_text(exc))
        except Exception as exc:
            self.signals.done.emit(generation, [], str(exc))

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

