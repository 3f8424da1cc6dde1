"""Securities: the totals list, one security, its timeline and co-mentions, and resolving what a
reader types (``600519``, ``600519.SH``, ``1.600519``, ``贵州茅台``) to security ids.

The list, the timeline and the co-mentions are measured SQL (``reader.core.sql``); resolving a
name and reading a secid are ordinary peewee queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from reader.core import sql
from reader.core.library.connection import Connection
from reader.core.library.records import SecurityInfo, security_info
from reader.core.securities import MARKETS, parse_secid
from reader.core.store import Security

CO_MENTION_WINDOW = 5000  # a security's most recent articles that co-mentions are counted in


class Securities:
    def __init__(self, conn: Connection):
        self.c = conn

    def rows(self, *, limit: int | None = None, filter_text: str = "",
             order: str = "articles") -> list[tuple[Any, ...]]:
        """Plain rows (id, secid, market, code, name, names, articles, first_seen, last_seen as
        epoch seconds, watched): tens of thousands in a few ms."""
        cond = ""
        params: list[Any] = []
        if filter_text.strip():
            f = filter_text.strip()
            like = "%" + f + "%"
            cond = sql.SECURITY_ROWS_FILTER
            params = [like, like, like, like, f]
        # the totals are kept in security_total as links change: no aggregation over the links
        by = sql.SECURITY_ORDERS.get(order, sql.SECURITY_ORDERS["articles"])
        statement = sql.SECURITY_ROWS.format(cond=cond, order=by)
        if limit:
            statement += " LIMIT ?"
            params.append(limit)
        return [tuple(r) for r in self.c.sql(statement, params)]

    def info(self, row: Sequence[Any]) -> SecurityInfo:
        return security_info(row, self.c.tz)

    def one(self, ref: str) -> SecurityInfo | None:
        ids = self.resolve(ref)
        if not ids:
            return None
        r = self.c.sql(sql.SECURITY_ONE, (ids[0],)).fetchone()
        return self.info(r) if r else None

    def secids(self, ids: Sequence[int]) -> list[tuple[str, str]]:
        """(secid, name) of the securities with these ids, in id order."""
        query = Security.select(Security.secid, Security.name).where(Security.id.in_(list(ids)))
        return [(str(s), str(n)) for s, n in self.c.q(query.order_by(Security.id).tuples())]

    def resolve(self, text: str) -> list[int]:
        """Security ids for a secid (``0.000931``), symbol (``000931.SZ``), code or name."""
        t = text.strip()
        if not t:
            return []
        pair = parse_secid(t) if re.fullmatch(r"\d{1,3}[.,_][A-Za-z0-9_\-.]+", t) else None
        if pair:
            sid = self.c.q(Security.select(Security.id)
                           .where(Security.secid.collate("NOCASE") == f"{pair[0]}.{pair[1]}")).scalar()
            return [sid] if sid is not None else []
        m = re.fullmatch(r"([A-Za-z0-9]+)\.([A-Za-z]{2,3})", t)
        if m:
            code, suffix = m.group(1), m.group(2).upper()
            markets = [k for k, (_, sfx) in MARKETS.items() if sfx == suffix]
            if suffix == "BJ":
                markets = [0]
            if markets:
                return self._ids((Security.code.collate("NOCASE") == code) & Security.market.in_(markets))
        ids = self._ids(Security.code.collate("NOCASE") == t)
        if ids:
            return ids
        like = "%" + t.replace("%", "").replace("_", "") + "%"
        return self._ids((Security.name ** like) | (Security.names ** like))

    def _ids(self, where: Any) -> list[int]:
        return [int(r[0]) for r in self.c.q(Security.select(Security.id).where(where).tuples())]

    def timeline(self, secid: str) -> list[tuple[dt.date, int]]:
        """Articles mentioning ``secid`` per day (the library's time zone), oldest first."""
        offset = int(dt.datetime.now(self.c.tz).utcoffset().total_seconds())  # type: ignore[union-attr]
        rows = self.c.sql(sql.TIMELINE, (offset, secid)).fetchall()
        epoch = dt.date(1970, 1, 1)
        return [(epoch + dt.timedelta(days=int(d)), int(n)) for d, n in rows]

    def co_mentions(self, secid: str, limit: int = 8) -> list[tuple[str, str, int]]:
        """(secid, name, articles) of the securities most often mentioned alongside ``secid`` in
        its ``CO_MENTION_WINDOW`` most recent articles (all of them, for all but the
        most-mentioned)."""
        rows = self.c.sql(sql.CO_MENTIONS, (secid, CO_MENTION_WINDOW, limit)).fetchall()
        return [(str(a), str(b), int(c)) for a, b, c in rows]
