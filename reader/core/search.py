"""The query language a reader types, compiled to SQL over the library.

    科技 "降准 0.5" -港股 tag:关注 cat:emnews source:财联社 sec:600519 after:2022-05-01
    before:2022-06-01 is:bookmarked is:unread

Words must all match (Chinese of any length matches as a substring, see ``textindex``),
``"..."`` is an exact phrase, a leading ``-`` excludes, and ``key:value`` filters narrow.
Results come newest first.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from reader.core import sql
from reader.core.textindex import literal_parts, match_expression, normalize

_TOKEN_RE = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
FILTER_KEYS = {
    "tag": "tag", "tags": "tag", "cat": "cat", "category": "cat", "source": "source",
    "src": "source", "sec": "sec", "security": "sec", "stock": "sec", "before": "before",
    "after": "after", "is": "is", "key": "key",
}
SORT_KEY_SHIFT = 2048


class QueryError(ValueError):
    """A query the user typed cannot be understood (the message says which part).

    ``str()`` is the English message the command line prints; ``code`` and ``params`` name the
    problem so that the window can say it in the reader's language (core knows no Qt)."""

    def __init__(self, message: str, code: str = "", *params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params: tuple[str, ...] = params


@dataclass
class Term:
    kind: str  # "word", "phrase" or a filter key
    value: str
    negated: bool = False


@dataclass
class Filter:
    """One ``key:value`` condition on the article row ``a``.

    ``check`` is cheap to test row by row; ``drive`` is the same condition written so that SQLite
    can start from it (an ``IN`` list) when few articles satisfy it; ``estimate`` selects the rows
    it can match, for a bounded count that tells the planner whether to start there.
    """

    check: str
    params: list[object] = field(default_factory=list)
    drive: str | None = None  # same parameters as check
    estimate: str | None = None
    est_params: list[object] = field(default_factory=list)
    # the check probes the full-text index row by row (~10-40 µs, not ~0.2 µs): leading from
    # this filter pays up to many more of its articles (see Queries.plan)
    probes: bool = False
    # a statement that yields this filter's articles already in the page order (newest first)
    # from an index, so that a page led from it stops after its rows: ``{select}`` as in
    # ``sql.ARTICLES_LEAD``, with ``lead_order`` its ORDER BY
    lead: str | None = None
    lead_params: list[object] = field(default_factory=list)
    lead_order: str = ""
    # SQLite walks this filter's articles newest first from an index (a partial index on
    # sort_key): a page led from it stops early within one statement
    ordered: bool = False
    # statements, each yielding sort keys newest first, whose union is this filter's articles:
    # a page of this filter alone merges them and stops early (a bare code: its text, its links)
    streams_of: list[tuple[str, list[object]]] = field(default_factory=list)

    def streams(self) -> bool:
        """Whether a page led from this filter comes in the page's order without a sort."""
        return self.ordered or bool(self.lead)

    def negate(self) -> Filter:
        return Filter(f"NOT ({self.check})", list(self.params))


_PROBE = sql.FTS_PROBE


@dataclass
class CompiledQuery:
    fts: str | None = None  # an FTS5 MATCH expression, when the query has text terms
    exclude: str | None = None  # excluded text, when the query has no other text term
    filters: list[Filter] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    impossible: bool = False  # e.g. sec: names no known security

    def sql(self, *, order: str = "a.sort_key DESC", limit: int | None = None, offset: int = 0,
            select: str = "a.id", drive: int | None = None, probe: bool = True) -> tuple[str, list[object]]:
        """The statement for one plan.

        ``drive`` None: the full-text index drives (newest match first, so a page stops early);
        ``drive`` i: start from filter i's few articles and probe the index for each (``probe``
        False: leave the text out, for a caller that probes the candidates itself, in order).
        """
        params: list[object] = []
        clauses: list[str] = []
        lead = self.filters[drive] if drive is not None and order == "a.sort_key DESC" else None
        if lead is not None and lead.lead:
            stmt = lead.lead.format(select=select)
            params.extend(lead.lead_params)
            order = lead.lead_order
        elif self.fts and drive is None:
            stmt = sql.FTS_LEAD.format(select=select)
            params.append(self.fts)
            if order == "a.sort_key DESC":
                order = "article_fts.rowid DESC"
        else:
            stmt = sql.ARTICLES_LEAD.format(select=select)
        if self.impossible:
            clauses.append("0")
        for i, f in enumerate(self.filters):
            if f is lead and f.lead:
                continue  # the lead selects exactly its articles
            clauses.append(f.drive if i == drive and f.drive else f.check)
            params.extend(f.params)
        if self.fts and drive is not None and probe:
            clauses.append(_PROBE)
            params.append(self.fts)
        if self.exclude:
            if limit is not None:  # a page: probe row by row, stopping early
                clauses.append("NOT " + _PROBE)
            else:  # everything: one pass over the excluded matches
                clauses.append(sql.FTS_EXCLUDED)
            params.append(self.exclude)
        for clause in clauses:
            stmt += f" AND ({clause})"
        if order:
            stmt += f" ORDER BY {order}"
        if limit is not None:
            stmt += " LIMIT ? OFFSET ?"
            params.extend([limit, offset])
        return stmt, params


def tokenize(query: str) -> list[Term]:
    terms: list[Term] = []
    for m in _TOKEN_RE.finditer(query):
        neg, key, quoted, bare = m.groups()
        value = quoted if quoted is not None else (bare or "")
        if key and key.lower() in FILTER_KEYS:
            terms.append(Term(FILTER_KEYS[key.lower()], value.strip(), bool(neg)))
        elif key:  # "http://x" or an unknown key: plain text
            terms.append(Term("word", f"{key}:{value}", bool(neg)))
        elif quoted is not None:
            if not m.group(0).endswith('"') or m.end() - m.start() < 2 + len(neg):
                raise QueryError(f"the quote \"{value.strip()[:20]} is not closed (add a closing \")",
                                 "unclosed_quote", value.strip()[:20])
            if value.strip():
                terms.append(Term("phrase", value, bool(neg)))
        elif value and value != "-":
            terms.append(Term("word", value, bool(neg)))
    return terms


def _day_start(value: str, tz: dt.tzinfo, today: dt.date | None = None) -> dt.datetime:
    today = today or dt.datetime.now(tz).date()
    v = value.strip().lower()
    if v in ("today", "今天"):
        d = today
    elif v in ("yesterday", "昨天"):
        d = today - dt.timedelta(days=1)
    elif m := re.fullmatch(r"(\d+)\s*([dwmy])", v):
        n, unit = int(m.group(1)), m.group(2)
        days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit] * n
        d = today - dt.timedelta(days=days)
    elif m := re.fullmatch(r"(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?", v):
        try:
            d = dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError as exc:
            raise QueryError(f"{value!r} is not a date", "not_a_date", value) from exc
    else:
        raise QueryError(f"{value!r} is not a date (use YYYY-MM-DD, today, or 7d)", "date_format", value)
    return dt.datetime(d.year, d.month, d.day, tzinfo=tz)


def _end_of(value: str, start: dt.datetime) -> dt.datetime:
    """before:2022-05 means before May 2022 begins; before:2022-05-03 before that day begins."""
    return start


def compile_query(
    query: str,
    *,
    tz: dt.tzinfo,
    resolve_security: Callable[[str], list[int]],
    today: dt.date | None = None,
) -> CompiledQuery:
    cq = CompiledQuery()
    positives: list[str] = []
    negatives: list[str] = []
    for term in tokenize(query):
        if term.kind in ("word", "phrase"):
            expr = match_expression(term.value, phrase=term.kind == "phrase")
            if expr is None:
                continue
            code = _code_or_text(term, expr, resolve_security)
            if code is not None:  # a bare security code: its text, or a link to it
                cq.filters.append(code)
                cq.highlights.extend(literal_parts(term.value))
                continue
            if term.negated:
                negatives.append(expr)
            else:
                positives.append(expr)
                cq.highlights.extend(literal_parts(term.value) if term.kind == "word"
                                     else [normalize(term.value).strip()])
            continue
        f = _filter(term, tz, resolve_security, today)
        if f is None:
            continue
        if f.check == "0":
            cq.impossible = not term.negated or cq.impossible
            continue
        cq.filters.append(f.negate() if term.negated else f)
    if positives:
        expr = " AND ".join(positives)
        for neg in negatives:
            expr = f"({expr}) NOT {neg}"
        cq.fts = expr
    elif negatives:
        cq.exclude = " OR ".join(negatives)
    return cq


# A bare word that is a security's code or symbol (600519, 00700, BK0493, 600519.SH) also finds
# the articles that link that security, as sec: does; US tickers are left to plain text, since
# they are ordinary English words as often as not.
_CODE_RE = re.compile(r"(?i)(?:\d{6}|\d{5}|BK\d{4}|\d{5,6}\.(?:SH|SZ|BJ|HK))")


def _code_or_text(term: Term, expr: str, resolve_security: Callable[[str], list[int]]) -> Filter | None:
    if term.kind != "word" or term.negated or not _CODE_RE.fullmatch(term.value):
        return None
    sids = resolve_security(term.value)
    if not sids:
        return None
    marks = ",".join("?" * len(sids))
    linked = sql.SECURITY_IDS.format(marks=marks)
    return Filter(
        sql.CODE_CHECK.format(marks=marks), [expr, *sids],
        drive=sql.CODE_DRIVE.format(ids=linked),
        estimate=sql.CODE_ESTIMATE.format(ids=linked), est_params=[expr, *sids], probes=True,
        streams_of=[(sql.CODE_TEXT_STREAM, list[object]([expr])),
                    *((sql.CODE_LINK_STREAM, list[object]([sid])) for sid in sids)],
    )


def _filter(
    term: Term,
    tz: dt.tzinfo,
    resolve_security: Callable[[str], list[int]],
    today: dt.date | None,
) -> Filter | None:
    kind, value = term.kind, term.value
    if not value:
        return None
    if kind == "tag":
        user, archive = sql.TAG_IDS_USER, sql.TAG_IDS_ARCHIVE
        return Filter(
            sql.TAG_CHECK, [value, value],
            drive=f"a.id IN ({user} UNION {archive})",
            estimate=f"{user} UNION ALL {archive}", est_params=[value, value],
        )
    if kind == "cat":
        ids = sql.CATEGORY_IDS
        return Filter(
            sql.CATEGORY_CHECK, [value],
            drive=f"a.id IN ({ids})", estimate=ids, est_params=[value],
        )
    if kind == "source":
        return Filter(sql.SOURCE_CHECK, [value], estimate=sql.SOURCE_IDS, est_params=[value])
    if kind == "key":
        key = value.upper() if re.fullmatch(r"(?i)(nw)?\d+", value) else value
        return Filter(sql.KEY_CHECK, [key], estimate=sql.KEY_IDS, est_params=[key])
    if kind == "sec":
        sids = resolve_security(value)
        if not sids:
            return Filter("0")
        marks = ",".join("?" * len(sids))
        ids = sql.SECURITY_IDS.format(marks=marks)
        one = len(sids) == 1  # one security's links come newest first from its timeline index
        return Filter(
            sql.SECURITY_CHECK.format(marks=marks),
            list(sids), drive=f"a.id IN ({ids})", estimate=ids, est_params=list(sids),
            lead=sql.SECURITY_LEAD if one else None, lead_params=list(sids),
            lead_order=sql.SECURITY_LEAD_ORDER if one else "",
        )
    if kind in ("before", "after"):
        start = _day_start(value, tz, today)
        bound = int(start.timestamp()) * SORT_KEY_SHIFT
        return Filter(sql.BEFORE_CHECK if kind == "before" else sql.AFTER_CHECK, [bound])
    if kind == "is":
        v = value.lower()
        if v in ("bookmarked", "starred", "star", "bookmark"):
            return Filter(sql.BOOKMARKED_CHECK, estimate=sql.BOOKMARKED_IDS, ordered=True)
        if v in ("unread", "read"):
            r = int(v == "read")
            return Filter(sql.READ_CHECK.format(read=r), estimate=sql.READ_IDS.format(read=r))
        if v == "tagged":
            ids = sql.TAGGED_IDS
            return Filter(sql.TAGGED_CHECK, drive=f"a.id IN ({ids})", estimate=ids)
        if v == "watched":
            ids = sql.WATCHED_IDS
            return Filter(sql.WATCHED_CHECK, drive=f"a.id IN ({ids})", estimate=ids)
        raise QueryError(f"is:{value} is unknown (use is:bookmarked, is:unread, is:read, is:tagged, is:watched)",
                         "unknown_is", value)
    return None


def _snippet_lower(text: str) -> str:
    """The text in lower case, keeping every character at its position."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two (İ): keep those as they are
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


@functools.lru_cache(maxsize=256)
def _snippet_pattern(highlight: str) -> re.Pattern[str]:
    """A highlight as a pattern over the lower-cased text that also accepts the full-width form
    of each of its ASCII characters (queries are NFKC-folded, the text is not).

    Folding the whole text with ``str.translate`` instead cost ~90 µs per article (a dict
    lookup per character): 5 of the ~6 ms of a page of 50 for a phrase with a space or a
    number (bench_library.py, search at 100,000 articles)."""
    parts = []
    for c in highlight:
        if c == " ":
            parts.append("[ \u3000]")
        elif 0x21 <= ord(c) <= 0x7E:
            parts.append("[" + re.escape(c) + chr(ord(c) + 0xFEE0) + "]")
        else:
            parts.append(re.escape(c))
    return re.compile("".join(parts))


_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _fold_window(text: str) -> str:
    """A short extract folded as queries are (full-width Latin and digits as ASCII)."""
    return text.translate(_FULLWIDTH)


def snippet(text: str, highlights: list[str], *, width: int = 90) -> str:
    """An HTML-escaped extract around the first match, matches wrapped in ``<b>``."""
    if not text:
        return ""
    parts = [h for h in highlights if h]
    lowered = _snippet_lower(text)
    # what the matches are compared with: the text folded as queries are (full-width Latin and
    # digits as ASCII) when a highlight has ASCII, else the lower-cased text itself
    fold = any(c.isascii() for h in parts for c in h)
    first = -1
    for h in parts:
        m = _snippet_pattern(h).search(lowered) if fold else None
        i = (m.start() if m else -1) if fold else lowered.find(h)
        if i >= 0 and (first < 0 or i < first):
            first = i
    start = 0 if first < 0 else max(0, first - width // 3)
    end = min(len(text), start + width)
    extract = text[start:end].replace("\n", " ")
    low = _fold_window(lowered[start:end]) if fold else lowered[start:end]
    spans: list[tuple[int, int]] = []
    for h in sorted(parts, key=len, reverse=True):
        i = low.find(h)
        while i >= 0:
            if not any(a < i + len(h) and i < b for a, b in spans):
                spans.append((i, i + len(h)))
            i = low.find(h, i + len(h))
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        out.append(html.escape(extract[pos:a]))
        out.append("<b>" + html.escape(extract[a:b]) + "</b>")
        pos = b
    out.append(html.escape(extract[pos:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix
