"""News by security: mention timelines and co-mentions (queries over the library)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.library import Library


def timeline(lib: Library, secid: str) -> list[tuple[dt.date, int]]:
    """Articles mentioning ``secid`` per day (the library's time zone), oldest first."""
    offset = int(dt.datetime.now(lib.tz).utcoffset().total_seconds())  # type: ignore[union-attr]
    rows = lib._sql(
        "SELECT (s.published + ?) / 86400 AS day, count(*) FROM article_security s "
        "JOIN security sc ON sc.id = s.security_id WHERE sc.secid = ? GROUP BY day ORDER BY day",
        (offset, secid),
    ).fetchall()
    epoch = dt.date(1970, 1, 1)
    return [(epoch + dt.timedelta(days=int(d)), int(n)) for d, n in rows]


CO_MENTION_WINDOW = 5000  # a security's most recent articles that co-mentions are counted in


def co_mentions(lib: Library, secid: str, limit: int = 8) -> list[tuple[str, str, int]]:
    """(secid, name, articles) of the securities most often mentioned alongside ``secid`` in its
    ``CO_MENTION_WINDOW`` most recent articles (all of them, for all but the most-mentioned)."""
    rows = lib._sql(
        "SELECT o.secid, o.name, count(*) AS n FROM "
        "(SELECT s.article_id, s.security_id FROM article_security s JOIN security sc ON sc.id = s.security_id "
        " WHERE sc.secid = ? ORDER BY s.published DESC LIMIT ?) s "
        "JOIN article_security t ON t.article_id = s.article_id AND t.security_id != s.security_id "
        "JOIN security o ON o.id = t.security_id "
        "GROUP BY o.id ORDER BY n DESC, o.name LIMIT ?",
        (secid, CO_MENTION_WINDOW, limit),
    ).fetchall()
    return [(str(a), str(b), int(c)) for a, b, c in rows]
