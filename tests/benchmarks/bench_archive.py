"""Benchmark (not a test): an archive fetched from git against ``git clone --depth 1`` + import.

Builds a finews-shaped repository (``archive_gen``) with a daily history, serves it with
``git daemon`` on 127.0.0.1, and measures in one run:

* baseline: ``git clone --depth 1`` of the URL, then ``finews-reader import`` of the checkout;
* ``archive add``: time until the 100 newest articles are listed, and until all are imported;
* an update after one new day (300 new posts, 50 rewritten, 300 moved to ``old_post/``);
* disk used by the archive's folder against the checkout's.

    python3 tests/benchmarks/bench_archive.py --posts 20000 --days 100 [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests" / "archives")]

import archive_gen  # noqa: E402
from git_server import GitDaemon, git  # noqa: E402

from reader.core.library import Library  # noqa: E402


def du(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build_repo(repo: Path, posts: int, days: int) -> None:
    import datetime as dt

    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "uploadpack.allowFilter", "true")  # as GitHub allows
    per_day = max(1, posts // days)
    start = dt.datetime(2022, 1, 1, tzinfo=archive_gen.CST)
    for d in range(days):
        scratch = repo.parent / "day"
        archive_gen.generate(scratch, per_day, seed=d + 1, start=start + dt.timedelta(days=d))
        for folder in ("_posts", "old_post"):
            (repo / folder).mkdir(exist_ok=True)
            for f in (scratch / folder).iterdir():
                os.replace(f, repo / folder / f.name)
        shutil.copy(scratch / "_config.yml", repo / "_config.yml")
        shutil.rmtree(scratch)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"day {d + 1}")


def new_day(repo: Path, days: int) -> None:
    """300 new posts, 50 rewritten, 300 moved from _posts/ to old_post/."""
    import datetime as dt

    scratch = repo.parent / "day"
    start = dt.datetime(2022, 1, 1, tzinfo=archive_gen.CST) + dt.timedelta(days=days)
    archive_gen.generate(scratch, 300, seed=10_000, start=start, broken_ratio=0)
    for folder in ("_posts", "old_post"):
        for f in (scratch / folder).iterdir():
            os.replace(f, repo / "_posts" / f.name)
    shutil.rmtree(scratch)
    old = sorted((repo / "_posts").glob("*.md"))
    for f in old[:50]:
        f.write_text(f.read_text(encoding="utf-8", errors="replace") + "\n<p>更新。</p>\n", encoding="utf-8")
    for f in old[50:350]:
        git(repo, "mv", f"_posts/{f.name}", f"old_post/{f.name}")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "new day")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=20000)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-archive-"))
    if work.exists() and args.workdir:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, object] = {"posts": args.posts, "days": args.days}
    t = time.perf_counter()
    build_repo(work / "served" / "finews", args.posts, args.days)
    figures["build_repo_s"] = round(time.perf_counter() - t, 1)
    daemon = GitDaemon(work / "served")
    url = daemon.url("finews")
    try:
        # baseline: git clone --depth 1 + finews-reader import
        t = time.perf_counter()
        subprocess.run(["git", "clone", "-q", "--depth", "1", url, str(work / "checkout")], check=True)
        t_clone = time.perf_counter() - t
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "reader", "--library", str(work / "lib-baseline"), "import",
                        str(work / "checkout" / "_posts"), str(work / "checkout" / "old_post"), "--json"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        figures["baseline_clone_s"] = round(t_clone, 2)
        figures["baseline_total_s"] = round(time.perf_counter() - t, 2)

        # archive add: first 100 newest listed, then all
        lib = Library.open(work / "lib")
        first: list[float] = []
        t = time.perf_counter()

        def progress(p: object) -> None:
            if not first and lib.count() >= 100:
                first.append(time.perf_counter() - t)

        result = lib.add_archive(url, progress=progress)
        figures["add_first_100_listed_s"] = round(first[0], 2) if first else None
        figures["add_total_s"] = round(time.perf_counter() - t, 2)
        figures["add_added"] = result.report.added
        figures["add_failed"] = result.report.failed + len(result.skipped)

        new_day(work / "served" / "finews", args.days)
        t = time.perf_counter()
        upd = lib.update_archive("finews").to_json(previous=True)
        figures["update_s"] = round(time.perf_counter() - t, 2)
        figures["update"] = {k: upd[k] for k in ("added", "updated", "unchanged", "failed")}
        folder = Path(result.path)
        figures["disk_archive_git_mb"] = round(du(folder / "git") / 1e6, 1)
        figures["disk_archive_posts_mb"] = round(du(folder / "posts") / 1e6, 1)
        figures["disk_checkout_mb"] = round(du(work / "checkout") / 1e6, 1)
        figures["disk_checkout_dotgit_mb"] = round(du(work / "checkout" / ".git") / 1e6, 1)
        lib.close()
    finally:
        daemon.stop()
    print(json.dumps(figures, indent=2))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
