"""One story, several files: which copy an article is made from, and what it keeps of the others.

The archive writes one story more than once: the rolling-news copy (``<code>``, category
``emnews``, every security linked, the eastmoney URL) and a media-category copy
(``NW<code>``, ``cailianshe``..., often no links, the NewsShare URL), and sometimes the same
post in ``_posts/`` and ``old_post/``.  They are one article.  Its body, digest, source and URL
come from the richest copy (the most security links, then the longest text, then the better
front matter, then the path, so that any import order gives the same article); its categories,
archive tags, securities and URLs are the union of every copy's, the richest's first.

Pure data: the import writer and the schema migration that merges older libraries both use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reader.core.post import Article

_NO_TITLE = "no title"
_NO_DATE = "no usable date"
# warnings this module adds to a merged article (never a copy's own)
DISAGREE_TITLE = "copies of this story disagree on the title"
DISAGREE_TIME = "copies of this story disagree on the time"


def quality(art: Article) -> int:
    """How good a copy's front matter is (higher is better): a real title and date first."""
    w = " ".join(art.warnings)
    score = 0
    score += 0 if _NO_TITLE in w else 100
    score += 0 if _NO_DATE in w else 50
    score += 20 if art.url else 0
    score += 10 if art.source else 0
    return score - min(len(art.warnings), 9)


@dataclass
class Copy:
    """One file's share of an article (a row of ``article_copy``)."""

    path: str
    key: str  # the file's own key, NW prefix and all
    content_hash: str
    title: str
    published: int  # epoch seconds
    utc_offset: int  # minutes
    url: str
    categories: list[str]
    tags: list[str]
    secids: list[str]
    chars: int  # the text's characters, spaces and title left out
    quality: int
    warnings: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # secids its K-line charts show

    @property
    def real_title(self) -> bool:
        return not any(w.startswith(_NO_TITLE) for w in self.warnings)

    @property
    def real_date(self) -> bool:
        return not any(w.startswith(_NO_DATE) for w in self.warnings)

    def row(self) -> tuple[object, ...]:
        """The ``article_copy`` columns after ``article_id``, in the order of ``COPY_COLUMNS``."""
        return (self.key, self.content_hash, self.title, self.published, self.utc_offset, self.url,
                " ".join(self.categories), " ".join(self.tags), " ".join(self.secids), self.chars,
                self.quality, "\n".join(self.warnings), " ".join(self.charts))

    @classmethod
    def from_row(cls, path: str, r: tuple[object, ...]) -> Copy:
        def words(v: object) -> list[str]:
            return str(v or "").split()
        return cls(path, str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4]),  # type: ignore[call-overload]
                   str(r[5]), words(r[6]), words(r[7]), words(r[8]), int(r[9]), int(r[10]),  # type: ignore[call-overload]
                   [w for w in str(r[11] or "").split("\n") if w], words(r[12]))


# the columns Copy.row() fills, after path and article_id
COPY_COLUMNS = ("key", "content_hash", "title", "published", "utc_offset", "url", "categories", "tags",
                "secids", "chars", "quality", "warnings", "charts")


def text_chars(char_count: int, title: str) -> int:
    """The body's length: ``char_count`` (title and text, spaces left out) without the title's.
    (Titles hold no whitespace but single spaces: the parser collapses it.)"""
    return char_count - len(title.replace(" ", ""))


def copy_of(art: Article) -> Copy:
    """A parsed file as a copy of its story."""
    offset = art.published.utcoffset()
    return Copy(
        path=art.path, key=art.key, content_hash=art.content_hash, title=art.title,
        published=int(art.published.timestamp()),
        utc_offset=int(offset.total_seconds() // 60) if offset is not None else 480,
        url=art.url, categories=list(art.categories), tags=list(art.tags),
        secids=[s.secid for s in art.securities], chars=text_chars(art.char_count, art.title),
        quality=quality(art),
        warnings=[w for w in art.warnings if not w.startswith((DISAGREE_TITLE, DISAGREE_TIME))],
        charts=[s.secid for s in art.charts],
    )


def ranked(copies: list[Copy]) -> list[Copy]:
    """Richest first: most security links, longest text, best front matter, then by path."""
    return sorted(copies, key=lambda c: (-len(c.secids), -c.chars, -c.quality, c.path))


def _union(lists: list[list[str]]) -> list[str]:
    return list(dict.fromkeys(x for lst in lists for x in lst))


@dataclass
class Merged:
    """The article a story's copies make."""

    copies: list[Copy]  # richest first
    title: str
    published: int
    utc_offset: int
    categories: list[str]
    tags: list[str]
    secids: list[str]
    urls: list[str]
    warnings: list[str]
    charts: list[str]

    @property
    def richest(self) -> Copy:
        return self.copies[0]


def merge(copies: list[Copy]) -> Merged:
    """The article of these copies (at least one), the same whatever order they came in."""
    order = ranked(copies)
    richest = order[0]
    titled = next((c for c in order if c.real_title), richest)
    dated = next((c for c in order if c.real_date), richest)
    warnings = [w for w in richest.warnings
                if not (w.startswith(_NO_TITLE) and titled is not richest)
                and not (w.startswith(_NO_DATE) and dated is not richest)]
    titles = {c.title for c in order if c.real_title}
    if len(titles) > 1:
        others = "; ".join(f"{Path(c.path).name}: {c.title}" for c in order if c.real_title and c.title != titled.title)
        warnings.append(f"{DISAGREE_TITLE} ({others})")
    times = {c.published for c in order if c.real_date}
    if len(times) > 1:
        others = "; ".join(Path(c.path).name for c in order if c.real_date and c.published != dated.published)
        warnings.append(f"{DISAGREE_TIME} ({others})")
    return Merged(
        copies=order, title=titled.title, published=dated.published, utc_offset=dated.utc_offset,
        categories=_union([c.categories for c in order]), tags=_union([c.tags for c in order]),
        secids=_union([c.secids for c in order]), urls=_union([[c.url] if c.url else [] for c in order]),
        warnings=warnings, charts=_union([c.charts for c in order]),
    )
