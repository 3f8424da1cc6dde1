"""The library's SQLite file: schema, migrations and the peewee models over it.

The schema is written out in migrations (frozen SQL, one function per version) rather than
derived from the models, so an old library always migrates through the same steps.  The
version lives in ``PRAGMA user_version``.  Before migrating an existing library a backup copy
is written beside it; a library from a newer version, or a file that is not a library, is
refused without being touched.

The reader's own data (bookmarks, read state, tags, watchlist, saved searches) lives in
columns and tables the importer never deletes or overwrites.

Over the ~400-line rule on purpose: about 170 of its lines are the frozen migrations, which
belong beside the models they must agree with (``tests/library/test_schema_models.py``).
Migration 4's Python half (merging the story copies older versions stored apart) lives in
``reader.core.migrate_copies``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

from reader.core.migrate_copies import merge_story_copies
from reader.core.textindex import TOKENIZER_VERSION

SCHEMA_VERSION = 5
DB_NAME = "library.sqlite3"


class LibraryError(Exception):
    """The library cannot be opened or written; the message says why, for the user."""


class LibraryDiskFull(LibraryError):
    """A write failed because the disk (or the file-size limit) is full; nothing half-written."""


class LibraryReadOnly(LibraryError):
    """The library's file cannot be written (read-only file, folder or medium)."""


def compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def decompress(blob: bytes | memoryview | None) -> str:
    if not blob:
        return ""
    return zlib.decompress(bytes(blob)).decode("utf-8")


class CompressedTextField(BlobField):  # type: ignore[misc]
    """Text stored zlib-compressed (article bodies are most of the file)."""

    def db_value(self, value: str | None) -> bytes | None:
        return None if value is None else compress(value)

    def python_value(self, value: bytes | None) -> str:
        return decompress(value)


class BaseModel(Model):  # type: ignore[misc]
    """Models describe the schema; each open library binds them with ``db.bind_ctx(MODELS)``."""

    class Meta:
        legacy_table_names = False


class Article(BaseModel):
    id = AutoField()
    key = TextField(unique=True)
    title = TextField()
    published = IntegerField()  # seconds since the epoch (UTC)
    utc_offset = IntegerField()  # minutes east of UTC, as the post wrote it
    sort_key = IntegerField(unique=True)  # published * 2048 + n; also the FTS rowid
    source = TextField(default="")
    url = TextField(default="")
    summary = TextField(default="")
    categories = TextField(default="")  # space-separated, as Jekyll writes them
    tags = TextField(default="")
    html = CompressedTextField(null=True)  # nullable in migration 1 (always written, though)
    text = CompressedTextField(null=True)
    word_count = IntegerField(default=0)
    char_count = IntegerField(default=0)
    warnings = TextField(default="")  # one per line
    content_hash = TextField()
    path = TextField()
    quality = IntegerField(default=0)
    imported_at = IntegerField()
    updated_at = IntegerField()
    # the reader's data: never written by the importer
    bookmarked = BooleanField(default=False)
    bookmarked_at = IntegerField(null=True)
    read = BooleanField(default=False)
    read_at = IntegerField(null=True)


class Label(BaseModel):
    """The archive's own categories (kind 'c') and tags (kind 't')."""

    article = ForeignKeyField(Article, on_delete="CASCADE")
    kind = TextField()
    name = TextField()

    class Meta:
        primary_key = CompositeKey("article", "kind", "name")


class Security(BaseModel):
    id = AutoField()
    secid = TextField(unique=True)
    market = IntegerField()
    code = TextField()
    name = TextField(default="")
    names = TextField(default="")  # every name seen, one per line
    name_published = IntegerField(default=0)  # when the current name was last written


class SecurityTotal(BaseModel):
    """Per-security totals (schema 3): counted in by the import writer (``sql.COUNT_LINK``) as
    links are stored, counted out by triggers on article_security; no foreign key, on purpose."""

    security_id = IntegerField(primary_key=True)
    articles = IntegerField(default=0)
    first_seen = IntegerField(null=True)
    last_seen = IntegerField(null=True)

    class Meta:
        table_name = "security_total"


class ArticleSecurity(BaseModel):
    article = ForeignKeyField(Article, on_delete="CASCADE")
    security = ForeignKeyField(Security)
    position = IntegerField()
    published = IntegerField(default=0)  # the article's, kept equal by a trigger

    class Meta:
        primary_key = CompositeKey("article", "security")


class UserTag(BaseModel):
    id = AutoField()
    name = TextField(unique=True)
    created_at = IntegerField()


class ArticleUserTag(BaseModel):
    article = ForeignKeyField(Article, on_delete="CASCADE")
    tag = ForeignKeyField(UserTag, on_delete="CASCADE")
    tagged_at = IntegerField()

    class Meta:
        primary_key = CompositeKey("article", "tag")


class SourceFile(BaseModel):
    """Every file seen by an import: lets a re-scan skip unchanged files without reading them."""

    path = TextField(primary_key=True)
    size = IntegerField()
    mtime_ns = IntegerField()
    content_hash = TextField(null=True)
    key = TextField(null=True)
    error = TextField(null=True)


class SavedSearch(BaseModel):
    name = TextField(primary_key=True)
    query = TextField()
    created_at = IntegerField()


class Watch(BaseModel):
    secid = TextField(primary_key=True)
    added_at = IntegerField()


class ArticleCopy(BaseModel):
    """Every file an article is made of (schema 4): a story's copies across categories and
    folders are one article; each row keeps what its file adds (``reader.core.copies``)."""

    path = TextField(primary_key=True)
    article = ForeignKeyField(Article, on_delete="CASCADE")
    key = TextField()  # the file's own key (``NW`` prefix kept)
    content_hash = TextField()
    title = TextField(default="")
    published = IntegerField(default=0)
    utc_offset = IntegerField(default=0)
    url = TextField(default="")
    categories = TextField(default="")
    tags = TextField(default="")
    secids = TextField(default="")  # space-separated, in order of mention
    chars = IntegerField(default=0)
    quality = IntegerField(default=0)
    warnings = TextField(default="")
    charts = TextField(default="")  # the secids its K-line charts show

    class Meta:
        table_name = "article_copy"


class Meta(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()


class GitArchive(BaseModel):
    """An archive the reader fetches from git (schema 4): where from, where its clone is, and
    the commit its posts were last imported from ("" until the first import finished, so an
    interrupted one is completed by the next update).  Never holds credentials."""

    name = TextField(primary_key=True)
    url = TextField()  # without user name or password
    path = TextField()  # the archive's folder (its object store and its posts)
    commit_id = TextField(default="")
    added_at = IntegerField()
    updated_at = IntegerField(null=True)

    class Meta:
        table_name = "git_archive"


# --- migrations: frozen SQL, one per version ------------------------------------------------


_MIGRATION_1 = """
        CREATE TABLE article (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            published INTEGER NOT NULL,
            utc_offset INTEGER NOT NULL,
            sort_key INTEGER NOT NULL UNIQUE,
            source TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '',
            html BLOB,
            text BLOB,
            word_count INTEGER NOT NULL DEFAULT 0,
            char_count INTEGER NOT NULL DEFAULT 0,
            warnings TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL,
            path TEXT NOT NULL,
            quality INTEGER NOT NULL DEFAULT 0,
            imported_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            bookmarked INTEGER NOT NULL DEFAULT 0,
            bookmarked_at INTEGER,
            read INTEGER NOT NULL DEFAULT 0,
            read_at INTEGER
        );
        CREATE INDEX article_source ON article(source COLLATE NOCASE, sort_key);
        CREATE INDEX article_unread ON article(read, sort_key);
        CREATE INDEX article_bookmarked ON article(sort_key) WHERE bookmarked = 1;
        CREATE TABLE label (
            article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (article_id, kind, name)
        ) WITHOUT ROWID;
        CREATE INDEX label_name ON label(kind, name COLLATE NOCASE, article_id);
        CREATE TABLE security (
            id INTEGER PRIMARY KEY,
            secid TEXT NOT NULL UNIQUE,
            market INTEGER NOT NULL,
            code TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            names TEXT NOT NULL DEFAULT '',
            name_published INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX security_code ON security(code COLLATE NOCASE);
        CREATE TABLE article_security (
            article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            security_id INTEGER NOT NULL REFERENCES security(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (article_id, security_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_security_by_security ON article_security(security_id, article_id);
        CREATE TABLE user_tag (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE article_user_tag (
            article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES user_tag(id) ON DELETE CASCADE,
            tagged_at INTEGER NOT NULL,
            PRIMARY KEY (article_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_user_tag_by_tag ON article_user_tag(tag_id, article_id);
        CREATE TABLE source_file (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            content_hash TEXT,
            key TEXT,
            error TEXT
        ) WITHOUT ROWID;
        CREATE INDEX source_file_key ON source_file(key);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE VIRTUAL TABLE article_fts USING fts5(
            uni, bi, content='', tokenize='unicode61 remove_diacritics 0', detail=full
        );
"""

# 2: saved searches and the watchlist
_MIGRATION_2 = """
        CREATE TABLE saved_search (
            name TEXT PRIMARY KEY, query TEXT NOT NULL, created_at INTEGER NOT NULL
        );
        CREATE TABLE watch (secid TEXT PRIMARY KEY, added_at INTEGER NOT NULL);
"""

# 3: per-security totals kept as links change, so that listing tens of thousands of securities with
#    their article counts and first/last mention never aggregates millions of links; each link
#    carries its article's time, so a security's timeline is read from one index. A new link
#    adds itself to the totals in the import writer (reader.core.sql.COUNT_LINK): with foreign keys on,
#    any INSERT trigger on article_security halved the import's store rate (measured), so only
#    the rare paths (links removed, an article's time changed) are kept by triggers.
_MIGRATION_3 = """
        ALTER TABLE article_security ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
        UPDATE article_security SET published =
            coalesce((SELECT a.published FROM article a WHERE a.id = article_security.article_id), 0);
        CREATE INDEX article_security_timeline ON article_security(security_id, published);
        CREATE TABLE security_total (
            security_id INTEGER PRIMARY KEY,
            articles INTEGER NOT NULL DEFAULT 0,
            first_seen INTEGER,
            last_seen INTEGER
        );
        INSERT INTO security_total(security_id, articles, first_seen, last_seen)
            SELECT security_id, count(*), min(published), max(published) FROM article_security
            GROUP BY security_id;
        CREATE TRIGGER article_security_removed AFTER DELETE ON article_security BEGIN
            UPDATE security_total SET articles = articles - 1,
                first_seen = (SELECT min(published) FROM article_security WHERE security_id = OLD.security_id),
                last_seen = (SELECT max(published) FROM article_security WHERE security_id = OLD.security_id)
            WHERE security_id = OLD.security_id;
        END;
        CREATE TRIGGER article_security_moved AFTER UPDATE OF published ON article_security BEGIN
            UPDATE security_total SET
                first_seen = (SELECT min(published) FROM article_security WHERE security_id = NEW.security_id),
                last_seen = (SELECT max(published) FROM article_security WHERE security_id = NEW.security_id)
            WHERE security_id = NEW.security_id;
        END;
        CREATE TRIGGER article_published_changed AFTER UPDATE OF published ON article
        WHEN NEW.published != OLD.published BEGIN
            UPDATE article_security SET published = NEW.published WHERE article_id = NEW.id;
        END;
"""

# 4: archives fetched from git (a table, not meta keys: "archive list" reads them with their
#    folders and commits, and a record is written in the same transaction as its state)
_MIGRATION_4 = """
        CREATE TABLE git_archive (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            path TEXT NOT NULL,
            commit_id TEXT NOT NULL DEFAULT '',
            added_at INTEGER NOT NULL,
            updated_at INTEGER
        );
"""


# 5: one story, one article.  Every file an article is made of gets a row (its stored file, and
#    the identical copies an import saw, e.g. in old_post/); then the copies of a
#    story that older versions stored as two articles (``NW<code>`` and ``<code>``) are merged
#    by ``_merge_story_copies`` in the same transaction, and articles are keyed by the code alone.
_MIGRATION_5 = """
        CREATE TABLE article_copy (
            path TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            published INTEGER NOT NULL DEFAULT 0,
            utc_offset INTEGER NOT NULL DEFAULT 0,
            url TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '',
            secids TEXT NOT NULL DEFAULT '',
            chars INTEGER NOT NULL DEFAULT 0,
            quality INTEGER NOT NULL DEFAULT 0,
            warnings TEXT NOT NULL DEFAULT '',
            charts TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID;
        CREATE INDEX article_copy_article ON article_copy(article_id);
        INSERT OR IGNORE INTO article_copy(path, article_id, key, content_hash, title, published, utc_offset,
                url, categories, tags, secids, chars, quality, warnings)
            SELECT a.path, a.id,
                coalesce((SELECT f.key FROM source_file f WHERE f.path = a.path AND f.key IS NOT NULL), a.key),
                a.content_hash, a.title, a.published, a.utc_offset, a.url, a.categories, a.tags,
                coalesce((SELECT group_concat(secid, ' ') FROM (SELECT sc.secid FROM article_security s
                    JOIN security sc ON sc.id = s.security_id WHERE s.article_id = a.id ORDER BY s.position)), ''),
                a.char_count - length(replace(a.title, ' ', '')), a.quality, a.warnings
            FROM article a;
        INSERT OR IGNORE INTO article_copy(path, article_id, key, content_hash, title, published, utc_offset,
                url, categories, tags, secids, chars, quality, warnings)
            SELECT f.path, c.article_id, f.key, c.content_hash, c.title, c.published, c.utc_offset, c.url,
                c.categories, c.tags, c.secids, c.chars, c.quality, c.warnings
            FROM source_file f JOIN article a ON a.key = f.key
            JOIN article_copy c ON c.article_id = a.id AND c.content_hash = f.content_hash
            WHERE f.error IS NULL AND f.path != a.path
"""

MIGRATIONS: dict[int, str] = {1: _MIGRATION_1, 2: _MIGRATION_2, 3: _MIGRATION_3, 4: _MIGRATION_4,
                               5: _MIGRATION_5}
# steps that finish a migration in Python, inside its transaction
MIGRATION_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {5: merge_story_copies}

def _uri(db_file: Path, *, immutable: bool = False) -> str:
    """A read-only SQLite URI for ``db_file`` (percent-encoded: '#', '?' and '%' in folder names
    would otherwise cut the path short and open, or even create, some other file)."""
    uri = Path(os.path.abspath(db_file)).as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def _has_wal(db_file: Path) -> bool:
    wal = db_file.with_name(db_file.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _probe(db_file: Path) -> int:
    """The schema version of an existing file, read-only; LibraryError if it is no library.

    Without a pending write-ahead log the file is read as immutable, so probing creates no
    ``-wal``/``-shm`` files beside a library it then refuses: it touches nothing.
    """
    try:
        con = sqlite3.connect(_uri(db_file, immutable=not _has_wal(db_file)), uri=True, timeout=10)
    except sqlite3.Error as exc:
        raise LibraryError(f"Cannot open the library file {db_file}: {exc}") from exc
    try:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise LibraryError(
            f"The library file {db_file} is damaged or is not a Finews Reader library ({exc}). "
            "It has not been changed; restore a backup or choose another library folder."
        ) from exc
    finally:
        con.close()
    if version == 0 and tables:
        raise LibraryError(
            f"{db_file} is an SQLite file but not a Finews Reader library; it has not been changed."
        )
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"The library {db_file} was written by a newer Finews Reader (schema {version}; this "
            f"version reads up to {SCHEMA_VERSION}). It has not been changed; please upgrade."
        )
    return version


def backup_file(db_file: Path, reason: str) -> Path:
    """Copy the database (consistently, through SQLite's backup API) beside itself."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_file.with_name(f"{db_file.stem}.{reason}-{stamp}.bak")
    n = 1
    while target.exists():
        target = db_file.with_name(f"{db_file.stem}.{reason}-{stamp}-{n}.bak")
        n += 1
    src = sqlite3.connect(_uri(db_file), uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def migrate(db_file: Path, *, target: int = SCHEMA_VERSION) -> Path | None:
    """Bring the file to ``target``; returns the backup written first, if any."""
    existed = db_file.exists() and db_file.stat().st_size > 0
    version = _probe(db_file) if existed else 0
    if version >= target:
        return None
    backup = backup_file(db_file, f"v{version}") if existed and version > 0 else None
    con = sqlite3.connect(db_file, timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        current = int(con.execute("PRAGMA user_version").fetchone()[0])
        for v in range(current + 1, target + 1):
            # one transaction per step: a failed step leaves the previous version intact
            step = MIGRATION_STEPS.get(v)
            if step is None:
                con.executescript(
                    "BEGIN IMMEDIATE;" + MIGRATIONS[v] + f";PRAGMA user_version = {v};"
                    + f"INSERT OR REPLACE INTO meta(key, value) VALUES ('tokenizer', '{TOKENIZER_VERSION}');"
                    + "COMMIT;"
                )
                continue
            con.execute("BEGIN IMMEDIATE")  # statement by statement: executescript would commit
            for statement in MIGRATIONS[v].split(";\n"):
                if statement.strip():
                    con.execute(statement)
            step(con)
            con.execute(f"PRAGMA user_version = {v}")
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('tokenizer', ?)", (str(TOKENIZER_VERSION),))
            con.execute("COMMIT")
    except sqlite3.Error as exc:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise LibraryError(f"Could not update the library {db_file}: {exc}") from exc
    finally:
        con.close()
    return backup


MODELS = [Article, Label, Security, SecurityTotal, ArticleSecurity, UserTag, ArticleUserTag, SourceFile,
          SavedSearch, Watch, ArticleCopy, Meta, GitArchive]


def open_database(db_file: Path) -> SqliteDatabase:
    """A peewee database on this library file (after :func:`migrate`).

    Each thread gets its own connection (peewee's default), so the GUI reads while an import
    thread writes; WAL mode lets both go on, and the busy timeout absorbs short write locks.
    """
    db = SqliteDatabase(
        str(db_file),
        pragmas={
            "journal_mode": "wal",
            "synchronous": "normal",
            "foreign_keys": 1,
            "busy_timeout": 60000,
            "cache_size": -32000,
            "temp_store": "memory",
            "mmap_size": 0,  # measured: no faster at a million articles, and it only adds resident pages
            # a big import's write-ahead log is cut back after each checkpoint, not kept at its peak
            "journal_size_limit": 64 * 1024 * 1024,
        },
        timeout=60,
    )
    db.connect()
    return db


def copy_library_folder(src: Path, dst: Path) -> None:
    """Copy a library folder (used when the user moves the library)."""
    dst.mkdir(parents=True, exist_ok=True)
    backup = dst / DB_NAME
    s = sqlite3.connect(_uri(src / DB_NAME), uri=True)
    d = sqlite3.connect(backup)
    try:
        s.backup(d)
    finally:
        d.close()
        s.close()
    for extra in src.glob("*.log"):
        shutil.copy2(extra, dst / extra.name)
