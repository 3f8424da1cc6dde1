"""Reading articles back: ids for a query (the search language), the list's rows, one whole
article, search pages with snippets, counts.

The statements that run per query (the compiled search, the list's rows, a search page's
texts) are measured SQL (``reader.core.sql``); one article and a key's id are peewee queries.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from reader.core import sql
from reader.core.copies import COPY_COLUMNS, Copy, ranked
from reader.core.library.connection import Connection, chunks
from reader.core.library.records import ArticleDetail, ArticleRow, SearchHit, aware
from reader.core.post import story_of
from reader.core.search import CompiledQuery, QueryError, compile_query, snippet
from reader.core.securities import Security as SecurityRef
from reader.core.store import (
    Article,
    ArticleCopy,
    ArticleSecurity,
    ArticleUserTag,
    Security,
    UserTag,
    decompress,
)
from reader.core.textindex import SEP

# How many articles a filter may always select and still lead a query (see Queries.plan).
_DRIVE_MIN, _DRIVE_MIN_ALL = 200, 2_000
# The newest articles the planner counts a text's matches in, for how common it is.
_SAMPLE = 2_000
# Candidates probed in the first statement when a filter leads a page (later slices: what the
# rest of the page needs at the share matched so far).
_SLICE = 128


def _tokens(expr: str | None) -> int:
    """How many index tokens a full-text expression names (each quoted string's words)."""
    return max(1, sum(len(q.split()) for q in _QUOTED.findall(expr or "")))


_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


class Queries:
    def __init__(self, conn: Connection, resolve_security: Callable[[str], list[int]]):
        self.c = conn
        self.resolve_security = resolve_security

    def compile(self, query: str) -> CompiledQuery:
        return compile_query(query, tz=self.c.tz, resolve_security=self.resolve_security)

    def plan(self, cq: CompiledQuery, *, page: bool) -> int | None:
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

        A page of a full-text query probes a leading filter's candidates in order and stops
        when the page is full (``_probed_page``), so a larger filter may lead too (5,000
        bookmarks at a million articles): when the text is common enough among the newest
        articles that the page fills after a few probes (``_lead_larger``).
        """
        if cq.impossible or not cq.filters:
            return None
        if cq.fts and SEP in cq.fts:
            # a phrase across the end of a Chinese run holds the separator token, which every
            # article has many times: probing it for one article took 1-50 ms (not ~12 µs), so
            # the text leads (at 200,000 articles, "下调 0.25" is:bookmarked: 30 ms against
            # seconds probing the 1,000 bookmarks)
            return None
        n = int(self.c.one(sql.MAX_ARTICLE_ID) or 0)
        every = max(_DRIVE_MIN_ALL, n // 50) if cq.fts else max(_DRIVE_MIN_ALL, n // 10)
        if cq.fts:
            limit = max(_DRIVE_MIN, int((8 * n) ** 0.5)) if page else every
        else:
            limit = max(_DRIVE_MIN, int((3 * n) ** 0.5)) if page else every
        larger = page and cq.fts is not None
        best: tuple[int, int] | None = None
        for i, f in enumerate(cq.filters):
            if f.estimate is None:
                continue
            # a filter whose check probes the index costs a probe per scanned row: leading from
            # it pays whenever fetching and sorting all its articles would (a bare code at 200,000
            # articles: 0.7 ms leading against 49 ms scanning newest first)
            if f.probes or (page and f.streams()):
                lim = every
            elif larger and f.drive:  # its candidates sorted (~1 µs each) cost more than a
                lim = max(limit, int((50 * n) ** 0.5))  # walk of 50 N / est beyond sqrt(50 N)
            else:
                lim = limit
            c = int(self.c.one(sql.PLAN_ESTIMATE.format(estimate=f.estimate, limit=lim + 1), f.est_params))
            if c <= lim and (best is None or c < best[0]):
                best = (c, i)
        if best is None:
            return None
        f = cq.filters[best[1]]
        if best[0] > limit and not f.probes:
            if not cq.fts:  # only a lead in the page's order pays: its page stops early
                return best[1] if f.lead else None
            if not self._lead_larger(cq, best[0], n, f.streams()):
                return None
        return best[1]

    def _lead_larger(self, cq: CompiledQuery, est: int, n: int, streams: bool) -> bool:
        """Whether a filter of ``est`` articles (more than the plain threshold) should lead a
        page of full-text query ``cq``: probing its candidates in order until 50 match (~6 µs
        each and token in one statement when they come newest first from an index,
        ``streams``; else ~12 µs each and token in slices, after fetching and sorting them all,
        ~1 µs each), against
        walking the text's matches newest first until 50 pass the filter (~1 µs each; assuming
        the two independent, 50 N / est of them, never more than the text's matches).  How
        common the text is comes from its matches among the newest ``_SAMPLE`` articles (a
        bounded count: ~0.1 µs each).  At 200,000 articles with 2,000 bookmarks: ``锂
        is:bookmarked`` 3.2 ms leading from the bookmarks against 5.4 ms walking the text,
        ``宁德时代 is:bookmarked`` 10.4 ms against 5.5 ms."""
        edge = self.c.one(sql.NEWEST_SORT_KEY_AT, (_SAMPLE - 1,))
        if edge is None:
            return True
        share = int(self.c.one(sql.FTS_COUNT_FROM, (cq.fts, edge))) / _SAMPLE
        matches = max(share, 0.5 / _SAMPLE) * n
        walk = min(matches, 50 * n / est)
        probes = min(est, 50 / max(share, 1 / est))
        per = 6 * _tokens(cq.fts)  # a probe seeks each token's list: 宁德时代 (3 bigrams) ~20 µs
        lead = per * probes if streams else est + 2 * per * probes
        return lead < walk

    def ids_cursor(self, query: str, sort: str, descending: bool, limit: int | None) -> Iterable[Sequence[Any]]:
        cq = self.compile(query)
        if cq.impossible:
            return []
        direction = "DESC" if descending else "ASC"
        col = sql.LIST_ORDERS.get(sort, sql.LIST_ORDERS["published"])
        newest = sql.LIST_ORDERS["published"]
        order = f"{col} {direction}" if col == newest else f"{col} {direction}, {newest} DESC"
        if limit is not None and order == f"{newest} DESC" and self._merges(cq):
            return [(i,) for i in self._merged_page(cq, limit, 0)]
        drive = self.plan(cq, page=limit is not None)
        if limit is not None and self._probes_in_slices(cq, order, drive):
            assert drive is not None
            return [(i,) for i in self._probed_page(cq, order, drive, limit, 0)]
        statement, params = cq.sql(order=order, limit=limit, drive=drive)
        return self.c.sql(statement, params)  # type: ignore[no-any-return]

    @staticmethod
    def _probes_in_slices(cq: CompiledQuery, order: str, drive: int | None) -> bool:
        """Whether a page led by filter ``drive`` is probed a slice at a time: when its
        candidates need sorting first.  A filter whose articles come newest first from an
        index (bookmarks, one security's links) stops early in one statement, which probes
        each candidate for ~6 µs against ~12 µs in a slice (bench_library.py, word +
        is:bookmarked: 3.3 ms one statement, 7.2 ms in slices, at 200,000 articles)."""
        if drive is None or not cq.fts:
            return False
        return not (order == "a.sort_key DESC" and cq.filters[drive].streams())

    def _probed_page(self, cq: CompiledQuery, order: str, drive: int, limit: int, offset: int) -> list[int]:
        """A page of ``cq`` led by filter ``drive``: its candidates in the page's order, probed
        against the text a slice at a time until the page is full.

        One statement that probes every candidate and sorts the matches paid a probe per
        candidate: 5,000 bookmarks at a million articles, ~50 ms for a page a few hundred probes
        fill (bench_library.py, word + is:bookmarked)."""
        assert cq.fts is not None
        statement, params = cq.sql(order=order, select="a.id, a.sort_key", drive=drive, probe=False)
        candidates = self.c.sql(statement, params)
        wanted = limit + offset
        found: list[int] = []
        size, probed = _SLICE, 0
        while len(found) < wanted:
            rows = candidates.fetchmany(size)
            if not rows:
                break
            marks = ",".join("?" * len(rows))
            hit = {r[0] for r in self.c.sql(sql.FTS_PROBE_SLICE.format(marks=marks),
                                              [cq.fts, *(r[1] for r in rows)])}
            found.extend(aid for aid, key in rows if key in hit)
            probed += len(rows)
            # the next slice: what the rest of the page needs at the share matched so far
            share = max(len(found), 1) / probed
            size = max(16, min(8 * _SLICE, int((wanted - len(found)) / share * 1.25) + 8))
        return found[offset:wanted]

    @staticmethod
    def _merges(cq: CompiledQuery) -> bool:
        """Whether ``cq`` is one filter made of newest-first streams (a bare code alone)."""
        return (len(cq.filters) == 1 and bool(cq.filters[0].streams_of) and not cq.fts
                and not cq.exclude and not cq.impossible)

    def _merged_page(self, cq: CompiledQuery, limit: int, offset: int) -> list[int]:
        """A newest-first page of a filter that is a union of newest-first streams: the streams
        merged, each read only as far as the page needs (a bare code at 1M: its 8,001 articles
        sorted whole took 35 ms)."""
        wanted = limit + offset
        streams = [self.c.sql(statement, params) for statement, params in cq.filters[0].streams_of]
        keys: list[int] = []
        last: int | None = None
        for (key,) in heapq.merge(*streams, reverse=True):
            if key != last:  # a text match that also links the security comes in both
                keys.append(int(key))
                last = key
                if len(keys) >= wanted:
                    break
        for cur in streams:
            cur.close()
        page = keys[offset:wanted]
        if not page:
            return []
        ids = dict(self.c.sql(sql.IDS_BY_SORT_KEY.format(marks=",".join("?" * len(page))), page).fetchall())
        return [int(ids[k]) for k in page if k in ids]

    def ids(self, query: str, sort: str, descending: bool, limit: int | None) -> list[int]:
        return [r[0] for r in self.ids_cursor(query, sort, descending, limit)]

    def id_array(self, query: str, sort: str, descending: bool, limit: int | None) -> array:
        """Filled row by row: a million ids cost 8 MB and never exist as a million Python
        objects at once (which would leave ~100 MB behind)."""
        out = array("q")
        out.extend(r[0] for r in self.ids_cursor(query, sort, descending, limit))
        return out

    def count(self, query: str) -> int:
        cq = self.compile(query)
        if cq.impossible:
            return 0
        statement, params = cq.sql(order="", select="count(*)", drive=self.plan(cq, page=False))
        return int(self.c.sql(statement, params).fetchone()[0])

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        out: dict[int, ArticleRow] = {}
        for chunk in chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for r in self.c.sql(sql.ROWS.format(marks=marks), chunk):
                out[r[0]] = ArticleRow(r[0], r[1], r[2], aware(r[3], r[4]), r[5], [], bool(r[6]), bool(r[7]))
            for aid, secid, name in self.c.sql(sql.ROWS_SECURITIES.format(marks=marks), chunk):
                if aid in out:
                    out[aid].securities.append((secid, name))
            for aid, tag in self.c.sql(sql.ROWS_USER_TAGS.format(marks=marks), chunk):
                if aid in out:
                    out[aid].user_tags.append(tag)
        return out

    def article_id(self, key: str) -> int | None:
        k = key.strip()
        aid = self._id_of(k)
        if aid is None and re.fullmatch(r"(?i)(nw)?\d+", k):
            aid = self._id_of(story_of(k.upper()))  # any copy's key names its story
        return None if aid is None else int(aid)

    def article_ids(self, keys: Iterable[str]) -> dict[str, int]:
        """``article_id`` for many keys at once (a user-data file's): key -> id of those found."""
        wanted = {k: k.strip() for k in keys}
        out: dict[str, int] = {}
        for attempt in (wanted, {k: story_of(v.upper()) for k, v in wanted.items()
                                 if re.fullmatch(r"(?i)(nw)?\d+", v)}):
            todo: dict[str, list[str]] = {}
            for k, v in attempt.items():
                if k not in out:
                    todo.setdefault(v, []).append(k)
            for chunk in chunks(list(todo)):
                query = Article.select(Article.key, Article.id).where(Article.key.in_(list(chunk)))
                for key, aid in self.c.q(query.tuples()):
                    out.update(dict.fromkeys(todo[key], int(aid)))
        return out

    def _id_of(self, key: str) -> Any:
        return self.c.q(Article.select(Article.id).where(Article.key == key)).scalar()

    def tags_of(self, aid: int) -> list[str]:
        query = (UserTag.select(UserTag.name).join(ArticleUserTag)
                 .where(ArticleUserTag.article == aid).order_by(UserTag.name))
        return [str(r[0]) for r in self.c.q(query.tuples())]

    def article(self, ref: int | str) -> ArticleDetail | None:
        aid = ref if isinstance(ref, int) else self.article_id(ref)
        if aid is None:
            return None
        a = Article
        r = self.c.q(a.select(
            a.id, a.key, a.path, a.title, a.published, a.utc_offset, a.categories, a.tags, a.source, a.url,
            a.summary, a.html, a.text, a.word_count, a.char_count, a.warnings, a.content_hash, a.bookmarked,
            a.read, a.bookmarked_at, a.read_at,
        ).where(a.id == aid).tuples()).first()
        if r is None:
            return None
        links = (Security.select(Security.market, Security.code, Security.name).join(ArticleSecurity)
                 .where(ArticleSecurity.article == aid).order_by(ArticleSecurity.position))
        secs = [SecurityRef(m, c, n) for m, c, n in self.c.q(links.tuples())]
        fields = [getattr(ArticleCopy, name) for name in COPY_COLUMNS]
        copies = ranked([Copy.from_row(row[0], tuple(row[1:])) for row in self.c.q(
            ArticleCopy.select(ArticleCopy.path, *fields).where(ArticleCopy.article == aid).tuples())])
        return ArticleDetail(
            id=r[0], key=r[1], path=r[2], title=r[3], published=aware(r[4], r[5]),
            categories=r[6].split(), tags=r[7].split(), source=r[8], url=r[9], summary=r[10],
            securities=secs, html=r[11], text=r[12], word_count=r[13],
            char_count=r[14], warnings=[w for w in r[15].split("\n") if w], content_hash=r[16],
            bookmarked=bool(r[17]), read=bool(r[18]), user_tags=self.tags_of(aid),
            bookmarked_at=r[19], read_at=r[20],
            keys=list(dict.fromkeys(cp.key for cp in copies)) or [r[1]],
            paths=[cp.path for cp in copies] or [r[2]],
            urls=list(dict.fromkeys(u for u in [r[9], *(cp.url for cp in copies)] if u)),
            charts=list(dict.fromkeys(s for cp in copies for s in cp.charts)),
        )

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        """The first page of results for ``query``, newest first, with highlighted snippets."""
        cq = self.compile(query)
        if cq.impossible:
            return []
        if self._merges(cq):
            ids = self._merged_page(cq, limit, offset)
        else:
            drive = self.plan(cq, page=True)
            if self._probes_in_slices(cq, "a.sort_key DESC", drive):
                assert drive is not None
                ids = self._probed_page(cq, "a.sort_key DESC", drive, limit, offset)
            else:
                statement, params = cq.sql(limit=limit, offset=offset, drive=drive)
                ids = [r[0] for r in self.c.sql(statement, params)]
        if not ids:
            return []
        # the page's ids first, then their texts: sorting never carries the article bodies
        found = {
            r[0]: r
            for chunk in chunks(ids)
            for r in self.c.sql(sql.SEARCH_PAGE.format(marks=",".join("?" * len(chunk))), chunk)
        }
        hits = []
        for aid in ids:
            _, key, title, pub, off, text = found[aid]
            hits.append(SearchHit(aid, key, title, aware(pub, off), snippet(decompress(text), cq.highlights)))
        return hits

    def highlights(self, query: str) -> list[str]:
        """The literal strings a query looks for (the viewer highlights them)."""
        try:
            return self.compile(query).highlights
        except QueryError:
            return []
