"""The one facade the command line and the GUI call: ``Library.open(path)`` and its methods.

The work sits in rooms of one job each, composed here and each holding the shared
:class:`~reader.core.library.connection.Connection`: the import writer (``writer``), the queries
(``queries``), the reader's own data (``userdata``), securities (``securities``), counts
(``catalog``) and the key/value settings (``meta``).  This class only opens, closes and hands
each call to its room.  Its method list is long because it is the whole public surface; every
method is one line.

Thread use: one ``Library`` may be shared by threads; peewee gives each thread its own SQLite
connection, and WAL mode lets the GUI read while an import thread writes.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase
from platformdirs import user_data_dir

from reader import APP_NAME
from reader.core import importer as imp
from reader.core import sql, store
from reader.core.library.archives import ArchiveInfo, ArchiveResult, Archives
from reader.core.library.catalog import Catalog
from reader.core.library.connection import Connection
from reader.core.library.meta import Settings
from reader.core.library.queries import Queries
from reader.core.library.records import ArticleDetail, ArticleRow, SearchHit, SecurityInfo
from reader.core.library.securities import Securities
from reader.core.library.trending import Trending, TrendingRoom
from reader.core.library.userdata import ReaderData, clean_tag
from reader.core.library.writer import ImportWriter
from reader.core.post import Article
from reader.core.search import CompiledQuery
from reader.core.store import DB_NAME, LibraryError, backup_file, migrate

ENV_VAR = "FINEWS_READER_LIBRARY"


def default_library_path() -> Path:
    """``$FINEWS_READER_LIBRARY``, else the platform's user data folder for finews-reader."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else Path(user_data_dir(APP_NAME, appauthor=False))


class Library:
    """A library folder holding ``library.sqlite3``."""

    def __init__(self, folder: Path, db_file: Path, db: SqliteDatabase, backup: Path | None):
        self.folder = folder
        self.db_file = db_file
        self.db = db
        self.migration_backup = backup
        self.conn = Connection(db, db_file)
        self.tz = self.conn.tz
        self._write_lock = self.conn.write_lock
        self.settings = Settings(self.conn)
        self.catalog = Catalog(self.conn)
        self.securities_room = Securities(self.conn)
        self.trending_room = TrendingRoom(self.conn)
        self.queries = Queries(self.conn, self.securities_room.resolve)
        self.reader_data = ReaderData(self.conn, self.settings, self.queries.article_ids)
        self.writer = ImportWriter(self.conn, self.settings, self.reader_data, self.catalog.article_count)
        self.archives_room = Archives(self.conn, folder, self.import_paths)

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | os.PathLike[str] | None = None) -> Library:
        """Open (creating or migrating as needed) the library in ``folder``.

        Raises :class:`LibraryError` with a message for the user when the folder cannot be
        used, the file is damaged, or it was written by a newer version.
        """
        path = Path(folder).expanduser() if folder is not None else default_library_path()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"Cannot create the library folder {path}: {exc.strerror or exc}") from exc
        db_file = path / DB_NAME
        if db_file.exists() and not os.access(db_file, os.R_OK):
            raise LibraryError(f"The library file {db_file} cannot be read (permission denied).")
        backup = migrate(db_file)
        try:
            db = store.open_database(db_file)  # looked up on the module: tests make it read-only
        except Exception as exc:
            raise LibraryError(f"Cannot open the library {db_file}: {exc}") from exc
        lib = cls(path, db_file, db, backup)
        lib.writer.check_tokenizer()
        return lib

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def use_small_cache(self) -> None:
        """Give the calling thread's connection a small page cache (a helper thread of the
        window: its reads are sequential or once, and each connection's cache is resident)."""
        self.conn.sql(sql.SMALL_CACHE)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.pragma("user_version"))

    def backup(self, reason: str = "manual") -> Path:
        return backup_file(self.db_file, reason)

    # --- diagnostics and the benchmarks' bulk loader (tests check the file through these) -----

    def _sql(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.sql(sql, params)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.one(sql, params)

    def _store_article(self, art: Article) -> str:
        return self.writer.store_article(art)

    # --- import and the full-text index ----------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        progress: imp.ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        workers: int | None = None,
    ) -> imp.ImportReport:
        """Import folders and files; returns the report.  Never raises for a bad post."""
        return self.writer.import_paths(paths, progress=progress, cancel=cancel, workers=workers)

    def rebuild_index(self) -> None:
        """Re-create the full-text index from the stored texts (after a tokenizer change)."""
        self.writer.rebuild_index()

    def optimize(self) -> None:
        """Merge the full-text index into a single segment (after large imports)."""
        self.writer.optimize()

    # --- queries ---------------------------------------------------------------------------

    def compile(self, query: str) -> CompiledQuery:
        return self.queries.compile(query)

    def query_ids(self, query: str = "", *, sort: str = "published", descending: bool = True,
                  limit: int | None = None) -> list[int]:
        """Ids of the articles matching ``query`` (the search language), newest first by default."""
        return self.queries.ids(query, sort, descending, limit)

    def query_id_array(self, query: str = "", *, sort: str = "published", descending: bool = True,
                       limit: int | None = None) -> array:
        """``query_ids`` as a typed array (a million ids cost 8 MB, not ~100 MB of ints)."""
        return self.queries.id_array(query, sort, descending, limit)

    def count(self, query: str = "") -> int:
        return self.queries.count(query)

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        return self.queries.rows(ids)

    def article_id(self, key: str) -> int | None:
        return self.queries.article_id(key)

    def article(self, ref: int | str) -> ArticleDetail | None:
        return self.queries.article(ref)

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """The first page of results for ``query``, newest first, with highlighted snippets."""
        return self.queries.search(query, limit=limit, offset=offset)

    def highlights(self, query: str) -> list[str]:
        """The literal strings a query looks for (the viewer highlights them)."""
        return self.queries.highlights(query)

    def tags_of(self, aid: int) -> list[str]:
        return self.queries.tags_of(aid)

    # --- counts ------------------------------------------------------------------------------

    def reading_counts(self) -> dict[str, int]:
        """What the sidebar shows: articles, unread and bookmarked (each read from an index)."""
        return self.catalog.reading_counts()

    def stats(self) -> dict[str, int]:
        return self.catalog.stats()

    def categories(self) -> list[tuple[str, int]]:
        return self.catalog.categories()

    def category_titles(self, sample: int = 1000) -> dict[str, str]:
        """A readable title per category (the archive tag its articles carry most)."""
        return self.catalog.category_titles(sample)

    def sources(self) -> list[tuple[str, int]]:
        return self.catalog.sources()

    # --- the reader's data -------------------------------------------------------------------

    def set_bookmarked(self, ids: Iterable[int], on: bool = True) -> None:
        self.reader_data.set_bookmarked(ids, on)

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        self.reader_data.set_read(ids, read)

    def mark_all_read(self, query: str = "") -> int:
        ids = self.query_ids(query + " is:unread")
        self.set_read(ids, True)
        return len(ids)

    @staticmethod
    def clean_tag(name: str) -> str:
        return clean_tag(name)

    def add_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        self.reader_data.add_tags(ids, tags)

    def remove_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        self.reader_data.remove_tags(ids, tags)

    def rename_tag(self, old: str, new: str) -> None:
        self.reader_data.rename_tag(old, new)

    def delete_tag(self, name: str) -> None:
        self.reader_data.delete_tag(name)

    def user_tags(self) -> list[tuple[str, int]]:
        return self.reader_data.user_tags()

    def saved_searches(self) -> list[tuple[str, str]]:
        return self.reader_data.saved_searches()

    def save_search(self, name: str, query: str) -> None:
        self.reader_data.save_search(name, query)

    def delete_saved_search(self, name: str) -> None:
        self.reader_data.delete_saved_search(name)

    def watch(self, secids: Iterable[str]) -> None:
        self.reader_data.watch(secids)

    def unwatch(self, secids: Iterable[str]) -> None:
        self.reader_data.unwatch(secids)

    def watchlist(self) -> list[str]:
        return self.reader_data.watchlist()

    def user_data(self) -> dict[str, Any]:
        """The reader's data, keyed by article key (what ``export-user-data`` writes)."""
        return self.reader_data.user_data()

    def export_user_data(self, path: str | os.PathLike[str]) -> int:
        return self.reader_data.export_user_data(path)

    def write_compact_backup(self, path: str | os.PathLike[str]) -> int:
        """The daily backup's compact, compressed form of the reader's data (read back by
        ``import_user_data``); returns the number of marks written."""
        return self.reader_data.write_compact_backup(path)

    def import_user_data(self, path: str | os.PathLike[str]) -> int:
        """Merge a user-data backup; entries for articles not here yet wait for them."""
        return self.reader_data.import_user_data(path)

    # --- securities --------------------------------------------------------------------------

    def securities(self, *, limit: int | None = None, filter_text: str = "",
                   order: str = "articles") -> list[SecurityInfo]:
        rows = self.security_rows(limit=limit, filter_text=filter_text, order=order)
        return [self.securities_room.info(r) for r in rows]

    def security_rows(self, *, limit: int | None = None, filter_text: str = "",
                      order: str = "articles") -> list[tuple[Any, ...]]:
        """``securities`` as plain rows (id, secid, market, code, name, names, articles,
        first_seen, last_seen as epoch seconds, watched): tens of thousands in a few ms."""
        return self.securities_room.rows(limit=limit, filter_text=filter_text, order=order)

    def security_info(self, row: Sequence[Any]) -> SecurityInfo:
        """One ``security_rows`` row as a :class:`SecurityInfo`."""
        return self.securities_room.info(row)

    def security(self, ref: str) -> SecurityInfo | None:
        return self.securities_room.one(ref)

    def resolve_security_ids(self, text: str) -> list[int]:
        """Security ids for a secid (``0.000931``), symbol (``000931.SZ``), code or name."""
        return self.securities_room.resolve(text)

    def secids(self, ids: Sequence[int]) -> list[tuple[str, str]]:
        """(secid, name) of the securities with these ids (from ``resolve_security_ids``)."""
        return self.securities_room.secids(ids)

    def security_timeline(self, secid: str) -> list[tuple[dt.date, int]]:
        """Articles mentioning ``secid`` per day (the library's time zone), oldest first."""
        return self.securities_room.timeline(secid)

    def co_mentions(self, secid: str, limit: int = 8) -> list[tuple[str, str, int]]:
        """(secid, name, articles) of the securities most often mentioned alongside ``secid``."""
        return self.securities_room.co_mentions(secid, limit)

    def trending(self, day: dt.date | None = None, limit: int = 20) -> Trending:
        """What moved on ``day`` (default: the newest day with articles): unusual mentions,
        boards, the most-mentioned securities and the most-carried stories."""
        return self.trending_room.day(day, limit)

    def newest_day(self) -> dt.date | None:
        """The newest day with articles, in the library's time zone."""
        return self.trending_room.newest_day()
    # --- archives fetched from git (reader.core.library.archives) ------------------------------

    def add_archive(self, source: str, name: str | None = None, *,
                    progress: imp.ProgressCallback | None = None,
                    cancel: threading.Event | None = None) -> ArchiveResult:
        """Fetch a git archive (URL or local repository) and import its posts, newest first."""
        return self.archives_room.add(source, name, progress=progress, cancel=cancel)

    def update_archive(self, name: str, *, progress: imp.ProgressCallback | None = None,
                       cancel: threading.Event | None = None) -> ArchiveResult:
        """Fetch an archive's new tip and import only the posts that changed."""
        return self.archives_room.update(name, progress=progress, cancel=cancel)

    def archives(self) -> list[ArchiveInfo]:
        return self.archives_room.infos()

    def remove_archive(self, name: str, *, keep_files: bool = False) -> None:
        self.archives_room.remove(name, keep_files=keep_files)

    # --- settings kept in the library ----------------------------------------------------------

    def setting(self, key: str) -> str | None:
        """A value the app keeps in the library (e.g. its watched folders), or None."""
        return self.settings.get(key)

    def set_setting(self, key: str, value: str) -> None:
        with self.conn.writing():
            self.settings.put(key, value)
