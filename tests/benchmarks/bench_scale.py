"""Scale, side by side with what a reader would use instead: ``jekyll build`` and ``rg``.

One command (a script, not collected by pytest)::

    python tests/benchmarks/bench_scale.py --workdir /var/tmp/finews-scale

It generates finews-shaped archives (``archive_gen.py``: deterministic by seed, 2022-style
full-HTML posts with security links, digests and sources) and, in one run, prints each figure
beside its baseline with the ratio, and writes them all as JSON (``WORKDIR/bench_scale.json``):

1. at 10,000 posts: our first import against ``jekyll build`` of the same posts (a minimal site
   with the archive's ``_config.yml``: the theme, which Debian does not package, is replaced by a
   two-line layout), and a re-scan of the unchanged archive;
2. at 100,000 posts: the archive imported into a library, then the first page of our search
   against ``rg`` over the files for the same queries (one-, two- and four-character Chinese, a
   security code, a phrase, a word with a filter);
3. on a one-million-article library (bulk-loaded through the store's own write path by
   ``bench_library.build_search_library``; reused when already built in WORKDIR): the first page
   of search results (median and p95), and the window (``bench_gui.py``): start to first painted
   window, a new filter's list, scrolling to the end, opening an article and resident memory,
   each against the same window on the bundled sample library.

Stages can be skipped (``--skip-jekyll``, ``--skip-rg``, ``--skip-million``); sizes can be
lowered for a quick look (``--import-posts 2000 --search-posts 10000 --million-articles 50000``).
The million stage also times what moved on a day (``Library.trending``, target 100 ms) and the
window's What moved page; ``--trending-only --million-articles 100000 --span-days 183`` measures
just those on a library as dense per day as the million (its cost follows the day and the 30
days before it, not the library's size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_gui  # noqa: E402
import bench_library  # noqa: E402
from archive_gen import generate  # noqa: E402

from reader.core import importer as imp  # noqa: E402
from reader.core.library import Library  # noqa: E402

# (label, our query, what a reader types for rg: a list of patterns every file must contain,
#  plus an optional front-matter pattern standing in for our filter)
RG_QUERIES: list[tuple[str, str, list[str], str | None]] = [
    ("1 char", "涨", ["涨"], None),
    ("1 char, rarer", "锂", ["锂"], None),
    ("2 chars", "央行", ["央行"], None),
    ("2 chars, rarer", "降准", ["降准"], None),
    ("4 chars", "宁德时代", ["宁德时代"], None),
    ("security code", "sec:600519", ["600519"], None),
    ("phrase", '"存款准备金率"', ["存款准备金率"], None),
    ("two words", "央行 降准", ["央行", "降准"], None),
    ("word + filter (cat:)", "央行 cat:emnews", ["央行"], r"^categories:.*emnews"),
    ("security by name", "sec:贵州茅台", ["贵州茅台"], None),
    ("security code + word", "sec:600519.SH 白酒", ["600519", "白酒"], None),
    ("mixed phrase", '"逆回购 操作"', ["逆回购操作"], None),
    ("phrase: Chinese + number", '"下调 0.25"', ["下调0.25"], None),
]

LAYOUT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ page.title }}</title>
</head><body>{{ content }}</body></html>
"""


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def _line(label: str, ours: str, base: str, ratio: float, target: str = "") -> None:
    print(f"  {label:<44}{ours:>16}{base:>18}{ratio:>10.1f}x  {target}")


def archive(work: Path, posts: int, seed: int) -> Path:
    folder = work / f"archive-{posts}-seed{seed}"
    if not (folder / "_config.yml").exists():
        t0 = time.perf_counter()
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, posts, seed=seed)
        print(f"  generated {posts:,} posts in {time.perf_counter() - t0:.1f} s ({folder})")
    return folder


# --- 1. import against jekyll build ----------------------------------------------------------------

def jekyll_site(src: Path, site: Path) -> Path:
    """A minimal Jekyll site over the same post files (hard links, so nothing is copied)."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    config = (src / "_config.yml").read_text(encoding="utf-8")
    # the archive's theme is not packaged by Debian; the layouts below stand in for it
    (site / "_config.yml").write_text(
        "\n".join(x for x in config.splitlines() if not x.startswith("theme:")) + "\n", encoding="utf-8")
    (site / "_layouts").mkdir()
    for name in ("default", "post", "page"):
        (site / "_layouts" / f"{name}.html").write_text(LAYOUT, encoding="utf-8")
    for sub in src.iterdir():
        if sub.is_dir():
            subprocess.run(["cp", "-al", str(sub), str(site / sub.name)], check=True)
    return site


def bench_jekyll(src: Path, work: Path, files: int) -> dict[str, Any]:
    site = jekyll_site(src, work / "jekyll-site")
    out_dir = work / "jekyll-out"
    shutil.rmtree(out_dir, ignore_errors=True)
    t0 = time.perf_counter()
    r = subprocess.run(["jekyll", "build", "--source", str(site), "--destination", str(out_dir)],
                       capture_output=True, text=True, timeout=7200)
    secs = time.perf_counter() - t0
    log = r.stdout + r.stderr
    pages = sum(1 for p in out_dir.rglob("*.html")) if out_dir.is_dir() else 0
    yaml_errors = len(re.findall(r"YAML Exception|Error reading file", log))
    print(f"  jekyll build: {secs:.1f} s for {files:,} files, rc {r.returncode}, {pages:,} pages written, "
          f"{yaml_errors} YAML errors reported")
    return {"seconds": round(secs, 2), "returncode": r.returncode, "pages": pages,
            "yaml_errors": yaml_errors, "posts_per_s": round(files / secs, 1), "log_tail": log[-600:]}


def stage_import(work: Path, posts: int, workers: int, jekyll: bool) -> dict[str, Any]:
    print(f"1. first import against jekyll build, {posts:,} posts")
    src = archive(work, posts, seed=1)
    files = len(imp.scan([src]))
    folder = work / f"lib-import-{posts}"
    lib, report, secs = bench_library.timed_fresh_import(folder, src, workers)
    print(f"  our import: {secs:.1f} s for {files:,} files = {files / secs:,.0f} posts/s "
          f"({report.added:,} added, {report.failed} reported broken, {workers} workers)")
    t0 = time.perf_counter()
    again = lib.import_paths([src], workers=workers)
    rescan = time.perf_counter() - t0
    assert again.parsed == 0 and again.added == 0, again
    lib.close()
    arch, size = bench_library._dir_bytes(src), bench_library._lib_bytes(folder)
    out: dict[str, Any] = {
        "posts": files, "import_seconds": round(secs, 2), "import_posts_per_s": round(files / secs, 1),
        "added": report.added, "failed": report.failed, "workers": workers,
        "rescan_seconds": round(rescan, 3), "rescan_files_per_s": round(files / rescan, 1),
        "archive_bytes": arch, "library_bytes": size, "library_to_archive": round(size / arch, 2),
    }
    if jekyll and shutil.which("jekyll"):
        out["jekyll"] = j = bench_jekyll(src, work, files)
        out["import_vs_jekyll"] = _ratio(j["seconds"], secs)
    print(f"  {'figure':<44}{'ours':>16}{'baseline':>18}{'ratio':>11}  target")
    _line("first import (posts/s)", f"{files / secs:,.0f}", "-", float("nan"), ">= 1,500 posts/s")
    if "jekyll" in out:
        _line("first import vs jekyll build (s)", f"{secs:.1f}", f"{out['jekyll']['seconds']:.1f} (jekyll)",
              out["import_vs_jekyll"], ">= 20x faster")
    _line("re-scan, unchanged archive (files/s)", f"{files / rescan:,.0f}", f"{files / secs:,.0f} (import)",
          _ratio(secs, rescan), ">= 20,000 files/s")
    _line("library size (MB)", _mb(size), _mb(arch) + " (files)", size / arch, "< 3x the archive")
    return out


# --- 2. search against rg ------------------------------------------------------------------------

def rg_files(folder: Path, patterns: list[str], front: str | None) -> int:
    """Files containing every pattern (and matching the front-matter filter): ``rg -l`` chained,
    as a reader would type it."""
    cmd = ["rg", "-l", "--fixed-strings", "--no-messages", patterns[0], str(folder)]
    files = subprocess.run(cmd, capture_output=True, text=True).stdout.split("\n")
    files = [f for f in files if f]
    extra = [(p, True) for p in patterns[1:]] + ([(front, False)] if front else [])
    for pat, fixed in extra:
        if not files:
            break
        args = ["rg", "-l", "--no-messages"] + (["--fixed-strings"] if fixed else []) + [pat, "--"]
        found: list[str] = []
        for i in range(0, len(files), 2000):
            r = subprocess.run(args + files[i:i + 2000], capture_output=True, text=True)
            found += [f for f in r.stdout.split("\n") if f]
        files = found
    return len(files)


def stage_search(work: Path, posts: int, workers: int, repeat: int, rg_runs: int, use_rg: bool) -> dict[str, Any]:
    print(f"2. search against rg, {posts:,} posts")
    src = archive(work, posts, seed=2)
    folder = work / f"lib-search-files-{posts}"
    lib = Library.open(folder)
    t0 = time.perf_counter()
    report = lib.import_paths([src], workers=workers)
    secs = time.perf_counter() - t0
    if report.parsed:
        print(f"  imported {report.added:,} posts in {secs:.1f} s = {report.parsed / secs:,.0f} posts/s")
    lib.optimize()
    have_rg = use_rg and shutil.which("rg") is not None
    out: dict[str, Any] = {"posts": posts, "import_seconds": round(secs, 1), "queries": {}}
    print(f"  {'query':<26}{'ours: hits':>11}{'median':>9}{'p95':>9}{'rg: files':>11}{'rg s':>9}{'ratio':>9}")
    for label, q, pats, front in RG_QUERIES:
        times = []
        for r in range(repeat + 1):
            t0 = time.perf_counter()
            lib.search(q, limit=50)
            if r:
                times.append((time.perf_counter() - t0) * 1000)
        total = lib.count(q)
        med, p95 = statistics.median(times), bench_library._percentile(times, 0.95)
        entry: dict[str, Any] = {"query": q, "total": total, "median_ms": round(med, 2), "p95_ms": round(p95, 2)}
        if have_rg:
            rg_times, n = [], 0
            for _ in range(rg_runs):  # the files are in the page cache after the first run
                t0 = time.perf_counter()
                n = rg_files(src, pats, front)
                rg_times.append(time.perf_counter() - t0)
            rg_s = statistics.median(rg_times)
            entry.update(rg_files=n, rg_seconds=round(rg_s, 3), rg_patterns=pats, rg_front_matter=front,
                         ratio=round(rg_s * 1000 / med, 1))
            print(f"  {label:<26}{total:>11,}{med:>9.1f}{p95:>9.1f}{n:>11,}{rg_s:>9.2f}{rg_s * 1000 / med:>8.0f}x")
        else:
            print(f"  {label:<26}{total:>11,}{med:>9.1f}{p95:>9.1f}")
        out["queries"][label] = entry
    lib.close()
    out["archive_bytes"] = bench_library._dir_bytes(src)
    out["library_bytes"] = bench_library._lib_bytes(folder)
    out["library_to_archive"] = round(out["library_bytes"] / out["archive_bytes"], 2)
    print(f"  archive {_mb(out['archive_bytes'])}, library {_mb(out['library_bytes'])} "
          f"({out['library_to_archive']}x)")
    return out


# --- 3. a million articles -----------------------------------------------------------------------

def stage_million(work: Path, articles: int, workers: int, repeat: int, startup_runs: int,
                  rg_at: dict[str, Any] | None) -> dict[str, Any]:
    print(f"3. a library of {articles:,} articles")
    src = archive(work, 10000, seed=1)
    folder = work / f"lib-search-{articles}"
    out: dict[str, Any] = {"build": bench_library.build_search_library(folder, src, articles, 3000, workers)}
    out["search"] = search = bench_library.bench_search(folder, repeat)
    out["trending"] = bench_trending(folder, repeat)
    if rg_at:
        # rg reads every byte: its time grows with the archive. Compared here with rg over the
        # 100,000 files measured above (conservative: a million files take about ten times longer).
        print(f"  first page at {articles:,} against rg over {rg_at['posts']:,} files (not scaled up):")
        for label, q, _p, _f in RG_QUERIES:
            ours = next((v for v in search["queries"].values() if v["query"] == q), None)
            rg = rg_at["queries"].get(label, {}).get("rg_seconds")
            if ours and rg:
                ours["rg_seconds_100k"] = rg
                ours["ratio_vs_rg_100k"] = round(rg * 1000 / ours["median_ms"], 1)
                print(f"    {label:<26} {ours['median_ms']:>8.1f} ms (p95 {ours['p95_ms']:.1f})  rg {rg:.2f} s  "
                      f"{ours['ratio_vs_rg_100k']:>8.0f}x")
    print("  the window (bench_gui.py), against the sample library:")
    base = bench_gui.sample_library(work)
    gui: dict[str, Any] = {}
    for label, lib in (("baseline", base), ("large", folder)):
        r = bench_gui.run_child(["--library", str(lib)])
        r["startup_to_first_paint_s"] = round(bench_gui.startup(lib, startup_runs), 3)
        gui[label] = r
    out["gui"] = gui
    b, g = gui["baseline"], gui["large"]
    print(f"  {'figure':<44}{'large':>12}{'baseline':>12}{'ratio':>9}{'target':>9}")
    for label, key, target in bench_gui.ROWS:
        print(f"  {label:<44}{g[key]:>12}{b[key]:>12}{_ratio(g[key], b[key]):>9.2f}{(str(target) if target else '-'):>9}")
    return out


def bench_trending(folder: Path, repeat: int, days: int = 10) -> dict[str, Any]:
    """``Library.trending`` (what moved on one day) on the newest day and on ``days`` earlier
    days with articles, ``repeat`` times each: median and p95 (target 100 ms at a million).
    Its cost follows the articles and links of the day and of the 30 days before it, not the
    library's size: a library as dense per day as the million measures what the million would."""
    lib = Library.open(folder)
    newest = lib.newest_day()
    chosen = [newest]
    day = newest
    for _ in range(days):  # about a month apart, each a day with articles
        day = lib.trending_room.previous_day(day - dt.timedelta(days=30)) if day else None
        if day is None:
            break
        chosen.append(day)
    times: list[float] = []
    sizes = []
    for d in chosen:
        for _ in range(repeat):
            t0 = time.perf_counter()
            t = lib.trending(d)
            times.append(time.perf_counter() - t0)
        sizes.append(t.articles)
    times.sort()
    res = {"days": len(chosen), "articles_per_day_median": statistics.median(sizes),
           "median_ms": round(statistics.median(times) * 1000, 1),
           "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)] * 1000, 1),
           "max_ms": round(times[-1] * 1000, 1),
           "library_articles": int(lib._one("SELECT count(*) FROM article")),
           "securities": int(lib._one("SELECT count(*) FROM security"))}
    lib.close()
    print(f"  trending (what moved on a day), {res['days']} days of ~{res['articles_per_day_median']:,.0f} "
          f"articles: median {res['median_ms']} ms, p95 {res['p95_ms']} ms, max {res['max_ms']} ms "
          f"(target 100 ms)")
    return res


def stage_trending(work: Path, articles: int, span_days: int, workers: int, repeat: int) -> dict[str, Any]:
    """What moved alone, on a library of ``articles`` over ``span_days`` (``--trending-only``):
    the million's density per day at a tenth of its build time; and the page in the window."""
    print(f"trending on a library of {articles:,} articles over {span_days} days")
    src = archive(work, 3000, seed=1)
    folder = work / f"lib-trending-{articles}-{span_days}d"
    out: dict[str, Any] = {"build": bench_library.build_search_library(folder, src, articles, 3000, workers,
                                                                       span_days=span_days)}
    out["trending"] = bench_trending(folder, repeat)
    gui = bench_gui.run_child(["--library", str(folder)])
    out["gui"] = {k: gui[k] for k in ("articles", "today_first_paint_ms", "today_day_step_ms")}
    print(f"  What moved in the window: first paint {gui['today_first_paint_ms']} ms, "
          f"the previous day {gui['today_day_step_ms']} ms (target 150 ms)")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/var/tmp/finews-scale"),
                    help="archives and libraries (reused between runs; about 20 GB with the million)")
    ap.add_argument("--import-posts", type=int, default=10000)
    ap.add_argument("--search-posts", type=int, default=100000)
    ap.add_argument("--million-articles", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=imp.default_workers())
    ap.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    ap.add_argument("--rg-runs", type=int, default=3)
    ap.add_argument("--startup-runs", type=int, default=5)
    ap.add_argument("--skip-jekyll", action="store_true")
    ap.add_argument("--skip-rg", action="store_true")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-search", action="store_true")
    ap.add_argument("--skip-million", action="store_true")
    ap.add_argument("--trending-only", action="store_true",
                    help="measure only what moved (trending), on --million-articles over --span-days")
    ap.add_argument("--span-days", type=int, default=5 * 365,
                    help="days the generated library's articles spread over (--trending-only)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--resume", action="store_true",
                    help="keep the stages already in the JSON file and run only the missing ones")
    args = ap.parse_args(argv)
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
                    "jekyll": _version(["jekyll", "--version"]), "rg": _version(["rg", "--version"])},
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    out = args.out or work / "bench_scale.json"
    if args.resume and out.exists():
        done = json.loads(out.read_text(encoding="utf-8"))
        res.update({k: v for k, v in done.items() if k in ("import", "search", "million")})
        print(f"resuming: {', '.join(k for k in ('import', 'search', 'million') if k in res)} kept from {out}")

    def save() -> None:
        out.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")

    print(f"work folder {work} ({os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version})")
    if args.trending_only:
        res["trending"] = stage_trending(work, args.million_articles, args.span_days, args.workers,
                                         args.repeat)
        save()
        print(f"results: {out}")
        return 0
    if not args.skip_import and "import" not in res:
        res["import"] = stage_import(work, args.import_posts, args.workers, not args.skip_jekyll)
        save()
    if not args.skip_search and "search" not in res:
        res["search"] = stage_search(work, args.search_posts, args.workers, args.repeat, args.rg_runs,
                                     not args.skip_rg)
        save()
    if not args.skip_million and "million" not in res:
        res["million"] = stage_million(work, args.million_articles, args.workers, args.repeat,
                                       args.startup_runs, res.get("search"))
        save()
    print(f"results: {out}")
    return 0


def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.split("\n")[0]
    except OSError:
        return "not installed"


if __name__ == "__main__":
    raise SystemExit(main())
