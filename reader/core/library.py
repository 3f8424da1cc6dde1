"""The one facade the command line and the GUI call: ``Library.open(path)`` and its methods.

Thread use: one ``Library`` may be shared by threads; peewee gives each thread its own SQLite
connection, and WAL mode lets the GUI read while an import thread writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase
from platformdirs import user_data_dir

from reader import APP_NAME
from reader.core import importer as imp
from reader.core.post import DEFAULT_TZ, Article, zone
from reader.core.search import (
    SORT_KEY_SHIFT,
    CompiledQuery,
    QueryError,
    compile_query,
    snippet,
)
from reader.core.securities import MARKETS, Security, display_symbol, parse_secid
from reader.core.store import (
    DB_NAME,
    SCHEMA_VERSION,
    SQL_COUNT_LINK,
    LibraryDiskFull,
    LibraryError,
    LibraryReadOnly,
    backup_file,
    compress,
    decompress,
    migrate,
    open_database,
)
from reader.core.textindex import TOKENIZER_VERSION, index_columns

__all__ = ["Library", "LibraryError", "LibraryDiskFull", "LibraryReadOnly", "QueryError", "ArticleRow", "ArticleDetail", "SearchHit",
           "SecurityInfo", "default_library_path"]

ENV_VAR = "FINEWS_READER_LIBRARY"
# How many articles a filter may always select and still lead a query (see Library._plan).
_DRIVE_MIN, _DRIVE_MIN_ALL = 200, 2_000
# An import that adds or changes at least this many articles, and a fifth of the library,
# merges the full-text index afterwards.
_OPTIMIZE_AFTER = 1000
USER_DATA_FORMAT = "finews-reader-user-data"
_CHUNK = 500
_SECURITY_COLUMNS = (
    "sc.id, sc.secid, sc.market, sc.code, sc.name, sc.names, coalesce(t.articles, 0), t.first_seen, "
    "t.last_seen, EXISTS(SELECT 1 FROM watch w WHERE w.secid = sc.secid)"
)


def default_library_path() -> Path:
    """``$FINEWS_READER_LIBRARY``, else the platform's user data folder for finews-reader."""
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else Path(user_data_dir(APP_NAME, appauthor=False))


def _now() -> int:
    return int(time.time())


def _chunks(seq: Sequence[Any], n: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _aware(epoch: int, offset_min: int) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(minutes=offset_min)))
    except (OverflowError, OSError, ValueError):  # a date outside 1..9999 stored by an older version
        return (dt.datetime.min if epoch < 0 else dt.datetime.max).replace(tzinfo=dt.UTC)


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


def _write_error(exc: BaseException, db_file: Path) -> LibraryError | None:
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


@dataclass
class ArticleRow:
    """What the article list shows for one article."""

    id: int
    key: str
    title: str
    published: dt.datetime
    source: str
    securities: list[tuple[str, str]]  # (secid, name)
    bookmarked: bool
    read: bool
    user_tags: list[str] = field(default_factory=list)


@dataclass
class ArticleDetail:
    """One whole article, as the viewer and ``show`` need it."""

    id: int
    key: str
    path: str
    title: str
    published: dt.datetime
    categories: list[str]
    tags: list[str]
    source: str
    url: str
    summary: str
    securities: list[Security]
    html: str
    text: str
    word_count: int
    char_count: int
    warnings: list[str]
    content_hash: str
    bookmarked: bool
    read: bool
    user_tags: list[str]
    bookmarked_at: int | None = None
    read_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``parse --json`` keys (one definition, in ``Article.to_json``) plus the reader's data."""
        return {**Article.to_json(self), "bookmarked": self.bookmarked, "read": self.read,  # type: ignore[arg-type]
                "user_tags": self.user_tags}


@dataclass
class SearchHit:
    id: int
    key: str
    title: str
    published: dt.datetime
    snippet: str

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "published": self.published.isoformat(),
                "snippet": self.snippet}


@dataclass
class SecurityInfo:
    id: int
    secid: str
    market: int
    code: str
    name: str
    names: list[str]
    articles: int
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None
    watched: bool = False

    @property
    def symbol(self) -> str:
        return display_symbol(self.market, self.code)

    @property
    def exchange(self) -> str:
        return MARKETS.get(self.market, (f"Market {self.market}", ""))[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "secid": self.secid, "symbol": self.symbol, "exchange": self.exchange,
            "name": self.name, "names": self.names, "articles": self.articles,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


def _quality(art: Article) -> int:
    """Which copy of a story to keep when two files carry it (higher is better)."""
    w = " ".join(art.warnings)
    score = 0
    score += 0 if "no title" in w else 100
    score += 0 if "no usable date" in w else 50
    score += 20 if art.url else 0
    score += 10 if art.source else 0
    return score - min(len(art.warnings), 9)


class Library:
    """A library folder holding ``library.sqlite3``."""

    def __init__(self, folder: Path, db_file: Path, db: SqliteDatabase, backup: Path | None):
        self.folder = folder
        self.db_file = db_file
        self.db = db
        self.migration_backup = backup
        self.tz = zone(DEFAULT_TZ)
        self._write_lock = threading.RLock()

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
            db = open_database(db_file)
        except Exception as exc:
            raise LibraryError(f"Cannot open the library {db_file}: {exc}") from exc
        lib = cls(path, db_file, db, backup)
        lib._check_tokenizer()
        return lib

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``) under the write lock.  When SQLite
        cannot write for want of space or of write access, it is rolled back and
        :class:`LibraryDiskFull` or :class:`LibraryReadOnly` says so."""
        with self._write_lock:
            try:
                with self.db.atomic("IMMEDIATE"):
                    yield
            except LibraryError:
                raise
            except Exception as exc:
                error = _write_error(exc, self.db_file)
                if error is None:
                    raise
                raise error from exc

    def _sql(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.db.is_closed():
            self.db.connect(reuse_if_open=True)
        return self.db.execute_sql(sql, list(params))

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._sql(sql, params).fetchone()
        return row[0] if row else None

    def _check_tokenizer(self) -> None:
        v = self._one("SELECT value FROM meta WHERE key = 'tokenizer'")
        if v != str(TOKENIZER_VERSION):
            self.rebuild_index()

    def rebuild_index(self) -> None:
        """Re-create the full-text index from the stored texts (after a tokenizer change)."""
        with self._writing():
            self._sql("INSERT INTO article_fts(article_fts) VALUES ('delete-all')")
            last = -1
            while True:  # in slices by id: a large library's texts never all sit in memory
                rows = self._sql(
                    "SELECT id, sort_key, title, text FROM article WHERE id > ? ORDER BY id LIMIT 2000",
                    (last,),
                ).fetchall()
                if not rows:
                    break
                for aid, sort_key, title, text in rows:
                    uni, bi = index_columns(title, decompress(text))
                    self._sql("INSERT INTO article_fts(rowid, uni, bi) VALUES (?, ?, ?)", (sort_key, uni, bi))
                    last = aid
            self._sql("INSERT OR REPLACE INTO meta(key, value) VALUES ('tokenizer', ?)", (str(TOKENIZER_VERSION),))

    @property
    def schema_version(self) -> int:
        return int(self._one("PRAGMA user_version"))

    def backup(self, reason: str = "manual") -> Path:
        return backup_file(self.db_file, reason)

    # --- import ----------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        progress: imp.ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        workers: int | None = None,
    ) -> imp.ImportReport:
        """Import folders and files; returns the report.  Never raises for a bad post."""
        t0 = time.perf_counter()
        report = imp.ImportReport()
        cb = imp.throttle(progress)
        cb(imp.ImportProgress("scanning", 0, 0, report))
        files = imp.scan(paths, report)
        report.scanned = len(files)
        known = {
            row[0]: row[1:]
            for row in self._sql("SELECT path, size, mtime_ns, error FROM source_file").fetchall()
        }
        info = {f.path: f for f in files}
        todo: list[str] = []
        for f in files:
            k = known.get(f.path)
            if k is not None and k[0] == f.size and k[1] == f.mtime_ns:
                if k[2]:
                    report.fail(f.path, k[2])
                else:
                    report.unchanged += 1
            else:
                todo.append(f.path)
        total = len(files)
        done = total - len(todo)
        cb(imp.ImportProgress("importing", done, total, report))
        report.workers = 1 if len(todo) < imp.PARALLEL_THRESHOLD else (workers or imp.default_workers())
        batch: list[tuple[str, Article | None, str | None]] = []
        last_flush = time.monotonic()
        for result in imp.parse_all(todo, workers=workers, cancel=cancel):
            batch.append(result)
            if len(batch) >= imp.BATCH_SIZE or time.monotonic() - last_flush > imp.BATCH_SECONDS:
                self._store_batch(batch, info, report)
                done += len(batch)
                report.parsed += len(batch)
                batch = []
                last_flush = time.monotonic()
                cb(imp.ImportProgress("importing", done, total, report))
            if cancel is not None and cancel.is_set():
                break
        if batch:
            self._store_batch(batch, info, report)
            done += len(batch)
            report.parsed += len(batch)
        report.cancelled = bool(cancel is not None and cancel.is_set() and done < total)
        changed = report.added + report.updated
        if not report.cancelled and changed >= _OPTIMIZE_AFTER and changed * 5 >= self._article_count():
            # a large import leaves the full-text index in many segments; one segment makes
            # every lookup (and the per-article probes of filtered searches) several times faster
            cb(imp.ImportProgress("optimizing", done, total, report))
            self.optimize()
        report.seconds = time.perf_counter() - t0
        cb(imp.ImportProgress("done", done, total, report))
        return report

    def _article_count(self) -> int:
        return int(self._one("SELECT count(*) FROM article"))

    def optimize(self) -> None:
        """Merge the full-text index into a single segment (after large imports)."""
        with self._writing():
            self._sql("INSERT INTO article_fts(article_fts) VALUES ('optimize')")

    def _store_batch(
        self,
        batch: list[tuple[str, Article | None, str | None]],
        info: dict[str, imp.FileInfo],
        report: imp.ImportReport,
    ) -> None:
        with self._writing():
            for path, art, error in batch:
                fi = info.get(path)
                size = fi.size if fi else 0
                mtime = fi.mtime_ns if fi else 0
                if art is None:
                    report.fail(path, error or "unknown error")
                    self._sql(
                        "INSERT OR REPLACE INTO source_file(path, size, mtime_ns, content_hash, key, error) "
                        "VALUES (?, ?, ?, NULL, NULL, ?)",
                        (path, size, mtime, error or "unknown error"),
                    )
                    continue
                outcome = self._store_article(art)
                if outcome == "added":
                    report.added += 1
                elif outcome == "updated":
                    report.updated += 1
                else:
                    report.unchanged += 1
                self._sql(
                    "INSERT OR REPLACE INTO source_file(path, size, mtime_ns, content_hash, key, error) "
                    "VALUES (?, ?, ?, ?, ?, NULL)",
                    (path, size, mtime, art.content_hash, art.key),
                )

    def _alloc_sort_key(self, epoch: int) -> int:
        base = epoch * SORT_KEY_SHIFT
        top = self._one(
            "SELECT max(sort_key) FROM article WHERE sort_key >= ? AND sort_key < ?",
            (base, base + SORT_KEY_SHIFT),
        )
        candidate = base if top is None else top + 1
        # only a second with more than SORT_KEY_SHIFT articles spills into the next one's range
        while candidate >= base + SORT_KEY_SHIFT and self._one(
            "SELECT 1 FROM article WHERE sort_key = ?", (candidate,)
        ):
            candidate += 1
        return candidate

    def _store_article(self, art: Article) -> str:
        """Add or update one parsed article (inside the caller's transaction).

        Uses what :func:`importer.prepare` left in ``art.extra`` (index columns, compressed
        bodies) when present; they must describe this title and text.
        """
        extra = getattr(art, "extra", None) or {}
        row = self._sql(
            "SELECT id, content_hash, path, quality, sort_key, title, text, published "
            "FROM article WHERE key = ?",
            (art.key,),
        ).fetchone()
        quality = _quality(art)
        epoch = int(art.published.timestamp())
        offset = art.published.utcoffset()
        offset_min = int(offset.total_seconds() // 60) if offset is not None else 480
        now = _now()
        if row is not None:
            aid, old_hash, old_path, old_quality, old_sort, old_title, old_text, old_pub = row
            if old_hash == art.content_hash:
                if old_path != art.path and not os.path.exists(old_path):
                    self._sql("UPDATE article SET path = ? WHERE id = ?", (art.path, aid))
                return "unchanged"
            replace = old_path == art.path or not os.path.exists(old_path) or quality > old_quality
            if not replace:
                return "unchanged"  # another, lesser copy of a story we hold
            uni, bi = index_columns(old_title, decompress(old_text))
            self._sql(
                "INSERT INTO article_fts(article_fts, rowid, uni, bi) VALUES ('delete', ?, ?, ?)",
                (old_sort, uni, bi),
            )
            # the old links go first: the article's new time then has no links to carry it to
            self._sql("DELETE FROM label WHERE article_id = ?", (aid,))
            self._sql("DELETE FROM article_security WHERE article_id = ?", (aid,))
            html_z, text_z = extra.get("html_z") or compress(art.html), extra.get("text_z") or compress(art.text)
            sort_key = old_sort if old_pub == epoch else self._alloc_sort_key(epoch)
            self._sql(
                "UPDATE article SET title=?, published=?, utc_offset=?, sort_key=?, source=?, url=?, "
                "summary=?, categories=?, tags=?, html=?, text=?, word_count=?, char_count=?, "
                "warnings=?, content_hash=?, path=?, quality=?, updated_at=? WHERE id=?",
                (art.title, epoch, offset_min, sort_key, art.source, art.url, art.summary,
                 " ".join(art.categories), " ".join(art.tags), html_z, text_z,
                 art.word_count, art.char_count, "\n".join(art.warnings), art.content_hash, art.path,
                 quality, now, aid),
            )
            outcome = "updated"
        else:
            sort_key = self._alloc_sort_key(epoch)
            html_z, text_z = extra.get("html_z") or compress(art.html), extra.get("text_z") or compress(art.text)
            cur = self._sql(
                "INSERT INTO article(key, title, published, utc_offset, sort_key, source, url, summary, "
                "categories, tags, html, text, word_count, char_count, warnings, content_hash, path, "
                "quality, imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (art.key, art.title, epoch, offset_min, sort_key, art.source, art.url, art.summary,
                 " ".join(art.categories), " ".join(art.tags), html_z, text_z,
                 art.word_count, art.char_count, "\n".join(art.warnings), art.content_hash, art.path,
                 quality, now, now),
            )
            aid = cur.lastrowid
            outcome = "added"
        labels = {("c", c) for c in art.categories} | {("t", t) for t in art.tags}
        for kind, name in labels:
            self._sql("INSERT OR IGNORE INTO label(article_id, kind, name) VALUES (?, ?, ?)", (aid, kind, name))
        for pos, sec in enumerate(art.securities):
            sid = self._upsert_security(sec, epoch)
            linked = self._sql(
                "INSERT OR IGNORE INTO article_security(article_id, security_id, position, published) "
                "VALUES (?, ?, ?, ?)",
                (aid, sid, pos, epoch),
            ).rowcount
            if linked == 1:
                self._sql(SQL_COUNT_LINK, (sid, epoch, epoch))
        uni, bi = extra.get("index") or index_columns(art.title, art.text)
        self._sql("INSERT INTO article_fts(rowid, uni, bi) VALUES (?, ?, ?)", (sort_key, uni, bi))
        if outcome == "added":
            self._apply_pending_user_data(art.key, aid)
        return outcome

    def _upsert_security(self, sec: Security, epoch: int) -> int:
        row = self._sql(
            "SELECT id, name, names, name_published FROM security WHERE secid = ?", (sec.secid,)
        ).fetchone()
        if row is None:
            cur = self._sql(
                "INSERT INTO security(secid, market, code, name, names, name_published) VALUES (?,?,?,?,?,?)",
                (sec.secid, sec.market, sec.code, sec.name, sec.name, epoch),
            )
            return int(cur.lastrowid)
        sid, name, names, name_pub = row
        names_list = [n for n in names.split("\n") if n]
        changed = False
        if sec.name and sec.name not in names_list:
            names_list.append(sec.name)
            changed = True
        if sec.name and (epoch >= name_pub or not name) and sec.name != name:
            name, name_pub, changed = sec.name, max(epoch, name_pub), True
        if changed:
            self._sql(
                "UPDATE security SET name = ?, names = ?, name_published = ? WHERE id = ?",
                (name, "\n".join(names_list), name_pub, sid),
            )
        return int(sid)

    # --- queries ---------------------------------------------------------------------------

    def compile(self, query: str) -> CompiledQuery:
        return compile_query(query, tz=self.tz, resolve_security=self.resolve_security_ids)

    _ORDERS = {
        "published": "a.sort_key",
        "title": "a.title COLLATE NOCASE",
        "source": "a.source COLLATE NOCASE",
    }

    def _plan(self, cq: CompiledQuery, *, page: bool) -> int | None:
        """Which filter to start from (its index), or None to let the full-text index or the
        newest-first scan lead.

        Starting from a filter pays when it selects few articles: a word found in most of a
        million articles combined with five bookmarks would otherwise walk all its matches.
        Costs measured on a million articles: walking the full-text matches newest first ~3 µs
        each, scanning articles newest first ~0.2 µs, probing the index for one candidate
        ~10-40 µs, fetching and sorting one candidate ~3 µs.  A page needs about
        50 / (the filter's share) walked rows, so a filter of ``est`` articles leads when
        ``est`` is below about sqrt(8 N) (full-text queries) or sqrt(3 N) (filters only); for
        every match, when below N / 50 or N / 10.  Each candidate filter's articles are counted,
        never beyond that threshold.
        """
        if cq.impossible or not cq.filters:
            return None
        n = int(self._one("SELECT max(id) FROM article") or 0)
        if cq.fts:
            limit = max(_DRIVE_MIN, int((8 * n) ** 0.5)) if page else max(_DRIVE_MIN_ALL, n // 50)
        else:
            limit = max(_DRIVE_MIN, int((3 * n) ** 0.5)) if page else max(_DRIVE_MIN_ALL, n // 10)
        best: tuple[int, int] | None = None
        for i, f in enumerate(cq.filters):
            if f.estimate is None:
                continue
            c = int(self._one(f"SELECT count(*) FROM ({f.estimate} LIMIT {limit + 1})", f.est_params))
            if c <= limit and (best is None or c < best[0]):
                best = (c, i)
        return None if best is None else best[1]

    def query_ids(self, query: str = "", *, sort: str = "published", descending: bool = True,
                  limit: int | None = None) -> list[int]:
        """Ids of the articles matching ``query`` (the search language), newest first by default."""
        return [r[0] for r in self._ids_cursor(query, sort, descending, limit)]

    def query_id_array(self, query: str = "", *, sort: str = "published", descending: bool = True,
                       limit: int | None = None) -> array:
        """``query_ids`` as a typed array, filled row by row: a million ids cost 8 MB and never
        exist as a million Python objects at once (which would leave ~100 MB behind)."""
        out = array("q")
        out.extend(r[0] for r in self._ids_cursor(query, sort, descending, limit))
        return out

    def _ids_cursor(self, query: str, sort: str, descending: bool, limit: int | None) -> Iterable[Sequence[Any]]:
        cq = self.compile(query)
        if cq.impossible:
            return []
        direction = "DESC" if descending else "ASC"
        col = self._ORDERS.get(sort, "a.sort_key")
        order = f"{col} {direction}" if col == "a.sort_key" else f"{col} {direction}, a.sort_key DESC"
        sql, params = cq.sql(order=order, limit=limit, drive=self._plan(cq, page=limit is not None))
        return self._sql(sql, params)

    def count(self, query: str = "") -> int:
        cq = self.compile(query)
        if cq.impossible:
            return 0
        sql, params = cq.sql(order="", select="count(*)", drive=self._plan(cq, page=False))
        return int(self._sql(sql, params).fetchone()[0])

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        out: dict[int, ArticleRow] = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for r in self._sql(
                f"SELECT id, key, title, published, utc_offset, source, bookmarked, read FROM article "
                f"WHERE id IN ({marks})", chunk,
            ):
                out[r[0]] = ArticleRow(r[0], r[1], r[2], _aware(r[3], r[4]), r[5], [], bool(r[6]), bool(r[7]))
            for aid, secid, name in self._sql(
                f"SELECT s.article_id, sc.secid, sc.name FROM article_security s "
                f"JOIN security sc ON sc.id = s.security_id WHERE s.article_id IN ({marks}) "
                f"ORDER BY s.article_id, s.position", chunk,
            ):
                if aid in out:
                    out[aid].securities.append((secid, name))
            for aid, tag in self._sql(
                f"SELECT aut.article_id, t.name FROM article_user_tag aut JOIN user_tag t ON t.id = aut.tag_id "
                f"WHERE aut.article_id IN ({marks}) ORDER BY t.name", chunk,
            ):
                if aid in out:
                    out[aid].user_tags.append(tag)
        return out

    def article_id(self, key: str) -> int | None:
        k = key.strip()
        aid = self._one("SELECT id FROM article WHERE key = ?", (k,))
        if aid is None and re.fullmatch(r"(?i)(nw)?\d+", k):
            aid = self._one("SELECT id FROM article WHERE key = ?", (k.upper(),))
        return None if aid is None else int(aid)

    def article(self, ref: int | str) -> ArticleDetail | None:
        aid = ref if isinstance(ref, int) else self.article_id(ref)
        if aid is None:
            return None
        r = self._sql(
            "SELECT id, key, path, title, published, utc_offset, categories, tags, source, url, summary, "
            "html, text, word_count, char_count, warnings, content_hash, bookmarked, read, "
            "bookmarked_at, read_at FROM article WHERE id = ?", (aid,),
        ).fetchone()
        if r is None:
            return None
        secs = [
            Security(m, c, n)
            for m, c, n in self._sql(
                "SELECT sc.market, sc.code, sc.name FROM article_security s JOIN security sc "
                "ON sc.id = s.security_id WHERE s.article_id = ? ORDER BY s.position", (aid,),
            )
        ]
        return ArticleDetail(
            id=r[0], key=r[1], path=r[2], title=r[3], published=_aware(r[4], r[5]),
            categories=r[6].split(), tags=r[7].split(), source=r[8], url=r[9], summary=r[10],
            securities=secs, html=decompress(r[11]), text=decompress(r[12]), word_count=r[13],
            char_count=r[14], warnings=[w for w in r[15].split("\n") if w], content_hash=r[16],
            bookmarked=bool(r[17]), read=bool(r[18]), user_tags=self.tags_of(aid),
            bookmarked_at=r[19], read_at=r[20],
        )

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """The first page of results for ``query``, newest first, with highlighted snippets."""
        cq = self.compile(query)
        if cq.impossible:
            return []
        sql, params = cq.sql(limit=limit, offset=offset, drive=self._plan(cq, page=True))
        ids = [r[0] for r in self._sql(sql, params)]
        if not ids:
            return []
        # the page's ids first, then their texts: sorting never carries the article bodies
        found = {
            r[0]: r
            for chunk in _chunks(ids)
            for r in self._sql(
                "SELECT id, key, title, published, utc_offset, text FROM article "
                f"WHERE id IN ({','.join('?' * len(chunk))})", chunk,
            )
        }
        hits = []
        for aid in ids:
            _, key, title, pub, off, text = found[aid]
            hits.append(SearchHit(aid, key, title, _aware(pub, off), snippet(decompress(text), cq.highlights)))
        return hits

    def highlights(self, query: str) -> list[str]:
        """The literal strings a query looks for (the viewer highlights them)."""
        try:
            return self.compile(query).highlights
        except QueryError:
            return []

    def resolve_security_ids(self, text: str) -> list[int]:
        """Security ids for a secid (``0.000931``), symbol (``000931.SZ``), code or name."""
        t = text.strip()
        if not t:
            return []
        pair = parse_secid(t) if re.fullmatch(r"\d{1,3}[.,_][A-Za-z0-9_\-.]+", t) else None
        if pair:
            sid = self._one("SELECT id FROM security WHERE secid = ? COLLATE NOCASE", (f"{pair[0]}.{pair[1]}",))
            return [sid] if sid is not None else []
        m = re.fullmatch(r"([A-Za-z0-9]+)\.([A-Za-z]{2,3})", t)
        if m:
            code, suffix = m.group(1), m.group(2).upper()
            markets = [k for k, (_, sfx) in MARKETS.items() if sfx == suffix]
            if suffix == "BJ":
                markets = [0]
            if markets:
                marks = ",".join("?" * len(markets))
                return [r[0] for r in self._sql(
                    f"SELECT id FROM security WHERE code = ? COLLATE NOCASE AND market IN ({marks})",
                    [code, *markets],
                )]
        ids = [r[0] for r in self._sql("SELECT id FROM security WHERE code = ? COLLATE NOCASE", (t,))]
        if ids:
            return ids
        like = "%" + t.replace("%", "").replace("_", "") + "%"
        return [r[0] for r in self._sql(
            "SELECT id FROM security WHERE name LIKE ? OR names LIKE ?", (like, like)
        )]

    # --- the reader's data -------------------------------------------------------------------

    def _update_many(self, sql: str, head: Sequence[Any], ids: Iterable[int]) -> None:
        id_list = list(ids)
        with self._writing():
            for chunk in _chunks(id_list):
                marks = ",".join("?" * len(chunk))
                self._sql(sql.format(marks=marks), [*head, *chunk])

    def set_bookmarked(self, ids: Iterable[int], on: bool = True) -> None:
        self._update_many(
            "UPDATE article SET bookmarked = ?, bookmarked_at = ? WHERE id IN ({marks})",
            (int(on), _now() if on else None), ids,
        )

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        self._update_many(
            "UPDATE article SET read = ?, read_at = ? WHERE read != ? AND id IN ({marks})",
            (int(read), _now(), int(read)), ids,
        )

    def mark_all_read(self, query: str = "") -> int:
        ids = self.query_ids(query + " is:unread")
        self.set_read(ids, True)
        return len(ids)

    def _tag_id(self, name: str, create: bool, created_at: int | None = None) -> int | None:
        tid = self._one("SELECT id FROM user_tag WHERE name = ? COLLATE NOCASE", (name,))
        if tid is None and create:
            tid = self._sql("INSERT INTO user_tag(name, created_at) VALUES (?, ?)",
                            (name, created_at or _now())).lastrowid
        return None if tid is None else int(tid)

    @staticmethod
    def clean_tag(name: str) -> str:
        return re.sub(r"\s+", " ", name).strip()[:80]

    def add_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        id_list = list(ids)
        names = [t for t in (self.clean_tag(x) for x in tags) if t]
        with self._writing():
            for name in names:
                tid = self._tag_id(name, True)
                for aid in id_list:
                    self._sql(
                        "INSERT OR IGNORE INTO article_user_tag(article_id, tag_id, tagged_at) VALUES (?, ?, ?)",
                        (aid, tid, _now()),
                    )

    def remove_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        id_list = list(ids)
        with self._writing():
            for name in tags:
                tid = self._tag_id(self.clean_tag(name), False)
                if tid is None:
                    continue
                for chunk in _chunks(id_list):
                    marks = ",".join("?" * len(chunk))
                    self._sql(
                        f"DELETE FROM article_user_tag WHERE tag_id = ? AND article_id IN ({marks})",
                        [tid, *chunk],
                    )

    def rename_tag(self, old: str, new: str) -> None:
        new = self.clean_tag(new)
        if not new:
            raise ValueError("a tag needs a name")
        with self._writing():
            old_id = self._tag_id(old, False)
            if old_id is None:
                raise KeyError(old)
            target = self._tag_id(new, False)
            if target is None or target == old_id:
                self._sql("UPDATE user_tag SET name = ? WHERE id = ?", (new, old_id))
            else:  # merge into the existing tag
                self._sql(
                    "INSERT OR IGNORE INTO article_user_tag(article_id, tag_id, tagged_at) "
                    "SELECT article_id, ?, tagged_at FROM article_user_tag WHERE tag_id = ?",
                    (target, old_id),
                )
                self._sql("DELETE FROM user_tag WHERE id = ?", (old_id,))

    def delete_tag(self, name: str) -> None:
        with self._writing():
            tid = self._tag_id(name, False)
            if tid is not None:
                self._sql("DELETE FROM article_user_tag WHERE tag_id = ?", (tid,))
                self._sql("DELETE FROM user_tag WHERE id = ?", (tid,))

    def tags_of(self, aid: int) -> list[str]:
        return [r[0] for r in self._sql(
            "SELECT t.name FROM article_user_tag aut JOIN user_tag t ON t.id = aut.tag_id "
            "WHERE aut.article_id = ? ORDER BY t.name", (aid,),
        )]

    def user_tags(self) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self._sql(
            "SELECT t.name, count(aut.article_id) FROM user_tag t LEFT JOIN article_user_tag aut "
            "ON aut.tag_id = t.id GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
        )]

    def categories(self) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self._sql(
            "SELECT name, count(*) FROM label WHERE kind = 'c' GROUP BY name ORDER BY count(*) DESC, name"
        )]

    def category_titles(self, sample: int = 1000) -> dict[str, str]:
        """A readable title per category: the archive tag its articles carry most (emnews ->
        东财滚动新闻), judged on up to ``sample`` of its articles so that it costs the same at a
        million articles."""
        out: dict[str, str] = {}
        for (cat,) in self._sql("SELECT DISTINCT name FROM label WHERE kind = 'c'").fetchall():
            row = self._sql(
                "SELECT t.name, count(*) AS n FROM "
                "(SELECT article_id FROM label WHERE kind = 'c' AND name = ? LIMIT ?) c "
                "JOIN label t ON t.article_id = c.article_id AND t.kind = 't' "
                "GROUP BY t.name ORDER BY n DESC, t.name LIMIT 1", (cat, sample),
            ).fetchone()
            if row:
                out[cat] = row[0]
        return out

    def sources(self) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self._sql(
            "SELECT source, count(*) FROM article WHERE source != '' GROUP BY source COLLATE NOCASE "
            "ORDER BY count(*) DESC, source"
        )]

    def saved_searches(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._sql("SELECT name, query FROM saved_search ORDER BY name")]

    def save_search(self, name: str, query: str) -> None:
        with self._writing():
            self._sql(
                "INSERT OR REPLACE INTO saved_search(name, query, created_at) VALUES (?, ?, ?)",
                (name.strip(), query, _now()),
            )

    def delete_saved_search(self, name: str) -> None:
        with self._writing():
            self._sql("DELETE FROM saved_search WHERE name = ?", (name,))

    # --- securities and the watchlist ----------------------------------------------------------

    def securities(self, *, limit: int | None = None, filter_text: str = "",
                   order: str = "articles") -> list[SecurityInfo]:
        return [self._security_info(r) for r in self.security_rows(limit=limit, filter_text=filter_text, order=order)]

    def security_rows(self, *, limit: int | None = None, filter_text: str = "",
                      order: str = "articles") -> list[tuple[Any, ...]]:
        """``securities`` as plain rows (id, secid, market, code, name, names, articles,
        first_seen, last_seen as epoch seconds, watched): tens of thousands in a few ms."""
        cond = ""
        params: list[Any] = []
        if filter_text.strip():
            f = filter_text.strip()
            like = "%" + f + "%"
            cond = ("AND (sc.secid LIKE ? OR sc.code LIKE ? OR sc.name LIKE ? OR sc.names LIKE ? "
                    "OR ? LIKE '%' || sc.code || '%')")
            params = [like, like, like, like, f]
        orders = {"articles": "t.articles DESC, t.last_seen DESC", "name": "sc.name COLLATE NOCASE",
                  "recent": "t.last_seen DESC"}
        # the totals are kept in security_total as links change: no aggregation over the links
        sql = (
            f"SELECT {_SECURITY_COLUMNS} FROM security sc JOIN security_total t ON t.security_id = sc.id "
            f"WHERE t.articles > 0 {cond} "
            f"ORDER BY {orders.get(order, orders['articles'])}"
        )
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [tuple(r) for r in self._sql(sql, params)]

    def _security_info(self, r: Sequence[Any]) -> SecurityInfo:
        tz = self.tz
        return SecurityInfo(
            id=r[0], secid=r[1], market=r[2], code=r[3], name=r[4],
            names=[n for n in (r[5] or "").split("\n") if n], articles=r[6],
            first_seen=dt.datetime.fromtimestamp(r[7], tz) if r[7] is not None else None,
            last_seen=dt.datetime.fromtimestamp(r[8], tz) if r[8] is not None else None,
            watched=bool(r[9]),
        )

    def security(self, ref: str) -> SecurityInfo | None:
        ids = self.resolve_security_ids(ref)
        if not ids:
            return None
        r = self._sql(f"SELECT {_SECURITY_COLUMNS} FROM security sc LEFT JOIN security_total t "
                      "ON t.security_id = sc.id WHERE sc.id = ?", (ids[0],)).fetchone()
        return self._security_info(r) if r else None

    def watch(self, secids: Iterable[str]) -> None:
        with self._writing():
            for s in secids:
                self._sql("INSERT OR IGNORE INTO watch(secid, added_at) VALUES (?, ?)", (s, _now()))

    def unwatch(self, secids: Iterable[str]) -> None:
        with self._writing():
            for s in secids:
                self._sql("DELETE FROM watch WHERE secid = ?", (s,))

    def watchlist(self) -> list[str]:
        return [r[0] for r in self._sql("SELECT secid FROM watch ORDER BY added_at, rowid")]

    # --- statistics and user-data backup -------------------------------------------------------

    def reading_counts(self) -> dict[str, int]:
        """What the sidebar shows: articles, unread and bookmarked (each read from an index)."""
        return {
            "articles": int(self._one("SELECT count(*) FROM article")),
            "unread": int(self._one("SELECT count(*) FROM article WHERE read = 0")),
            "bookmarked": int(self._one("SELECT count(*) FROM article WHERE bookmarked = 1")),
        }

    def stats(self) -> dict[str, int]:
        reading = self.reading_counts()
        return {
            "articles": reading["articles"],
            "securities": int(self._one("SELECT count(*) FROM security_total WHERE articles > 0")),
            "bookmarked": reading["bookmarked"],
            "tagged": int(self._one("SELECT count(DISTINCT article_id) FROM article_user_tag")),
            "unread": reading["unread"],
            "sources": int(self._one("SELECT count(DISTINCT source) FROM article WHERE source != ''")),
            "categories": int(self._one("SELECT count(DISTINCT name) FROM label WHERE kind = 'c'")),
        }

    def user_data(self) -> dict[str, Any]:
        """The reader's data, keyed by article key (what ``export-user-data`` writes)."""
        articles: dict[str, dict[str, Any]] = {}
        for key, bm, bm_at, rd, rd_at in self._sql(
            "SELECT key, bookmarked, bookmarked_at, read, read_at FROM article "
            "WHERE bookmarked = 1 OR read = 1 OR id IN (SELECT article_id FROM article_user_tag)"
        ):
            articles[key] = {"bookmarked": bool(bm), "bookmarked_at": bm_at, "read": bool(rd),
                             "read_at": rd_at, "tags": [], "tagged_at": {}}
        for key, tag, at in self._sql(
            "SELECT a.key, t.name, aut.tagged_at FROM article_user_tag aut JOIN article a "
            "ON a.id = aut.article_id JOIN user_tag t ON t.id = aut.tag_id ORDER BY a.key, t.name"
        ):
            articles[key]["tags"].append(tag)
            articles[key]["tagged_at"][tag] = at
        for key, blob in self._sql("SELECT key, value FROM meta WHERE key LIKE 'pending:%'"):
            articles.setdefault(key[len("pending:"):], json.loads(blob))
        return {
            "format": USER_DATA_FORMAT,
            "version": 1,
            "schema": SCHEMA_VERSION,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "articles": articles,
            "tags": [{"name": n, "created_at": c} for n, c in self._sql(
                "SELECT name, created_at FROM user_tag ORDER BY name")],
            "watchlist": [{"secid": s, "added_at": a} for s, a in self._sql(
                "SELECT secid, added_at FROM watch ORDER BY secid")],
            "saved_searches": [{"name": n, "query": q} for n, q in self.saved_searches()],
        }

    def export_user_data(self, path: str | os.PathLike[str]) -> int:
        data = self.user_data()
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, target)
        return len(data["articles"])

    def import_user_data(self, path: str | os.PathLike[str]) -> int:
        """Merge a user-data backup: bookmarks and read marks are added, tags united.

        Entries for articles not in the library yet are kept and applied when they arrive.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LibraryError(f"Cannot read user data from {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != USER_DATA_FORMAT:
            raise LibraryError(f"{path} is not a Finews Reader user-data file")
        n = 0
        with self._writing():
            for t in data.get("tags", []):
                if isinstance(t, dict) and isinstance(t.get("name"), str) and self.clean_tag(t["name"]):
                    at = t.get("created_at")
                    self._tag_id(self.clean_tag(t["name"]), True, at if isinstance(at, int) else None)
            for key, entry in (data.get("articles") or {}).items():
                if not isinstance(entry, dict):
                    continue
                aid = self.article_id(str(key))
                if aid is None:
                    self._sql("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                              (f"pending:{key}", json.dumps(entry, ensure_ascii=False)))
                else:
                    self._apply_entry(aid, entry)
                n += 1
            for w in data.get("watchlist", []):
                if isinstance(w, dict) and isinstance(w.get("secid"), str):
                    self._sql("INSERT OR IGNORE INTO watch(secid, added_at) VALUES (?, ?)",
                              (w["secid"], int(w.get("added_at") or _now())))
            for s in data.get("saved_searches", []):
                if isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("query"), str):
                    self._sql("INSERT OR IGNORE INTO saved_search(name, query, created_at) VALUES (?, ?, ?)",
                              (s["name"], s["query"], _now()))
        return n

    def _apply_entry(self, aid: int, entry: dict[str, Any]) -> None:
        if entry.get("bookmarked"):
            self._sql("UPDATE article SET bookmarked = 1, bookmarked_at = coalesce(bookmarked_at, ?) "
                      "WHERE id = ?", (entry.get("bookmarked_at") or _now(), aid))
        if entry.get("read"):
            self._sql("UPDATE article SET read = 1, read_at = coalesce(read_at, ?) WHERE id = ?",
                      (entry.get("read_at") or _now(), aid))
        stamps = entry.get("tagged_at")
        when: dict[str, Any] = stamps if isinstance(stamps, dict) else {}
        for tag in entry.get("tags") or []:
            if isinstance(tag, str) and self.clean_tag(tag):
                tid = self._tag_id(self.clean_tag(tag), True)
                at = when.get(tag)
                self._sql("INSERT OR IGNORE INTO article_user_tag(article_id, tag_id, tagged_at) VALUES (?, ?, ?)",
                          (aid, tid, at if isinstance(at, int) else _now()))

    def _apply_pending_user_data(self, key: str, aid: int) -> None:
        blob = self._one("SELECT value FROM meta WHERE key = ?", (f"pending:{key}",))
        if blob is not None:
            self._apply_entry(aid, json.loads(blob))
            self._sql("DELETE FROM meta WHERE key = ?", (f"pending:{key}",))
