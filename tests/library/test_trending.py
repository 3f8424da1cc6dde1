"""What moved on a day: a generated library with a planted spike, checked against a truth the
test computes from what it generated; the command line against ``list --security`` on the
corpus library."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_library_cli import js

from reader.core.importer import ImportReport
from reader.core.library import Library
from reader.core.library.trending import carried_stories
from reader.core.post import Article
from reader.core.securities import Security

TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2024, 3, 31)
SPIKE = Security(1, "600111", "尖峰股份")
ONE_OFF = Security(0, "000555", "一次股份")
STEADY = Security(0, "000888", "常客股份")  # many mentions every day: most-mentioned, not unusual
BOARD = Security(90, "BK0493", "储能概念")
QUIET = [Security(0, f"00210{i}", f"平常{i}") for i in range(5)]


def _article(n: int, when: dt.datetime, secs: list[Security], cats: str = "emnews",
             key: str | None = None, title: str | None = None) -> Article:
    key = key or f"2024{n:014d}"
    return Article(path=f"/gen/{key}.md", key=key, title=title or f"新闻{n}", published=when,
                   categories=cats.split(), tags=[], source="", url="", summary="",
                   securities=secs, html="<p>x</p>", text="x", word_count=1, char_count=1,
                   warnings=[], content_hash=f"h{key}")


def _plan() -> list[tuple[dt.datetime, Security]]:
    """Every mention the generated library holds: (time, security), one article each."""
    rng = random.Random(17)
    out: list[tuple[dt.datetime, Security]] = []

    def at(day: dt.date, k: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(8, 0), TZ) + dt.timedelta(minutes=7 * k + rng.randint(0, 5))

    for back in range(30, 0, -1):
        d = DAY - dt.timedelta(days=back)
        for k in range(rng.randint(1, 2)):
            out.append((at(d, k), SPIKE))
        for k in range(40):
            out.append((at(d, k), STEADY))
        if back % 3 == 0:
            out.append((at(d, 0), BOARD))
        for q in QUIET:
            for k in range(rng.randint(2, 5)):
                out.append((at(d, k), q))
    # just before midnight in the library's zone: the day before, though UTC says otherwise
    out.append((dt.datetime.combine(DAY - dt.timedelta(days=1), dt.time(23, 59), TZ), SPIKE))
    for k in range(40):
        out.append((at(DAY, k), SPIKE))
    for k in range(41):
        out.append((at(DAY, k), STEADY))
    for k in range(9):
        out.append((at(DAY, k), BOARD))
    for q in QUIET:
        for k in range(rng.randint(2, 5)):
            out.append((at(DAY, k), q))
    out.append((at(DAY, 3), ONE_OFF))
    return out


@pytest.fixture(scope="module")
def spiked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, list[tuple[dt.datetime, Security]]]]:
    plan = _plan()
    lib = Library.open(tmp_path_factory.mktemp("trending") / "lib")
    with lib._write_lock, lib.db.atomic("IMMEDIATE"):
        for n, (when, sec) in enumerate(plan):
            lib._store_article(_article(n, when, [sec]))
    try:
        yield lib, plan
    finally:
        lib.close()


def _truth(plan: list[tuple[dt.datetime, Security]]) -> dict[str, tuple[int, float, float]]:
    """secid -> (count on DAY, mean per day over the 30 days before, score), from the plan."""
    on_day: Counter[str] = Counter()
    before: Counter[str] = Counter()
    for when, sec in plan:
        d = when.astimezone(TZ).date()
        if d == DAY:
            on_day[sec.secid] += 1
        elif DAY - dt.timedelta(days=30) <= d < DAY:
            before[sec.secid] += 1
    out = {}
    for secid, n in on_day.items():
        b = before[secid] / 30
        out[secid] = (n, b, (n - b) / math.sqrt(b + 1.0))
    return out


def test_the_spike_tops_unusual_and_the_one_off_stays_out(spiked: tuple[Library, list]) -> None:
    lib, plan = spiked
    truth = _truth(plan)
    t = lib.trending()
    assert t.day == DAY  # the newest day with articles
    assert t.unusual, "nothing unusual found"
    assert t.unusual[0].secid == SPIKE.secid
    assert t.unusual[0].name == "尖峰股份" and t.unusual[0].symbol == "600111.SH"
    shown = {s.secid for s in t.unusual + t.boards + t.most_mentioned[:3]}
    assert ONE_OFF.secid not in {s.secid for s in t.unusual + t.boards}
    assert ONE_OFF.secid not in shown
    # the truth's own ranking of what stands out (two standard deviations, two articles or more)
    expected = sorted((s for s, (n, _b, z) in truth.items() if n >= 2 and z >= 2.0
                       and s != BOARD.secid), key=lambda s: -truth[s][2])
    assert [s.secid for s in t.unusual] == expected
    for s in t.unusual + t.most_mentioned + t.boards:
        n, b, z = truth[s.secid]
        assert (s.count, round(s.baseline, 6), round(s.score, 6)) == (n, round(b, 6), round(z, 6))


def test_boards_have_their_own_list_and_plain_counts_theirs(spiked: tuple[Library, list]) -> None:
    lib, plan = spiked
    truth = _truth(plan)
    t = lib.trending(DAY, limit=3)
    assert [s.secid for s in t.boards] == [BOARD.secid]
    assert BOARD.secid not in {s.secid for s in t.unusual + t.most_mentioned}
    plain = sorted((s for s in truth if s != BOARD.secid), key=lambda s: -truth[s][0])[:3]
    assert [s.secid for s in t.most_mentioned] == plain
    assert t.most_mentioned[0].secid == STEADY.secid  # most mentioned, yet not unusual
    assert STEADY.secid not in {s.secid for s in t.unusual}


def test_sparkline_and_headlines_come_from_the_day(spiked: tuple[Library, list]) -> None:
    lib, plan = spiked
    spike = lib.trending(DAY).unusual[0]
    per_day = Counter(w.astimezone(TZ).date() for w, s in plan if s == SPIKE)
    assert spike.daily == [per_day[DAY - dt.timedelta(days=29 - i)] for i in range(30)]
    newest = sorted((w for w, s in plan if s == SPIKE and w.date() == DAY), reverse=True)[:2]
    assert len(spike.headlines) == 2
    for h, when in zip(spike.headlines, newest, strict=True):
        assert lib.article(h.key).published == when  # type: ignore[union-attr]


def test_days_around(spiked: tuple[Library, list]) -> None:
    lib, _plan = spiked
    t = lib.trending(DAY)
    assert (t.previous_day, t.next_day) == (DAY - dt.timedelta(days=1), None)
    early = lib.trending(DAY - dt.timedelta(days=30))
    assert early.previous_day is None and early.next_day == DAY - dt.timedelta(days=29)
    assert early.unusual == [] and early.boards == []  # no history: nothing stands out yet
    assert early.most_mentioned[0].secid == STEADY.secid


def test_an_empty_library_has_no_day(library: Library) -> None:
    t = library.trending()
    assert t.day is None and t.to_json()["unusual"] == []


def test_most_carried_counts_categories_merged_or_split() -> None:
    rows = [
        ("202403310000000001", "甲", "emnews", ""),
        ("NW202403310000000001", "甲", "cailianshe", ""),
        ("NW202403310000000001X", "丙", "emnews", ""),  # another story
        ("202403310000000002", "乙", "emnews zhongguozhengquanbao yangxingwangzhan", ""),
        ("NW202403310000000003", "丁", "cailianshe", ""),  # one category: not carried widely
    ]
    stories = carried_stories(rows, 10)
    assert [(s.key, s.copies, s.categories) for s in stories] == [
        ("202403310000000002", 3, ["emnews", "yangxingwangzhan", "zhongguozhengquanbao"]),
        ("202403310000000001", 2, ["cailianshe", "emnews"]),
    ]


def test_most_carried_in_the_library(library: Library, tmp_path: Path) -> None:
    when = dt.datetime(2024, 4, 2, 9, 0, tzinfo=TZ)
    # through the import writer's batch, as an import stores them: copies of a story whose
    # files exist merge into one article (a copy whose file is gone would be a move)
    batch: list[tuple[str, Article | None, str | None]] = []
    for a in (_article(1, when, [], "emnews", "202404020000000001", "同一篇"),
              _article(2, when, [], "cailianshe", "NW202404020000000001", "同一篇"),
              _article(3, when, [], "emnews", "202404020000000009", "独家")):
        path = tmp_path / f"{a.key}.md"
        path.write_text("---\n---\n", encoding="utf-8")
        batch.append((str(path), dataclasses.replace(a, path=str(path)), None))
    library.writer.store_batch(batch, {}, ImportReport())
    t = library.trending()
    assert [(s.key, s.copies) for s in t.most_carried] == [("202404020000000001", 2)]


# --- the command line on the corpus library --------------------------------------------------

TRENDING_KEYS = {"day", "unusual", "boards", "most_mentioned", "most_carried"}
ENTRY_KEYS = {"secid", "symbol", "name", "count", "baseline", "score", "headlines"}


def test_trending_json_agrees_with_list_security(corpus_library: Library) -> None:
    folder = str(corpus_library.folder)
    days = [None]
    first = js("--library", folder, "trending", "--json")
    days.append(dt.date.fromisoformat(first["day"]) - dt.timedelta(days=4))
    everything = js("--library", folder, "list", "--limit", "100000", "--json")
    oldest = min(dt.datetime.fromisoformat(i["published"]).astimezone(TZ).date() for i in everything)
    for day in days:
        args = ["--day", day.isoformat()] if day else []
        out = js("--library", folder, "trending", *args, "--limit", "50", "--json")
        assert set(out) == TRENDING_KEYS
        d = dt.date.fromisoformat(out["day"])
        entries = out["unusual"] + out["boards"] + out["most_mentioned"]
        if day is None:
            assert entries and out["most_carried"], "the newest corpus day shows nothing"
        for e in entries:
            assert set(e) == ENTRY_KEYS
            assert all(set(h) == {"key", "title"} for h in e["headlines"])
            items = js("--library", folder, "list", "--security", e["secid"], "--limit", "100000",
                       "--json")
            days_of = [dt.datetime.fromisoformat(i["published"]).astimezone(TZ).date() for i in items]
            assert e["count"] == sum(1 for x in days_of if x == d), e
            history = min(30, (d - oldest).days)  # the days the library covers before d
            before = sum(1 for x in days_of if d - dt.timedelta(days=history) <= x < d)
            assert e["baseline"] == (round(before / history, 2) if history else 0.0), e
            titles = {i["key"]: i["title"] for i in items}
            assert all(titles[h["key"]] == h["title"] for h in e["headlines"])
        for s in out["most_carried"]:
            assert set(s) == {"key", "title", "copies", "categories"}
            assert s["copies"] == len(s["categories"]) >= 2
