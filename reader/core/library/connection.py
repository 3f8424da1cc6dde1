"""What every room of the library shares: the database, its write lock and its error messages.

Thread use: one connection object may be shared by threads; peewee gives each thread its own
SQLite connection, and WAL mode lets the GUI read while an import thread writes.  Queries are
bound to this library's database one by one (``bind``): the models in ``store.py`` stay
unbound, so two libraries open at once (a library being moved, a test's second copy) never
share a binding.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from reader.core.post import DEFAULT_TZ, zone
from reader.core.store import LibraryDiskFull, LibraryError, LibraryReadOnly

CHUNK = 500  # ids per IN list (well below SQLite's limit on parameters)


def now() -> int:
    return int(time.time())


def chunks(seq: Sequence[Any], n: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what lies behind it: peewee wraps sqlite3's error (in ``args[0]`` and
    ``__context__``), and a failed rollback after a failed write hides the write's error."""
    todo: list[BaseException] = [exc]
    seen: set[int] = set()
    while todo and len(seen) < 20:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [c for c in (e.__cause__, e.__context__, *e.args[:1]) if isinstance(c, BaseException)]


def write_error(exc: BaseException, db_file: Path) -> LibraryError | None:
    """The error for the user when a write failed for want of space or of write access."""
    for e in _causes(exc):
        name = str(getattr(e, "sqlite_errorname", "") or "")
        msg = str(e).lower()
        if name == "SQLITE_FULL" or "database or disk is full" in msg:
            return LibraryDiskFull(f"Cannot write to the library {db_file}: the disk is full. "
                                   "Free some space and try again; the unfinished change was not saved.")
        if name == "SQLITE_IOERR_WRITE":
            return LibraryDiskFull(f"Cannot write to the library {db_file}: writing failed; the disk may be "
                                   "full or failing. The unfinished change was not saved.")
        if name.startswith("SQLITE_READONLY") or "readonly database" in msg:
            return LibraryReadOnly(f"The library {db_file} is read-only: the change was not saved.")
    return None


class Connection:
    """The open library file as the rooms use it: peewee queries bound to it (``q``), the
    few measured raw statements (``sql``/``one``) and write transactions (``writing``)."""

    def __init__(self, db: SqliteDatabase, db_file: Path):
        self.db = db
        self.db_file = db_file
        self.tz = zone(DEFAULT_TZ)
        self.write_lock = threading.RLock()

    def q(self, query: Any) -> Any:
        """A peewee query bound to this library's database (typed ``Any``: peewee's hints
        describe model instances, not the ``.tuples()`` rows the rooms read)."""
        return query.bind(self.db)

    def sql(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """Run one raw statement (from ``reader.core.sql``); returns the cursor."""
        if self.db.is_closed():
            self.db.connect(reuse_if_open=True)
        return self.db.execute_sql(statement, list(params))

    def one(self, statement: str, params: Sequence[Any] = ()) -> Any:
        row = self.sql(statement, params).fetchone()
        return row[0] if row else None

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``) under the write lock.  When SQLite
        cannot write for want of space or of write access, it is rolled back and
        :class:`LibraryDiskFull` or :class:`LibraryReadOnly` says so."""
        with self.write_lock:
            try:
                with self.db.atomic("IMMEDIATE"):
                    yield
            except LibraryError:
                raise
            except Exception as exc:
                error = write_error(exc, self.db_file)
                if error is None:
                    raise
                raise error from exc
