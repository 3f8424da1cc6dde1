"""The import writer: files in, articles stored, in batches of one transaction each.

Every statement run per stored article is measured SQL (``reader.core.sql``, named by
``bench_library.py``'s import rate); reading the known files once per import and the
tokenizer's version are peewee queries.

A story is an article however many files carry it (``reader.core.copies``): each stored file is
a row of ``article_copy``; a file of a story already held joins its article, which is written
again from all its copies (the richest one's body, the union of the rest), so that any order of
import, and the loss of a copy's file, give the article the remaining files make.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.core import importer as imp
from reader.core import sql
from reader.core.copies import DISAGREE_TIME, DISAGREE_TITLE, Copy, Merged, copy_of, merge
from reader.core.library.connection import Connection, now
from reader.core.library.meta import Settings
from reader.core.library.userdata import PENDING, ReaderData
from reader.core.post import Article, PostError, parse_file, story_of
from reader.core.search import SORT_KEY_SHIFT
from reader.core.securities import Security
from reader.core.store import SourceFile, compress, decompress
from reader.core.textindex import TOKENIZER_VERSION, index_columns

# An import that adds or changes at least this many articles, and a fifth of the library,
# merges the full-text index afterwards.
OPTIMIZE_AFTER = 1000
_TOKENIZER = "tokenizer"
# FTS5's own default: merge segments as they pile up (turned off during a bulk import)
AUTOMERGE = 4


class ImportWriter:
    def __init__(self, conn: Connection, settings: Settings, reader_data: ReaderData,
                 article_count: Callable[[], int]):
        self.c = conn
        self.settings = settings
        self.reader_data = reader_data
        self.article_count = article_count

    # --- the full-text index -------------------------------------------------------------------

    def check_tokenizer(self) -> None:
        if self.settings.get(_TOKENIZER) != str(TOKENIZER_VERSION):
            self.rebuild_index()
        if self.c.one(sql.FTS_AUTOMERGE_NOW) == 0:  # a bulk import was cut short
            self.merge_as_you_go(True)

    def merge_as_you_go(self, on: bool) -> None:
        """FTS5's incremental merging: off while a bulk import writes (the index is merged
        once at its end), on otherwise (the default, stored in the index's config)."""
        with self.c.writing():
            self.c.sql(sql.FTS_AUTOMERGE, (AUTOMERGE if on else 0,))

    def rebuild_index(self) -> None:
        """Re-create the full-text index from the stored texts (after a tokenizer change)."""
        with self.c.writing():
            self.c.sql(sql.FTS_DELETE_ALL)
            last = -1
            while True:  # in slices by id: a large library's texts never all sit in memory
                rows = self.c.sql(sql.FTS_REBUILD_SLICE, (last,)).fetchall()
                if not rows:
                    break
                for aid, sort_key, title, text in rows:
                    uni, bi = index_columns(title, decompress(text))
                    self.c.sql(sql.FTS_INSERT, (sort_key, uni, bi))
                    last = aid
            self.settings.put(_TOKENIZER, str(TOKENIZER_VERSION))

    def optimize(self) -> None:
        """Merge the full-text index into a single segment (after large imports)."""
        with self.c.writing():
            self.c.sql(sql.FTS_OPTIMIZE)

    def merge_in_steps(self, cancel: threading.Event | None = None) -> None:
        """Merge the full-text index into one segment a step at a time, each step its own
        transaction, so that the reader's writes (a bookmark during an import) wait for one
        step only.  FTS5 writes fewer than two rows when there was nothing left to merge."""
        con = self.c.db.connection()
        for _ in range(100_000):  # bounded: a merge that never ends is finished by 'optimize'
            if cancel is not None and cancel.is_set():
                return  # what is merged stays merged; the rest on a later import
            with self.c.writing():
                before = con.total_changes
                self.c.sql(sql.FTS_MERGE_STEP)
                if con.total_changes - before < 2:
                    return
        self.optimize()

    # --- import --------------------------------------------------------------------------------

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
        self.drop_gone_copies(paths, {f.path for f in files})
        seen = SourceFile.select(SourceFile.path, SourceFile.size, SourceFile.mtime_ns, SourceFile.error)
        known = {row[0]: row[1:] for row in self.c.q(seen.tuples())}
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
        # a bulk import (a fifth of the library or more) merges the index once, at its end
        bulk = len(todo) >= OPTIMIZE_AFTER and len(todo) * 5 >= self.article_count() + len(todo)
        if bulk:
            self.merge_as_you_go(False)
        try:
            done = self._store_all(todo, info, report, done, total, cb, cancel, workers)
        finally:
            if bulk:
                self.merge_as_you_go(True)
        report.cancelled = bool(cancel is not None and cancel.is_set() and done < total)
        changed = report.added + report.updated
        if not report.cancelled and changed and (
            bulk or (changed >= OPTIMIZE_AFTER and changed * 5 >= self.article_count())
        ):
            # a large import leaves the full-text index in many segments; one segment makes
            # every lookup (and the per-article probes of filtered searches) several times faster
            cb(imp.ImportProgress("optimizing", done, total, report))
            self.merge_in_steps(cancel)
        report.seconds = time.perf_counter() - t0
        cb(imp.ImportProgress("done", done, total, report))
        return report

    def _store_all(self, todo: list[str], info: dict[str, imp.FileInfo], report: imp.ImportReport,
                   done: int, total: int, cb: imp.ProgressCallback, cancel: threading.Event | None,
                   workers: int | None) -> int:
        """Parse ``todo`` and store the results in batches; returns the files handled."""
        batch: list[tuple[str, Article | None, str | None]] = []
        last_flush = time.monotonic()
        for result in imp.parse_all(todo, workers=workers, cancel=cancel):
            batch.append(result)
            if len(batch) >= imp.BATCH_SIZE or time.monotonic() - last_flush > imp.BATCH_SECONDS:
                self.store_batch(batch, info, report)
                done += len(batch)
                report.parsed += len(batch)
                batch = []
                last_flush = time.monotonic()
                cb(imp.ImportProgress("importing", done, total, report))
            if cancel is not None and cancel.is_set():
                break
        if batch:
            self.store_batch(batch, info, report)
            done += len(batch)
            report.parsed += len(batch)
        return done

    def store_batch(
        self,
        batch: list[tuple[str, Article | None, str | None]],
        info: dict[str, imp.FileInfo],
        report: imp.ImportReport,
    ) -> None:
        with self.c.writing():
            for path, art, error in batch:
                fi = info.get(path)
                size = fi.size if fi else 0
                mtime = fi.mtime_ns if fi else 0
                if art is None:
                    report.fail(path, error or "unknown error")
                    self.c.sql(sql.SOURCE_FILE_FAILED, (path, size, mtime, error or "unknown error"))
                    continue
                report.record(path, art, self.store_article(art))
                # the story the file holds (its article's key)
                self.c.sql(sql.SOURCE_FILE_STORED, (path, size, mtime, art.content_hash, story_of(art.key)))

    def _alloc_sort_key(self, epoch: int) -> int:
        base = epoch * SORT_KEY_SHIFT
        top = self.c.one(sql.SORT_KEY_TOP, (base, base + SORT_KEY_SHIFT))
        candidate = base if top is None else top + 1
        # only a second with more than SORT_KEY_SHIFT articles spills into the next one's range
        while candidate >= base + SORT_KEY_SHIFT and self.c.one(sql.SORT_KEY_TAKEN, (candidate,)):
            candidate += 1
        return int(candidate)

    def store_article(self, art: Article) -> str:
        """Add or update one parsed file's story (inside the caller's transaction).

        Returns "added" (a new story), "updated" (a stored copy changed), "unchanged", or
        "merged"/"merged-richest" (another copy of a story held: it joined the article, and
        in the second case the article's body now comes from it).  Uses what
        :func:`importer.prepare` left in ``art.extra`` when present.
        """
        c = self.c
        story = story_of(art.key)
        row = c.sql(sql.ARTICLE_BY_KEY, (story,)).fetchone()
        mine = copy_of(art)
        if row is None:
            self._add(art, story, mine)
            return "added"
        aid = row[0]
        copies = {r[0]: Copy.from_row(r[0], tuple(r[1:])) for r in c.sql(sql.COPIES_OF, (aid,)).fetchall()}
        old = copies.get(art.path)
        if old is not None and old.content_hash == art.content_hash:
            return "unchanged"  # touched, not changed
        if old is None:
            moved = next((p for p, cp in copies.items()
                          if cp.content_hash == art.content_hash and not os.path.exists(p)), None)
            if moved is not None:  # still the same copy, in another place
                c.sql(sql.COPY_DELETE, (moved,))
                c.sql(sql.COPY_PUT, (art.path, aid, *mine.row()))
                if row[2] == moved:
                    c.sql(sql.ARTICLE_MOVED, (art.path, aid))
                return "unchanged"
        for gone in [p for p in copies if p != art.path and not os.path.exists(p)]:
            del copies[gone]  # a copy whose file is gone no longer counts
            c.sql(sql.COPY_DELETE, (gone,))
        copies[art.path] = mine
        c.sql(sql.COPY_PUT, (art.path, aid, *mine.row()))
        m = merge(list(copies.values()))
        self._rewrite(row, m, art)
        disagree = [w for w in m.warnings if w.startswith((DISAGREE_TITLE, DISAGREE_TIME))]
        art.warnings = [w for w in art.warnings if not w.startswith((DISAGREE_TITLE, DISAGREE_TIME))] + disagree
        if old is not None:
            return "updated"
        blob = c.one(sql.PENDING_ENTRY, (PENDING + art.key,))
        if blob is not None and art.key != story:
            self.reader_data.apply_pending(art.key, blob, aid)
        return "merged-richest" if m.richest.path == art.path else "merged"

    def _add(self, art: Article, story: str, mine: Copy) -> None:
        """A story met for the first time: its article, made of this one file."""
        c = self.c
        extra = getattr(art, "extra", None) or {}
        epoch, offset_min, stamp = mine.published, mine.utc_offset, now()
        sort_key = self._alloc_sort_key(epoch)
        html_z, text_z = extra.get("html_z") or compress(art.html), extra.get("text_z") or compress(art.text)
        aid = c.sql(sql.ARTICLE_INSERT, (
            story, art.title, epoch, offset_min, sort_key, art.source, art.url, art.summary,
            " ".join(art.categories), " ".join(art.tags), html_z, text_z,
            art.word_count, art.char_count, "\n".join(art.warnings), art.content_hash, art.path,
            mine.quality, stamp, stamp,
        )).lastrowid
        c.sql(sql.COPY_ADD, (art.path, aid, *mine.row()))
        labels = {("c", cat) for cat in art.categories} | {("t", t) for t in art.tags}
        for kind, name in labels:
            c.sql(sql.LABEL_INSERT, (aid, kind, name))
        for pos, sec in enumerate(art.securities):
            sid = self._upsert_security(sec, epoch)
            if c.sql(sql.LINK_INSERT, (aid, sid, pos, epoch)).rowcount == 1:
                c.sql(sql.COUNT_LINK, (sid, epoch, epoch))
        uni, bi = extra.get("index") or index_columns(art.title, art.text)
        c.sql(sql.FTS_INSERT, (sort_key, uni, bi))
        for key in dict.fromkeys((story, art.key)):
            blob = c.one(sql.PENDING_ENTRY, (PENDING + key,))
            if blob is not None:
                self.reader_data.apply_pending(key, blob, aid)

    def _body_source(self, m: Merged, stored_path: str, art: Article | None) -> Article | None:
        """The parsed file the article's body comes from, or None to keep the stored body."""
        richest = m.richest.path
        if art is not None and art.path == richest:
            return art
        if richest == stored_path:
            return None
        try:  # the richest copy is another file, stored before: read it again
            return imp.prepare(parse_file(richest))
        except (PostError, OSError, ValueError):
            return art

    def _rewrite(self, row: tuple[object, ...], m: Merged, art: Article | None) -> None:
        """Write an article again from its copies (inside the caller's transaction)."""
        c = self.c
        aid, _hash, stored_path, _q, old_sort, old_title, old_text, old_pub = row
        body = self._body_source(m, str(stored_path), art)
        sort_key = old_sort if old_pub == m.published else self._alloc_sort_key(m.published)
        url = m.urls[0] if m.urls else ""
        cats, tags, warnings, stamp = " ".join(m.categories), " ".join(m.tags), "\n".join(m.warnings), now()
        text = None
        if body is not None:
            extra = getattr(body, "extra", None) or {}
            html_z, text_z = extra.get("html_z") or compress(body.html), extra.get("text_z") or compress(body.text)
            text = body.text or decompress(text_z)
            c.sql(sql.ARTICLE_UPDATE, (
                m.title, m.published, m.utc_offset, sort_key, body.source, url, body.summary, cats, tags,
                html_z, text_z, body.word_count, body.char_count, warnings, body.content_hash, body.path,
                m.richest.quality, stamp, aid,
            ))
        else:
            c.sql(sql.ARTICLE_UPDATE_SHARED, (m.title, m.published, m.utc_offset, sort_key, url, cats, tags,
                                              warnings, stamp, aid))
        if body is not None or m.title != old_title or sort_key != old_sort:
            uni, bi = index_columns(str(old_title), decompress(old_text))  # type: ignore[arg-type]
            c.sql(sql.FTS_DELETE, (old_sort, uni, bi))
            if body is not None and m.title == body.title and (body.extra or {}).get("index"):
                uni, bi = body.extra["index"]
            else:
                uni, bi = index_columns(m.title, text if text is not None else decompress(old_text))  # type: ignore[arg-type]
            c.sql(sql.FTS_INSERT, (sort_key, uni, bi))
        # labels and links again, the union of the copies' (old links first: see ARTICLE_UPDATE)
        c.sql(sql.LABELS_DELETE, (aid,))
        c.sql(sql.LINKS_DELETE, (aid,))
        for kind, names in (("c", m.categories), ("t", m.tags)):
            for name in names:
                c.sql(sql.LABEL_INSERT, (aid, kind, name))
        named = {s.secid: s for src in (art, body) if src is not None for s in src.securities}
        for pos, secid in enumerate(m.secids):
            sec = named.get(secid) or _bare(secid)
            if sec is None:
                continue
            sid = self._upsert_security(sec, m.published)
            if c.sql(sql.LINK_INSERT, (aid, sid, pos, m.published)).rowcount == 1:
                c.sql(sql.COUNT_LINK, (sid, m.published, m.published))

    def drop_gone_copies(self, paths: Sequence[str | os.PathLike[str]], scanned: set[str]) -> None:
        """Copies of a story held twice whose files, under the folders imported, are gone:
        the article is made again from the copies left (an article's last copy stays)."""
        roots = []
        for p in paths:
            try:
                roots.append(str(Path(p).expanduser().resolve()))
            except (OSError, RuntimeError):
                continue
        gone: dict[int, list[str]] = {}
        for path, aid in self.c.sql(sql.SHARED_COPIES).fetchall():
            if path in scanned or not any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
                continue
            if not os.path.exists(path):
                gone.setdefault(int(aid), []).append(path)
        if not gone:
            return
        with self.c.writing():
            for aid, lost in gone.items():
                row = self.c.sql(sql.ARTICLE_BY_ID, (aid,)).fetchone()
                copies = [Copy.from_row(r[0], tuple(r[1:])) for r in self.c.sql(sql.COPIES_OF, (aid,)).fetchall()]
                left = [cp for cp in copies if cp.path not in lost]
                if row is None or not left:
                    continue
                for path in lost:
                    self.c.sql(sql.COPY_DELETE, (path,))
                    self.c.sql(sql.SOURCE_FILE_DELETE, (path,))
                self._rewrite(row, merge(left), None)

    def _upsert_security(self, sec: Security, epoch: int) -> int:
        row = self.c.sql(sql.SECURITY_BY_SECID, (sec.secid,)).fetchone()
        if row is None:
            cur = self.c.sql(sql.SECURITY_INSERT, (sec.secid, sec.market, sec.code, sec.name, sec.name, epoch))
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
            self.c.sql(sql.SECURITY_RENAME, (name, "\n".join(names_list), name_pub, sid))
        return int(sid)


def _bare(secid: str) -> Security | None:
    """A security known only by its secid (named by a copy whose file is not in hand)."""
    market, _, code = secid.partition(".")
    return Security(int(market), code, "") if market.isdigit() and code else None
