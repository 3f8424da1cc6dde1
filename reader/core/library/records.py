"""What the library hands out: an article list's rows, whole articles, search hits, securities."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.core.post import Article
from reader.core.securities import MARKETS, Security, display_symbol


def aware(epoch: int, offset_min: int) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(minutes=offset_min)))
    except (OverflowError, OSError, ValueError):  # a date outside 1..9999 stored by an older version
        return (dt.datetime.min if epoch < 0 else dt.datetime.max).replace(tzinfo=dt.UTC)


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
    # the story's files (reader.core.copies): every copy's own key and path, the richest first,
    # and every URL they give (the article's own first)
    keys: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # secids its copies' K-line charts show

    def to_json(self) -> dict[str, Any]:
        """The ``parse --json`` keys (one definition, in ``Article.to_json``) plus the reader's data
        and the story's copies."""
        return {**Article.to_json(self), "bookmarked": self.bookmarked, "read": self.read,  # type: ignore[arg-type]
                "user_tags": self.user_tags, "keys": self.keys, "paths": self.paths, "urls": self.urls}


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


def security_info(r: Sequence[Any], tz: dt.tzinfo) -> SecurityInfo:
    """A ``security_rows`` row (epoch seconds) as a :class:`SecurityInfo` in the library's zone."""
    return SecurityInfo(
        id=r[0], secid=r[1], market=r[2], code=r[3], name=r[4],
        names=[n for n in (r[5] or "").split("\n") if n], articles=r[6],
        first_seen=dt.datetime.fromtimestamp(r[7], tz) if r[7] is not None else None,
        last_seen=dt.datetime.fromtimestamp(r[8], tz) if r[8] is not None else None,
        watched=bool(r[9]),
    )
