"""Library benchmarks: import throughput, re-scan speed and search latency at scale.

A script, not a test (pytest does not collect it)::

    python tests/benchmarks/bench_library.py                      # 10,000 posts, 100k-article search
    python tests/benchmarks/bench_library.py --posts 20000 --million
    python tests/benchmarks/bench_library.py --search-library /tmp/big --keep   # reuse a built one

It measures, in one run:

a. import throughput (posts/s) of a generated archive (``archive_gen.py``) with the default
   worker count, against a single-process baseline (``workers=1``);
b. re-scan of the unchanged archive (files/s; nothing is re-parsed);
c. search latency on a large library (100,000 articles by default, 1,000,000 with
   ``--million``): the library is bulk-loaded through the library's own write path
   (``Library._store_article`` inside large transactions, so the full-text index is real) from
   copies of a few thousand parsed generated posts with new keys and dates, then the first page
   (``limit=50``) of ``Library.search`` is timed for one-, two- and four-character Chinese
   queries, a security, a phrase and filtered queries: median and p95 over repeated runs.

Results are printed and written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from reader.core import importer as imp  # noqa: E402
from reader.core.library import Library  # noqa: E402
from reader.core.securities import Security  # noqa: E402
from reader.core.store import DB_NAME  # noqa: E402

SEARCH_QUERIES: list[tuple[str, str]] = [
    ("1 char", "涨"),
    ("1 char, rarer", "锂"),
    ("2 chars", "央行"),
    ("2 chars, rarer", "降准"),
    ("4 chars", "宁德时代"),
    ("4 chars, rarer", "中期借贷"),
    ("security (sec:600519)", "sec:600519"),
    ("security by name", "sec:贵州茅台"),
    ("phrase", '"存款准备金率"'),
    ("mixed phrase", '"逆回购 操作"'),
    ("two words", "央行 降准"),
    ("word -excluded", "央行 -降准"),
    ("word + is:unread + after:", "科技 is:unread after:2023-01-01"),
    ("word + cat:", "央行 cat:emnews"),
    ("word + source:", "央行 source:中国证券报"),
    ("word + is:bookmarked", "央行 is:bookmarked"),
    ("word + tag: (user tag)", "央行 tag:关注"),
    ("sec: + before:", "sec:600519 before:2022-06-01"),
    ("filters only: is:bookmarked", "is:bookmarked"),
    ("security code + word", "sec:600519.SH 白酒"),
    ("phrase: Chinese + number", '"下调 0.25"'),
    ("bare code (text or link)", "600519"),
    ("no match", "不存在的词语组合"),
]


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _lib_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob(DB_NAME + "*"))


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q * (len(s) - 1))))
    return s[k]


def _spin(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def cpu_scaling(workers: int) -> float:
    """How much faster ``workers`` processes finish pure-Python work than one (the machine's
    ceiling for the import's speed-up; shared or SMT cores give well under ``workers``)."""
    from concurrent.futures import ProcessPoolExecutor

    n = 6_000_000
    serial, parallel = [], []
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [1000] * workers))  # start the workers first
        for _ in range(3):  # best of three: other load on the machine only slows runs down
            t0 = time.perf_counter()
            for _ in range(workers):
                _spin(n)
            serial.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            list(pool.map(_spin, [n] * workers))
            parallel.append(time.perf_counter() - t0)
    return min(serial) / min(parallel)


def timed_fresh_import(folder: Path, archive: Path, workers: int) -> tuple[Library, Any, float]:
    """(library, report, seconds) of importing ``archive`` into a new library at ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    lib = Library.open(folder)
    t0 = time.perf_counter()
    report = lib.import_paths([archive], workers=workers)
    return lib, report, time.perf_counter() - t0


def bench_import(archive: Path, work: Path, workers: int, runs: int = 1) -> dict[str, Any]:
    """Each import ``runs`` times into a fresh library, alternating; the best run counts (the
    others are kept in the JSON: on a shared machine the spread is large)."""
    out: dict[str, Any] = {}
    files = len(imp.scan([archive]))
    kinds = [("single process", 1), (f"{workers} workers", workers)]
    lib_par: Library | None = None
    for run in range(runs):
        for label, w in kinds:
            lib, report, secs = timed_fresh_import(work / f"lib-import-w{w}", archive, w)
            entry = out.setdefault(label, {"workers": w, "files": files, "all_seconds": []})
            entry["all_seconds"].append(round(secs, 2))
            best = min(entry["all_seconds"])
            entry.update(seconds=best, posts_per_s=round(files / best, 1), added=report.added,
                         failed=report.failed, workers_used=report.workers)
            print(f"  import, {label:<15} {files:,} files in {secs:6.1f} s = {files / secs:7.0f} posts/s "
                  f"(added {report.added:,}, failed {report.failed})")
            if w == workers and run == runs - 1:
                lib_par = lib
            else:
                lib.close()
    base = out["single process"]["posts_per_s"]
    out["speedup"] = round(out[f"{workers} workers"]["posts_per_s"] / base, 2)
    out["cpu_scaling"] = round(cpu_scaling(workers), 2)
    print(f"  best runs: {base:,.0f} posts/s single process, {out[kinds[1][0]]['posts_per_s']:,.0f} posts/s "
          f"with {workers} workers")
    print(f"  speed-up with {workers} workers: x{out['speedup']} (pure-Python work on this machine: "
          f"x{out['cpu_scaling']} with {workers} processes)")

    assert lib_par is not None
    t0 = time.perf_counter()
    report = lib_par.import_paths([archive], workers=workers)
    secs = time.perf_counter() - t0
    assert report.parsed == 0 and report.added == 0 and report.updated == 0, report
    out["rescan"] = {"files": files, "seconds": round(secs, 3), "files_per_s": round(files / secs, 1),
                     "parsed": report.parsed}
    print(f"  re-scan of the unchanged archive: {files:,} files in {secs:.2f} s = {files / secs:,.0f} files/s "
          f"(parsed {report.parsed})")
    lib_par.close()  # the last connection checkpoints and removes the write-ahead log
    arch, libsize = _dir_bytes(archive), _lib_bytes(lib_par.folder)
    out["archive_bytes"], out["library_bytes"] = arch, libsize
    print(f"  archive {_mb(arch)} ({files:,} files); library {_mb(libsize)} "
          f"({libsize / arch:.2f}x the archive, {libsize / max(1, report.unchanged):,.0f} bytes per article)")
    return out


EXTRA_SECURITIES = 40000  # synthetic securities spread over the copies (Zipf-like)


def _extra_securities(j: int) -> list[Security]:
    """One or two of ``EXTRA_SECURITIES`` synthetic securities for copy ``j``, a few of them
    common and most rare, so that a large library lists tens of thousands of securities as a
    real archive of years does."""
    rng = random.Random(j)
    out = []
    for _ in range(1 + (j % 2)):
        r = int(EXTRA_SECURITIES ** rng.random())  # rank: 1 often, 40000 rarely
        out.append(Security(r % 2, f"{800000 + r:06d}", f"样本{r:05d}"))
    return out


def build_search_library(folder: Path, archive: Path, target: int, sample: int, workers: int,
                         span_days: int = 5 * 365) -> dict[str, Any]:
    """``target`` articles: copies (new key and date) of ``sample`` parsed generated posts, each
    also mentioning one or two of ``EXTRA_SECURITIES`` synthetic securities, spread evenly over
    ``span_days`` (five years: a million is ~550 a day; a tenth over half a year is as dense)."""
    lib = Library.open(folder)
    have = int(lib._one("SELECT count(*) FROM article"))
    if have >= target:
        print(f"  reusing {folder} ({have:,} articles)")
        lib.close()
        return {"articles": have, "reused": True}
    files = [f.path for f in imp.scan([archive])][:sample]
    t0 = time.perf_counter()
    templates = [a for _p, a, _e in imp.parse_all(files, workers=workers) if a is not None]
    print(f"  parsed {len(templates):,} template posts in {time.perf_counter() - t0:.1f} s")
    start = dt.datetime(2019, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    step = dt.timedelta(days=span_days) / target  # newest last
    t0 = time.perf_counter()
    chunk = 20000
    i = have
    while i < target:
        with lib._write_lock, lib.db.atomic("IMMEDIATE"):
            for j in range(i, min(target, i + chunk)):
                t = templates[j % len(templates)]
                lib._store_article(dataclasses.replace(
                    t, key=f"BENCH{j:09d}", published=start + step * j, path=f"/bench/{j}.md",
                    securities=t.securities + _extra_securities(j),
                ))
        i = min(target, i + chunk)
        if i % 100000 == 0 or i == target:
            el = time.perf_counter() - t0
            print(f"  stored {i:,} articles, {(i - have) / el:,.0f}/s, {_mb(_lib_bytes(folder))}", flush=True)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    lib.optimize()  # what a large import does at its end
    optimize = time.perf_counter() - t0
    print(f"  merged the full-text index in {optimize:.1f} s")
    # the reader's data, so that filters have something to select
    with lib.db.atomic("IMMEDIATE"):
        lib._sql("UPDATE article SET bookmarked = 1, bookmarked_at = 1 WHERE id % 200 = 0")
        lib._sql("UPDATE article SET read = 1, read_at = 1 WHERE id % 10 < 7")
    lib.add_tags([r[0] for r in lib._sql("SELECT id FROM article WHERE id % 1000 = 7")], ["关注"])
    lib.close()
    return {"articles": target, "templates": len(templates), "build_seconds": round(build, 1),
            "optimize_seconds": round(optimize, 1),
            "articles_per_s": round((target - have) / build, 1), "reused": False}


def bench_search(folder: Path, repeat: int) -> dict[str, Any]:
    size = _lib_bytes(folder)  # closed: no write-ahead log
    lib = Library.open(folder)
    n = int(lib._one("SELECT count(*) FROM article"))
    print(f"  library: {n:,} articles, {_mb(size)}")
    results: dict[str, Any] = {"articles": n, "library_bytes": size, "queries": {}}
    print(f"  {'query':<32} {'hits':>9} {'first':>8} {'median':>8} {'p95':>8} {'all ids':>9}"
          "  (ms; first page of 50 with snippets: cold, median, p95; every matching id)")
    for label, q in SEARCH_QUERIES:
        times = []
        first = None
        hits = 0
        for r in range(repeat + 1):
            t0 = time.perf_counter()
            page = lib.search(q, limit=50)
            el = (time.perf_counter() - t0) * 1000
            if r == 0:
                first = el
            else:
                times.append(el)
            hits = len(page)
        all_times = []
        for _ in range(3):  # every id, as the window's article list asks
            t0 = time.perf_counter()
            total = len(lib.query_ids(q))
            all_times.append((time.perf_counter() - t0) * 1000)
        all_ms = statistics.median(all_times)
        med, p95 = statistics.median(times), _percentile(times, 0.95)
        results["queries"][label] = {
            "query": q, "page": hits, "total": total, "first_ms": round(first or 0, 2),
            "median_ms": round(med, 2), "p95_ms": round(p95, 2), "all_ids_ms": round(all_ms, 1),
        }
        print(f"  {label:<32} {total:>9,} {first:>8.1f} {med:>8.1f} {p95:>8.1f} {all_ms:>9.1f}   {q}")
    lib.close()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=10000, help="posts in the generated archive (default 10000)")
    ap.add_argument("--search-articles", type=int, default=100000,
                    help="articles in the search library (default 100000)")
    ap.add_argument("--million", action="store_true", help="search on 1,000,000 articles")
    ap.add_argument("--templates", type=int, default=3000, help="parsed posts copied into the search library")
    ap.add_argument("--workers", type=int, default=imp.default_workers())
    ap.add_argument("--import-runs", type=int, default=1, help="repeat each import, keep the best (noisy machines)")
    ap.add_argument("--repeat", type=int, default=30, help="timed runs per query (after one cold run)")
    ap.add_argument("--workdir", type=Path, default=None, help="where to write (default: a temp folder)")
    ap.add_argument("--search-library", type=Path, default=None,
                    help="library folder for the search benchmark (reused when already that large)")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-search", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--out", type=Path, default=None, help="JSON results (default: WORKDIR/bench_library.json)")
    args = ap.parse_args(argv)
    target = 1_000_000 if args.million else args.search_articles

    from archive_gen import generate

    work = args.workdir or Path(tempfile.mkdtemp(prefix="finews-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version, "platform": platform.platform()},
        "args": {"posts": args.posts, "search_articles": target, "workers": args.workers,
                 "repeat": args.repeat, "import_runs": args.import_runs},
    }
    print(f"work folder: {work}  ({os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version})")
    try:
        archive = work / f"archive-{args.posts}"
        if not (archive / "_config.yml").exists():
            t0 = time.perf_counter()
            generate(archive, args.posts, seed=1)
            print(f"generated {args.posts:,} posts in {time.perf_counter() - t0:.1f} s")
        if not args.skip_import:
            print("(a, b) import and re-scan")
            results["import"] = bench_import(archive, work, args.workers, args.import_runs)
        if not args.skip_search:
            print(f"(c) search on {target:,} articles" + ("" if args.million else
                  " (the default; --million for 1,000,000)"))
            folder = args.search_library or work / f"lib-search-{target}"
            results["search_build"] = build_search_library(folder, archive, target, args.templates, args.workers)
            results["search"] = bench_search(folder, args.repeat)
        out = args.out or work / "bench_library.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"results: {out}")
    finally:
        if not args.keep and args.workdir is None:
            out = args.out
            if out is None:
                # keep only the JSON: copy it beside the temp folder's parent
                src = work / "bench_library.json"
                if src.exists():
                    dst = Path(tempfile.gettempdir()) / "bench_library.json"
                    shutil.copy2(src, dst)
                    print(f"results copied to {dst}")
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
