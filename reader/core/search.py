"""The query language a reader types, compiled to SQL over the library.

    科技 "降准 0.5" -港股 tag:关注 cat:emnews source:财联社 sec:600519 after:2022-05-01
    before:2022-06-01 is:bookmarked is:unread

Words must all match (Chinese of any length matches as a substring, see ``textindex``),
``"..."`` is an exact phrase, a leading ``-`` excludes, and ``key:value`` filters narrow.
Results come newest first.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from reader.core.textindex import literal_parts, match_expression, normalize

_TOKEN_RE = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
FILTER_KEYS = {
    "tag": "tag", "tags": "tag", "cat": "cat", "category": "cat", "source": "source",
    "src": "source", "sec": "sec", "security": "sec", "stock": "sec", "before": "before",
    "after": "after", "is": "is", "key": "key",
}
SORT_KEY_SHIFT = 2048


class QueryError(ValueError):
    """A query the user typed cannot be understood (the message says which part)."""


@dataclass
class Term:
    kind: str  # "word", "phrase" or a filter key
    value: str
    negated: bool = False


@dataclass
class CompiledQuery:
    fts: str | None = None  # an FTS5 MATCH expression, when the query has text terms
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    fts_params: list[object] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    impossible: bool = False  # e.g. sec: names no known security

    def sql(self, *, order: str = "a.sort_key DESC", limit: int | None = None, offset: int = 0,
            select: str = "a.id") -> tuple[str, list[object]]:
        params: list[object] = []
        where = list(self.where)
        if self.fts:
            sql = (f"SELECT {select} FROM article_fts JOIN article a ON a.sort_key = article_fts.rowid "
                   "WHERE article_fts MATCH ?")
            params.append(self.fts)
            if order == "a.sort_key DESC":
                order = "article_fts.rowid DESC"
        else:
            sql = f"SELECT {select} FROM article a WHERE 1"
        if self.impossible:
            where.append("0")
        for clause in where:
            sql += f" AND ({clause})"
        params.extend(self.params)
        if order:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([limit, offset])
        return sql, params


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
            raise QueryError(f"{value!r} is not a date") from exc
    else:
        raise QueryError(f"{value!r} is not a date (use YYYY-MM-DD, today, or 7d)")
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
            if term.negated:
                negatives.append(expr)
            else:
                positives.append(expr)
                cq.highlights.extend(literal_parts(term.value) if term.kind == "word"
                                     else [normalize(term.value).strip()])
            continue
        clause, params = _filter_clause(term, tz, resolve_security, today)
        if clause is None:
            continue
        cq.where.append(f"NOT ({clause})" if term.negated else clause)
        cq.params.extend(params)
    if positives:
        expr = " AND ".join(positives)
        for neg in negatives:
            expr = f"({expr}) NOT {neg}"
        cq.fts = expr
    elif negatives:
        cq.where.append(
            "a.sort_key NOT IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)"
        )
        cq.params.append(" OR ".join(negatives))
    return cq


def _filter_clause(
    term: Term,
    tz: dt.tzinfo,
    resolve_security: Callable[[str], list[int]],
    today: dt.date | None,
) -> tuple[str | None, list[object]]:
    kind, value = term.kind, term.value
    if not value:
        return None, []
    if kind == "tag":
        return (
            "a.id IN (SELECT aut.article_id FROM article_user_tag aut JOIN user_tag t ON t.id = aut.tag_id "
            "WHERE t.name = ? COLLATE NOCASE) OR a.id IN (SELECT article_id FROM label "
            "WHERE kind = 't' AND name = ? COLLATE NOCASE)",
            [value, value],
        )
    if kind == "cat":
        return "a.id IN (SELECT article_id FROM label WHERE kind = 'c' AND name = ? COLLATE NOCASE)", [value]
    if kind == "source":
        return "a.source = ? COLLATE NOCASE", [value]
    if kind == "key":
        return "a.key = ?", [value.upper() if re.fullmatch(r"(?i)(nw)?\d+", value) else value]
    if kind == "sec":
        ids = resolve_security(value)
        if not ids:
            return "0", []
        marks = ",".join("?" * len(ids))
        return f"a.id IN (SELECT article_id FROM article_security WHERE security_id IN ({marks}))", list(ids)
    if kind in ("before", "after"):
        start = _day_start(value, tz, today)
        if kind == "before":
            return "a.sort_key < ?", [int(start.timestamp()) * SORT_KEY_SHIFT]
        return "a.sort_key >= ?", [int(start.timestamp()) * SORT_KEY_SHIFT]
    if kind == "is":
        v = value.lower()
        if v in ("bookmarked", "starred", "star", "bookmark"):
            return "a.bookmarked = 1", []
        if v == "unread":
            return "a.read = 0", []
        if v == "read":
            return "a.read = 1", []
        if v == "tagged":
            return "a.id IN (SELECT article_id FROM article_user_tag)", []
        if v == "watched":
            return ("a.id IN (SELECT s.article_id FROM article_security s JOIN security sc ON sc.id = s.security_id "
                    "JOIN watch w ON w.secid = sc.secid)"), []
        raise QueryError(f"is:{value} is unknown (use is:bookmarked, is:unread, is:read, is:tagged, is:watched)")
    return None, []


def snippet(text: str, highlights: list[str], *, width: int = 90) -> str:
    """An HTML-escaped extract around the first match, matches wrapped in ``<b>``."""
    if not text:
        return ""
    lowered = text.lower()
    parts = [h for h in highlights if h]
    first = -1
    for h in parts:
        i = lowered.find(h)
        if i >= 0 and (first < 0 or i < first):
            first = i
    if first < 0:
        start = 0
    else:
        start = max(0, first - width // 3)
    end = min(len(text), start + width)
    extract = text[start:end].replace("\n", " ")
    low = extract.lower()
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
