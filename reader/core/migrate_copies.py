"""Schema 4, its Python half: merge the story copies older versions stored as two articles.

Versions up to 3 keyed an article by its file's id, so ``NW<code>`` (a media category's copy)
and ``<code>`` (the rolling-news copy) were two articles.  After migration 4's SQL has given
every article its ``article_copy`` row, this merges each such pair into the richest one
(``reader.core.copies.merge``, as the import writer does): labels, securities and URLs united,
the reader's data carried over (bookmarked or read if either was, every user tag), the
full-text index rewritten for both; then every article is keyed by its code alone.

Runs inside the migration's transaction on a plain ``sqlite3`` connection (``store.migrate``):
a kill part-way leaves the library at version 3, untouched, with its backup beside it.
Frozen like the SQL migrations: it writes the tables as schema 4 has them.
"""

from __future__ import annotations

import sqlite3
import zlib

from reader.core.copies import COPY_COLUMNS, Copy, merge
from reader.core.post import story_of
from reader.core.textindex import index_columns

_SHIFT = 2048  # search.SORT_KEY_SHIFT as schema 4 has it


def _text(blob: bytes | None) -> str:
    return zlib.decompress(bytes(blob)).decode("utf-8") if blob else ""


def _fts_delete(con: sqlite3.Connection, sort_key: int, title: str, text_z: bytes | None) -> None:
    uni, bi = index_columns(title, _text(text_z))
    con.execute("INSERT INTO article_fts(article_fts, rowid, uni, bi) VALUES ('delete', ?, ?, ?)",
                (sort_key, uni, bi))


def _free_sort_key(con: sqlite3.Connection, epoch: int) -> int:
    base = epoch * _SHIFT
    top = con.execute("SELECT max(sort_key) FROM article WHERE sort_key >= ? AND sort_key < ?",
                      (base, base + _SHIFT)).fetchone()[0]
    candidate = base if top is None else top + 1
    while con.execute("SELECT 1 FROM article WHERE sort_key = ?", (candidate,)).fetchone():
        candidate += 1
    return int(candidate)


def _merge(con: sqlite3.Connection, ids: list[int], story: str) -> None:
    marks = ",".join("?" * len(ids))
    cols = ", ".join(COPY_COLUMNS)
    owner: dict[str, int] = {}
    copies = []
    for r in con.execute(f"SELECT path, article_id, {cols} FROM article_copy WHERE article_id IN ({marks})", ids):
        owner[r[0]] = int(r[1])
        copies.append(Copy.from_row(r[0], tuple(r[2:])))
    if not copies:
        return
    m = merge(copies)
    keeper = owner[m.richest.path]
    losers = [i for i in ids if i != keeper]
    rows = {r[0]: r for r in con.execute(
        f"SELECT id, bookmarked, bookmarked_at, read, read_at, sort_key, title, text, published "
        f"FROM article WHERE id IN ({marks})", ids)}
    bookmarked = any(r[1] for r in rows.values())
    bookmarked_at = min((r[2] for r in rows.values() if r[1] and r[2] is not None), default=None)
    read = any(r[3] for r in rows.values())
    read_at = min((r[4] for r in rows.values() if r[3] and r[4] is not None), default=None)
    for r in rows.values():
        _fts_delete(con, r[5], r[6], r[7])
    for loser in losers:
        con.execute("INSERT OR IGNORE INTO article_user_tag(article_id, tag_id, tagged_at) "
                    "SELECT ?, tag_id, tagged_at FROM article_user_tag WHERE article_id = ?", (keeper, loser))
        con.execute("UPDATE article_copy SET article_id = ? WHERE article_id = ?", (keeper, loser))
        con.execute("DELETE FROM article WHERE id = ?", (loser,))  # its labels, links and tags go
    kept = rows[keeper]
    sort_key = kept[5] if kept[8] == m.published else _free_sort_key(con, m.published)
    con.execute("DELETE FROM article_security WHERE article_id = ?", (keeper,))
    con.execute(
        "UPDATE article SET key = ?, title = ?, published = ?, utc_offset = ?, sort_key = ?, url = ?, "
        "categories = ?, tags = ?, warnings = ?, bookmarked = ?, bookmarked_at = ?, read = ?, read_at = ? "
        "WHERE id = ?",
        (story, m.title, m.published, m.utc_offset, sort_key, m.urls[0] if m.urls else "",
         " ".join(m.categories), " ".join(m.tags), "\n".join(m.warnings), int(bookmarked), bookmarked_at,
         int(read), read_at, keeper))
    con.execute("DELETE FROM label WHERE article_id = ?", (keeper,))
    con.executemany("INSERT OR IGNORE INTO label(article_id, kind, name) VALUES (?, ?, ?)",
                    [(keeper, "c", n) for n in m.categories] + [(keeper, "t", n) for n in m.tags])
    position = 0
    for secid in m.secids:
        sid = con.execute("SELECT id FROM security WHERE secid = ?", (secid,)).fetchone()
        if sid is None:
            continue
        con.execute("INSERT OR IGNORE INTO article_security(article_id, security_id, position, published) "
                    "VALUES (?, ?, ?, ?)", (keeper, sid[0], position, m.published))
        con.execute(
            "INSERT INTO security_total(security_id, articles, first_seen, last_seen) VALUES (?, 1, ?, ?) "
            "ON CONFLICT(security_id) DO UPDATE SET articles = articles + 1, "
            "first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen), "
            "last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)",
            (sid[0], m.published, m.published))
        position += 1
    text_z = con.execute("SELECT text FROM article WHERE id = ?", (keeper,)).fetchone()[0]
    uni, bi = index_columns(m.title, _text(text_z))
    con.execute("INSERT INTO article_fts(rowid, uni, bi) VALUES (?, ?, ?)", (sort_key, uni, bi))


def merge_story_copies(con: sqlite3.Connection) -> None:
    """Merge every story stored as more than one article; key each article by its code."""
    pairs = con.execute(
        "SELECT n.id, a.id, a.key, n.key FROM article n JOIN article a ON a.key = substr(n.key, 3) "
        "WHERE n.key GLOB 'NW[0-9]*'").fetchall()
    for nw_id, plain_id, story, nw_key in pairs:
        if story_of(nw_key) == story:
            _merge(con, [int(plain_id), int(nw_id)], story)
    for aid, key in con.execute("SELECT id, key FROM article WHERE key GLOB 'NW[0-9]*'").fetchall():
        story = story_of(key)
        if story != key:
            con.execute("UPDATE article SET key = ? WHERE id = ?", (story, aid))
    for path, key in con.execute("SELECT path, key FROM source_file WHERE key GLOB 'NW[0-9]*'").fetchall():
        if story_of(key) != key:  # a file's key names the story it holds, as the writer now keeps it
            con.execute("UPDATE source_file SET key = ? WHERE path = ?", (story_of(key), path))
