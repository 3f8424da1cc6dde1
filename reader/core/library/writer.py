"""The import writer: files in, articles stored, in batches of one transaction each.

Every statement run per stored article is measured SQL (``reader.core.sql``, named by
``bench_library.py``'s import rate); reading the known files once per import and the
tokenizer's version are peewee queries.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence

from reader.core import importer as imp
from reader.core import sql
from reader.core.library.connection import Connection, now
from reader.core.library.meta import Settings
from reader.core.library.userdata import PENDING, ReaderData
from reader.core.post import Article
from reader.core.search import SORT_KEY_SHIFT
from reader.core.securities import Security
from reader.core.store import SourceFile, compress, decompress
from reader.core.textindex import TOKENIZER_VERSION, index_columns

# An import that adds or changes at least this many articles, and a fifth of the library,
# merges the full-text index afterwards.
OPTIMIZE_AFTER = 1000
_TOKENIZER = "tokenizer"


def quality(art: Article) -> int:
    """Which copy of a story to keep when two files carry it (higher is better)."""
    w = " ".join(art.warnings)
    score = 0
    score += 0 if "no title" in w else 100
    score += 0 if "no usable date" in w else 50
    score += 20 if art.url else 0
    score += 10 if art.source else 0
    return score - min(len(art.warnings), 9)


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
        report.cancelled = bool(cancel is not None and cancel.is_set() and done < total)
        changed = report.added + report.updated
        if not report.cancelled and changed >= OPTIMIZE_AFTER and changed * 5 >= self.article_count():
            # a large import leaves the full-text index in many segments; one segment makes
            # every lookup (and the per-article probes of filtered searches) several times faster
            cb(imp.ImportProgress("optimizing", done, total, report))
            self.optimize()
        report.seconds = time.perf_counter() - t0
        cb(imp.ImportProgress("done", done, total, report))
        return report

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
                self.c.sql(sql.SOURCE_FILE_STORED, (path, size, mtime, art.content_hash, art.key))

    def _alloc_sort_key(self, epoch: int) -> int:
        base = epoch * SORT_KEY_SHIFT
        top = self.c.one(sql.SORT_KEY_TOP, (base, base + SORT_KEY_SHIFT))
        candidate = base if top is None else top + 1
        # only a second with more than SORT_KEY_SHIFT articles spills into the next one's range
        while candidate >= base + SORT_KEY_SHIFT and self.c.one(sql.SORT_KEY_TAKEN, (candidate,)):
            candidate += 1
        return int(candidate)

    def store_article(self, art: Article) -> str:
        """Add or update one parsed article (inside the caller's transaction).

        Uses what :func:`importer.prepare` left in ``art.extra`` (index columns, compressed
        bodies) when present; they must describe this title and text.
        """
        c = self.c
        extra = getattr(art, "extra", None) or {}
        row = c.sql(sql.ARTICLE_BY_KEY, (art.key,)).fetchone()
        score = quality(art)
        epoch = int(art.published.timestamp())
        offset = art.published.utcoffset()
        offset_min = int(offset.total_seconds() // 60) if offset is not None else 480
        stamp = now()
        if row is not None:
            aid, old_hash, old_path, old_quality, old_sort, old_title, old_text, old_pub = row
            if old_hash == art.content_hash:
                if old_path == art.path:
                    return "unchanged"  # touched, not changed
                if not os.path.exists(old_path):
                    c.sql(sql.ARTICLE_MOVED, (art.path, aid))
                    return "unchanged"  # moved: still the article's one file
                return "duplicate"  # an identical copy of a story another file holds
            replace = old_path == art.path or not os.path.exists(old_path) or score > old_quality
            if not replace:
                return "duplicate"  # another, lesser copy of a story we hold
            uni, bi = index_columns(old_title, decompress(old_text))
            c.sql(sql.FTS_DELETE, (old_sort, uni, bi))
            # the old links go first: the article's new time then has no links to carry it to
            c.sql(sql.LABELS_DELETE, (aid,))
            c.sql(sql.LINKS_DELETE, (aid,))
            html_z, text_z = extra.get("html_z") or compress(art.html), extra.get("text_z") or compress(art.text)
            sort_key = old_sort if old_pub == epoch else self._alloc_sort_key(epoch)
            c.sql(sql.ARTICLE_UPDATE, (
                art.title, epoch, offset_min, sort_key, art.source, art.url, art.summary,
                " ".join(art.categories), " ".join(art.tags), html_z, text_z,
                art.word_count, art.char_count, "\n".join(art.warnings), art.content_hash, art.path,
                score, stamp, aid,
            ))
            outcome = "updated"
        else:
            sort_key = self._alloc_sort_key(epoch)
            html_z, text_z = extra.get("html_z") or compress(art.html), extra.get("text_z") or compress(art.text)
            aid = c.sql(sql.ARTICLE_INSERT, (
                art.key, art.title, epoch, offset_min, sort_key, art.source, art.url, art.summary,
                " ".join(art.categories), " ".join(art.tags), html_z, text_z,
                art.word_count, art.char_count, "\n".join(art.warnings), art.content_hash, art.path,
                score, stamp, stamp,
            )).lastrowid
            outcome = "added"
        labels = {("c", cat) for cat in art.categories} | {("t", t) for t in art.tags}
        for kind, name in labels:
            c.sql(sql.LABEL_INSERT, (aid, kind, name))
        for pos, sec in enumerate(art.securities):
            sid = self._upsert_security(sec, epoch)
            if c.sql(sql.LINK_INSERT, (aid, sid, pos, epoch)).rowcount == 1:
                c.sql(sql.COUNT_LINK, (sid, epoch, epoch))
        uni, bi = extra.get("index") or index_columns(art.title, art.text)
        c.sql(sql.FTS_INSERT, (sort_key, uni, bi))
        if outcome == "added":
            blob = c.one(sql.PENDING_ENTRY, (PENDING + art.key,))
            if blob is not None:
                self.reader_data.apply_pending(art.key, blob, aid)
        return outcome

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
