"""What moved on one day: securities the news suddenly mentions far more than usual, boards and
indices likewise, the day's most-mentioned securities and its most-carried stories.

Everything is computed from the stored per-security mention times (``article_security``, whose
``published`` copies its article's and is indexed with the security), never by reading articles:
the day's counts come through the day's articles (an index range on ``sort_key``), each
candidate's trailing baseline is a count on the ``(security_id, published)`` index.

The statistic.  A security's daily mentions are treated as Poisson counts around its usual rate
``b`` (its mean per day over the ``BASELINE_DAYS`` before the day, or over the days the library
covers when it is younger; on its first day nothing is unusual).  The score is how many
standard deviations the day's count ``n`` stands above it, with a prior ``PRIOR`` added to the
variance::

    score = (n - b) / sqrt(b + PRIOR)

A plain ratio ``n / b`` is undefined or huge for anything seen rarely, so one mention of a
security seen once before would top the list; the prior keeps a quiet security's score close to
its count (one mention scores 1), while a security mentioned 40 times against 1.5 a day scores
about 24.  A security is *unusual* only with at least ``MIN_COUNT`` articles that day and a score
of at least ``MIN_SCORE``; a one-off mention never qualifies.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.core import sql
from reader.core.library.connection import Connection
from reader.core.securities import display_symbol

BASELINE_DAYS = 30  # the trailing window a security's usual count is taken over
PRIOR = 1.0  # added to the Poisson variance: a quiet security needs several mentions to stand out
MIN_COUNT = 2  # fewer articles than this on the day is never unusual
MIN_SCORE = 2.0  # standard deviations above the usual count
HEADLINES = 2
SPARK_DAYS = 30  # the sparkline: this many days ending on the day
SORT_KEY_SCALE = 2048  # sort_key = published * 2048 + n (see store.py)

_INDEX_MARKETS = {2, 100, 124}  # CSI, global and Hong Kong indices


def is_board(market: int, code: str) -> bool:
    """Sector and concept boards (market 90, ``BK…``) and indices, which get their own list."""
    if market == 90 or market in _INDEX_MARKETS:
        return True
    return (market == 1 and code.startswith("000")) or (market == 0 and code.startswith("399"))


def story_code(key: str) -> str:
    """The eastmoney info code a story's copies share: its key without an ``NW`` prefix."""
    return re.sub(r"^NW", "", key.strip(), flags=re.IGNORECASE)


@dataclass
class Headline:
    key: str
    title: str

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title}


@dataclass
class TrendingSecurity:
    """One security on the day: its count, usual count per day, score and newest headlines."""

    secid: str
    symbol: str
    name: str
    count: int
    baseline: float
    score: float
    headlines: list[Headline] = field(default_factory=list)
    daily: list[int] = field(default_factory=list)  # SPARK_DAYS counts, the day last
    watched: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"secid": self.secid, "symbol": self.symbol, "name": self.name, "count": self.count,
                "baseline": round(self.baseline, 2), "score": round(self.score, 2),
                "headlines": [h.to_json() for h in self.headlines]}


@dataclass
class CarriedStory:
    key: str
    title: str
    copies: int
    categories: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "copies": self.copies,
                "categories": self.categories}


@dataclass
class Trending:
    day: dt.date | None  # None: an empty library
    unusual: list[TrendingSecurity] = field(default_factory=list)
    boards: list[TrendingSecurity] = field(default_factory=list)
    most_mentioned: list[TrendingSecurity] = field(default_factory=list)
    most_carried: list[CarriedStory] = field(default_factory=list)
    previous_day: dt.date | None = None  # the nearest earlier day with articles
    next_day: dt.date | None = None  # the nearest later day with articles
    articles: int = 0  # articles published on the day

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat() if self.day else None,
                "unusual": [s.to_json() for s in self.unusual],
                "boards": [s.to_json() for s in self.boards],
                "most_mentioned": [s.to_json() for s in self.most_mentioned],
                "most_carried": [s.to_json() for s in self.most_carried]}


def score(count: int, baseline: float) -> float:
    return (count - baseline) / math.sqrt(baseline + PRIOR)


def carried_stories(rows: Sequence[tuple[str, str, str, str]], limit: int) -> list[CarriedStory]:
    """The stories carried the most: rows (key, title, categories, source), newest first.

    Copies are the distinct categories of one story: an article holding all its copies'
    categories (after copies are merged into one article) and separate ``NW…`` copies sharing an
    info code count alike.  Stories in one category only are left out."""
    groups: dict[str, list[tuple[str, str, str, str]]] = {}
    for row in rows:
        groups.setdefault(story_code(row[0]), []).append(row)
    stories = []
    for order, members in enumerate(groups.values()):
        cats = sorted({c for m in members for c in (m[2] or "").split() if c})
        if len(cats) < 2:
            continue
        lead = next((m for m in members if not m[0].upper().startswith("NW")), members[0])
        stories.append((len(cats), order, CarriedStory(lead[0], lead[1], len(cats), cats)))
    stories.sort(key=lambda s: (-s[0], s[1]))  # most copies, then newest
    return [s[2] for s in stories[:limit]]


class TrendingRoom:
    def __init__(self, conn: Connection):
        self.c = conn

    # --- days --------------------------------------------------------------------------------

    def _start(self, day: dt.date) -> int:
        return int(dt.datetime.combine(day, dt.time(), tzinfo=self.c.tz).timestamp())

    def _day_of(self, sort_key: int | None) -> dt.date | None:
        if sort_key is None:
            return None
        return dt.datetime.fromtimestamp(int(sort_key) // SORT_KEY_SCALE, self.c.tz).date()

    def newest_day(self) -> dt.date | None:
        """The newest day with articles (the library's time zone)."""
        return self._day_of(self.c.one(sql.NEWEST_BEFORE, (2 ** 62,)))

    def previous_day(self, day: dt.date) -> dt.date | None:
        return self._day_of(self.c.one(sql.NEWEST_BEFORE, (self._start(day) * SORT_KEY_SCALE,)))

    def next_day(self, day: dt.date) -> dt.date | None:
        end = self._start(day + dt.timedelta(days=1))
        return self._day_of(self.c.one(sql.OLDEST_FROM, (end * SORT_KEY_SCALE,)))

    # --- the day -----------------------------------------------------------------------------

    def day(self, day: dt.date | None = None, limit: int = 20) -> Trending:
        day = day or self.newest_day()
        if day is None:
            return Trending(None)
        t0, t1 = self._start(day), self._start(day + dt.timedelta(days=1))
        # the usual count is taken over the days the library covers: on its first day nothing
        # has a history, and all would look new
        first = self._day_of(self.c.one(sql.OLDEST_FROM, (-(2 ** 62),)))
        history = min(BASELINE_DAYS, (day - first).days) if first else 0
        w0 = self._start(day - dt.timedelta(days=history))
        counts = {int(s): int(n) for s, n in
                  self.c.sql(sql.TRENDING_DAY_COUNTS, (t0 * SORT_KEY_SCALE, t1 * SORT_KEY_SCALE))}
        infos = self._securities(list(counts))
        scored: list[tuple[float, int, int, float]] = []  # (score, count, id, baseline)
        for sid, n in counts.items():
            if n < MIN_COUNT or history <= 0:
                continue  # never unusual: its baseline is not even looked up
            b = int(self.c.one(sql.TRENDING_WINDOW_COUNT, (sid, w0, t0))) / history
            scored.append((score(n, b), n, sid, b))
        by_score = sorted((s for s in scored if s[0] >= MIN_SCORE),
                          key=lambda s: (-s[0], -s[1], infos[s[2]][1]))
        unusual = [s for s in by_score if not infos[s[2]][4]][:limit]
        boards = [s for s in by_score if infos[s[2]][4]][:max(1, limit // 2)]
        plain = sorted((sid for sid in counts if not infos[sid][4]),
                       key=lambda sid: (-counts[sid], infos[sid][1]))[:limit]
        baselines = {s[2]: s[3] for s in scored}
        for sid in plain:
            if sid not in baselines:
                n = int(self.c.one(sql.TRENDING_WINDOW_COUNT, (sid, w0, t0)))
                baselines[sid] = n / history if history > 0 else 0.0
        made: dict[int, TrendingSecurity] = {}

        def entry(sid: int) -> TrendingSecurity:
            if sid not in made:
                made[sid] = self._entry(sid, infos[sid], counts[sid], baselines[sid], day, t0, t1)
            return made[sid]

        stories = self.c.sql(sql.TRENDING_STORIES, (t0 * SORT_KEY_SCALE, t1 * SORT_KEY_SCALE)).fetchall()
        return Trending(
            day,
            unusual=[entry(s[2]) for s in unusual],
            boards=[entry(s[2]) for s in boards],
            most_mentioned=[entry(sid) for sid in plain],
            most_carried=carried_stories([tuple(r) for r in stories], limit),
            previous_day=self.previous_day(day), next_day=self.next_day(day), articles=len(stories),
        )

    def _securities(self, ids: list[int]) -> dict[int, tuple[str, str, str, bool, bool]]:
        """id -> (secid, name, symbol, watched, is a board or index)."""
        out: dict[int, tuple[str, str, str, bool, bool]] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            marks = ",".join("?" * len(part))
            for sid, secid, market, code, name, watched in self.c.sql(
                    sql.TRENDING_SECURITIES.format(marks=marks), part):
                out[int(sid)] = (str(secid), str(name), display_symbol(int(market), str(code)),
                                 bool(watched), is_board(int(market), str(code)))
        return out

    def _entry(self, sid: int, info: tuple[str, str, str, bool, bool], count: int, baseline: float,
               day: dt.date, t0: int, t1: int) -> TrendingSecurity:
        offset = int(dt.datetime.combine(day, dt.time(), tzinfo=self.c.tz)
                     .utcoffset().total_seconds())  # type: ignore[union-attr]
        s0 = self._start(day - dt.timedelta(days=SPARK_DAYS - 1))
        last = (t0 + offset) // 86400
        daily = [0] * SPARK_DAYS
        for d, n in self.c.sql(sql.TRENDING_DAILY, (offset, sid, s0, t1)):
            i = SPARK_DAYS - 1 - (last - int(d))
            if 0 <= i < SPARK_DAYS:
                daily[i] = int(n)
        headlines: list[Headline] = []
        for key, title in self.c.sql(sql.TRENDING_HEADLINES, (sid, t0, t1, HEADLINES * 4)):
            if all(h.title != title for h in headlines):  # a story's copies share a title
                headlines.append(Headline(str(key), str(title)))
            if len(headlines) == HEADLINES:
                break
        secid, name, symbol, watched, _board = info
        return TrendingSecurity(secid, symbol, name, count, baseline, score(count, baseline),
                                headlines, daily, watched)
