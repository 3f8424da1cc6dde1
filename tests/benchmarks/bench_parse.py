"""Throughput of the post core: read + render + clean, on the real corpus, on one core.

    python tests/benchmarks/bench_parse.py [--posts 3000] [--corpus DIR] [--baseline REV]

The corpus (the shared 160 real posts beside the checkout, else the committed subset; or any
folder of posts, searched recursively, e.g. a generated archive or its ``_posts``) is repeated
until about ``--posts`` posts.  The script prints posts/s overall and for the 3-8 KB posts (the
typical size of a full 2022 article), the time of each step (decode + front matter, markdown
render, the lxml cleaning pass, the nh3 sanitiser, and the rest: dates, counts, hashing) and which
step dominates.  As baselines measured in the same run, it times a bare markdown-it render of the
same bodies (and prints the pipeline's cost as a multiple of that), and the cleaning step as it
was at ``--baseline`` (a git revision, 79495fc by default: the lxml pass before it was made
cheaper), read from git, beside today's, on the same rendered bodies.

Not a test (pytest ignores ``tests/benchmarks``): run it by hand.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from markdown_it import MarkdownIt  # noqa: E402

import reader.core.clean as clean_mod  # noqa: E402
from reader.core.post import PostError, decode, parse_bytes, split_front_matter  # noqa: E402
from reader.core.render import render_markdown  # noqa: E402

SHARED_CORPUS = REPO.parent / "shared" / "corpus" / "finews"
FIXTURE_CORPUS = REPO / "tests" / "fixtures" / "corpus"
MID_SIZE = (3 * 1024, 8 * 1024)


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity here)"


def parses(raw: bytes, path: Path) -> bool:
    try:
        parse_bytes(raw, path)
    except PostError:
        return False
    return True


def load(corpus: Path, target: int) -> list[tuple[Path, bytes]]:
    if (corpus / "_posts").is_dir():  # an archive: its posts
        corpus = corpus / "_posts"
    files = sorted(p for p in corpus.rglob("*.md") if p.is_file())
    if not files:
        raise SystemExit(f"no posts in {corpus}")
    unique = [(p, p.read_bytes()) for p in files]
    unique = [(p, raw) for p, raw in unique if parses(raw, p)]  # a generated archive's junk files
    posts: list[tuple[Path, bytes]] = []
    while len(posts) < target:
        posts.extend(unique)
    return posts[:max(target, len(unique))]


def baseline_clean(rev: str) -> Callable[[str], object] | None:
    """``clean`` as it was at a git revision (its module run from ``git show``), or None."""
    try:
        source = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:reader/core/clean.py"],
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("clean_baseline")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:reader/core/clean.py", "exec"), module.__dict__)
    fn: Callable[[str], object] = module.clean
    return fn


def best_of(fn: Callable[[str], object], bodies: list[str], rounds: int = 3) -> float:
    """The least CPU time of a few rounds over the bodies (other work on the machine only adds)."""
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.process_time()
        for body in bodies:
            fn(body)
        best = min(best, time.process_time() - start)
    return best


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--corpus", type=Path, default=SHARED_CORPUS if SHARED_CORPUS.is_dir() else FIXTURE_CORPUS)
    ap.add_argument("--baseline", default="79495fc", help="git revision of the cleaning step to compare")
    args = ap.parse_args()

    pinned = pin_to_one_core()
    posts = load(args.corpus, args.posts)
    total_bytes = sum(len(raw) for _, raw in posts)
    print(f"corpus: {args.corpus} ({len({p for p, _ in posts})} files) repeated to {len(posts)} posts, "
          f"{total_bytes / 1e6:.1f} MB; {pinned}; Python {sys.version.split()[0]}")

    # warm up: caches (zoneinfo, regexes, markdown-it rules) and the allocator
    for path, raw in posts[:200]:
        parse_bytes(raw, path)
    gc.collect()

    # 1. end to end, post by post
    per_post: list[tuple[int, float]] = []
    start = time.perf_counter()
    for path, raw in posts:
        t0 = time.perf_counter()
        parse_bytes(raw, path)
        per_post.append((len(raw), time.perf_counter() - t0))
    wall = time.perf_counter() - start
    mid = [t for size, t in per_post if MID_SIZE[0] <= size <= MID_SIZE[1]]

    # 2. the same work step by step (the sanitiser timed inside clean())
    steps = {"decode + front matter": 0.0, "markdown render": 0.0, "clean (lxml pass)": 0.0, "sanitize (nh3)": 0.0}
    # (clean() calls nh3 through _cleaner(); before 2026-12 it called sanitize(): either works,
    # so the script also measures an older checkout)
    real_cleaner = getattr(clean_mod, "_cleaner", None)
    real_sanitize = clean_mod.sanitize
    in_sanitize = [0.0]

    def timed_sanitize(fragment: str) -> str:
        t = time.perf_counter()
        try:
            return real_sanitize(fragment)
        finally:
            in_sanitize[0] += time.perf_counter() - t

    class TimedCleaner:
        def __init__(self, cleaner: object) -> None:
            self.cleaner = cleaner

        def clean(self, fragment: str) -> str:
            t = time.perf_counter()
            try:
                return self.cleaner.clean(fragment)  # type: ignore[attr-defined, no-any-return]
            finally:
                in_sanitize[0] += time.perf_counter() - t

    bodies: list[str] = []
    rendered_bodies: list[str] = []
    if real_cleaner is not None:
        clean_mod._cleaner = lambda: TimedCleaner(real_cleaner())  # type: ignore[assignment, return-value]
    else:
        clean_mod.sanitize = timed_sanitize  # type: ignore[assignment]
    try:
        for _path, raw in posts:
            t0 = time.perf_counter()
            text, _ = decode(raw)
            _meta, body, _ = split_front_matter(text)
            t1 = time.perf_counter()
            rendered, _ = render_markdown(body)
            t2 = time.perf_counter()
            in_sanitize[0] = 0.0
            clean_mod.clean(rendered)
            t3 = time.perf_counter()
            steps["decode + front matter"] += t1 - t0
            steps["markdown render"] += t2 - t1
            steps["sanitize (nh3)"] += in_sanitize[0]
            steps["clean (lxml pass)"] += (t3 - t2) - in_sanitize[0]
            bodies.append(body)
            rendered_bodies.append(rendered)
    finally:
        if real_cleaner is not None:
            clean_mod._cleaner = real_cleaner  # type: ignore[assignment]
        clean_mod.sanitize = real_sanitize  # type: ignore[assignment]
    steps["other (title, dates, counts, hash)"] = max(0.0, wall - sum(steps.values()))

    # 3. baseline: a bare markdown-it render of the same bodies
    bare = MarkdownIt("commonmark", {"html": True})
    for body in bodies[:200]:
        bare.render(body)
    baseline = timed(lambda: [bare.render(body) for body in bodies])

    n = len(posts)
    print()
    print(f"pipeline (parse_bytes): {n / wall:8.0f} posts/s   {total_bytes / wall / 1e6:5.2f} MB/s   "
          f"mean {wall / n * 1e3:.3f} ms/post, median {statistics.median(t for _, t in per_post) * 1e3:.3f} ms")
    if mid:
        print(f"  3-8 KB posts ({len(mid)}): {len(mid) / sum(mid):8.0f} posts/s   mean {statistics.mean(mid) * 1e3:.3f} ms/post")
    else:
        print("  3-8 KB posts: none in this corpus")
    print()
    print(f"{'step':36} {'ms/post':>8} {'share':>6}")
    for name, secs in steps.items():
        print(f"{name:36} {secs / n * 1e3:8.3f} {secs / wall:6.1%}")
    dominant = max(steps, key=lambda k: steps[k])
    print(f"dominant step: {dominant} ({steps[dominant] / wall:.0%} of the time)")
    print()
    print(f"baseline (bare markdown-it render): {n / baseline:8.0f} posts/s   mean {baseline / n * 1e3:.3f} ms/post")
    print(f"pipeline cost = {wall / baseline:.2f} x the bare markdown render")

    # 4. the cleaning step (lxml pass + nh3) alone, today's beside the baseline revision's
    old_clean = baseline_clean(args.baseline)
    now = best_of(clean_mod.clean, rendered_bodies)
    print()
    print(f"clean, CPU ms/post, best of 3 rounds: now {now / n * 1e3:.3f}", end="")
    if old_clean is None:
        print(f"   (baseline {args.baseline}: not readable from git here)")
    else:
        was = best_of(old_clean, rendered_bodies)
        print(f"   at {args.baseline} {was / n * 1e3:.3f}   ({was / now:.2f}x)")


if __name__ == "__main__":
    main()
