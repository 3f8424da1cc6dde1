"""What the library holds, counted: the sidebar's counts, ``stats``, categories and sources.
Peewee throughout: each is one aggregate read from an index."""

from __future__ import annotations

from peewee import SQL, fn

from reader.core.library.connection import Connection
from reader.core.store import Article, ArticleUserTag, Label, SecurityTotal

_COUNT = fn.COUNT(SQL("*"))


class Catalog:
    def __init__(self, conn: Connection):
        self.c = conn

    def _count(self, query: object) -> int:
        return int(self.c.q(query).scalar() or 0)  # type: ignore[attr-defined]

    def article_count(self) -> int:
        return self._count(Article.select(_COUNT))

    def reading_counts(self) -> dict[str, int]:
        """What the sidebar shows: articles, unread and bookmarked (each read from an index)."""
        return {
            "articles": self.article_count(),
            "unread": self._count(Article.select(_COUNT).where(Article.read == False)),  # noqa: E712
            "bookmarked": self._count(Article.select(_COUNT).where(Article.bookmarked == True)),  # noqa: E712
        }

    def stats(self) -> dict[str, int]:
        reading = self.reading_counts()
        return {
            "articles": reading["articles"],
            "securities": self._count(SecurityTotal.select(_COUNT).where(SecurityTotal.articles > 0)),
            "bookmarked": reading["bookmarked"],
            "tagged": self._count(ArticleUserTag.select(fn.COUNT(ArticleUserTag.article.distinct()))),
            "unread": reading["unread"],
            "sources": self._count(Article.select(fn.COUNT(Article.source.distinct()))
                                   .where(Article.source != "")),
            "categories": self._count(Label.select(fn.COUNT(Label.name.distinct()))
                                      .where(Label.kind == "c")),
        }

    def categories(self) -> list[tuple[str, int]]:
        query = (Label.select(Label.name, _COUNT).where(Label.kind == "c").group_by(Label.name)
                 .order_by(_COUNT.desc(), Label.name))
        return [(str(n), int(c)) for n, c in self.c.q(query.tuples())]

    def category_titles(self, sample: int = 1000) -> dict[str, str]:
        """A readable title per category: the archive tag its articles carry most (emnews ->
        东财滚动新闻), judged on up to ``sample`` of its articles so that it costs the same at a
        million articles."""
        out: dict[str, str] = {}
        # the larger categories choose first, and a tag names one category only: a story merged
        # from two categories (reader.core.copies) carries both feeds' tags, and the smaller
        # category must not take the larger one's name
        for cat, _count in self.categories():
            some = (Label.select(Label.article).where((Label.kind == "c") & (Label.name == cat))
                    .limit(sample).alias("c"))
            t = Label.alias("t")
            n = fn.COUNT(SQL("*"))
            query = (t.select(t.name, n.alias("n")).from_(some)
                     .join(t, on=(t.article == some.c.article_id) & (t.kind == "t"))
                     .where(t.name.not_in(list(out.values())))
                     .group_by(t.name).order_by(n.desc(), t.name).limit(1))
            row = self.c.q(query.tuples()).first()
            if row:
                out[cat] = row[0]
        return out

    def sources(self) -> list[tuple[str, int]]:
        query = (Article.select(Article.source, _COUNT).where(Article.source != "")
                 .group_by(Article.source.collate("NOCASE")).order_by(_COUNT.desc(), Article.source))
        return [(str(s), int(c)) for s, c in self.c.q(query.tuples())]
