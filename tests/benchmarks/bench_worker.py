"""An import worker's CPU per post, step by step, for this tree beside a baseline tree.

    python tests/benchmarks/bench_worker.py [--posts DIR] [--baseline-tree DIR] [--rounds 3]

``--posts`` is a folder of posts (any depth; default: 3,000 generated finews posts, made with
``archive_gen.py`` in a temporary folder).  ``--baseline-tree`` is another checkout of the
project (e.g. ``git worktree add /tmp/base <commit>``): its code runs on the same posts in the
same script, each tree in its own child process pinned to one core, alternating, best of
``--rounds``.  Each child times, in CPU time per post:

* the whole worker job (``importer.parse_job``: read, parse, index tokens, compress), and
* each step alone: read the file, decode + front matter, markdown, cleaning (lxml + nh3),
  the rest of ``parse_bytes`` (title, dates, counts, hash), index tokens, compression.

Not a test (pytest ignores ``tests/benchmarks``): run it by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from reader.core import importer as imp
from reader.core.clean import clean
from reader.core.post import decode, parse_bytes, split_front_matter
from reader.core.render import render_markdown
from reader.core.store import compress
from reader.core.textindex import index_columns

paths = json.loads(Path(sys.argv[2]).read_text())
paths = [p for p in paths if imp.parse_job(p)[1] is not None]  # the broken ones are not timed
cpu = time.process_time
t = cpu()
for p in paths:
    imp.parse_job(p)
job = cpu() - t

steps = dict.fromkeys(("read", "decode + front matter", "markdown", "clean (lxml + nh3)",
                       "rest of parse (title, dates, counts, hash)", "index tokens", "compress"), 0.0)
for p in paths:
    t0 = cpu()
    raw = Path(p).read_bytes()
    t1 = cpu()
    text, _ = decode(raw)
    _meta, body, _ = split_front_matter(text)
    t2 = cpu()
    html, _ = render_markdown(body)
    t3 = cpu()
    clean(html)
    t4 = cpu()
    art = parse_bytes(raw, Path(p), tz_name="Asia/Shanghai")
    t5 = cpu()
    index_columns(art.title, art.text)
    t6 = cpu()
    compress(art.html)
    compress(art.text)
    t7 = cpu()
    steps["read"] += t1 - t0
    steps["decode + front matter"] += t2 - t1
    steps["markdown"] += t3 - t2
    steps["clean (lxml + nh3)"] += t4 - t3
    steps["rest of parse (title, dates, counts, hash)"] += max(0.0, (t5 - t4) - (t4 - t1))
    steps["index tokens"] += t6 - t5
    steps["compress"] += t7 - t6
n = len(paths)
print(json.dumps({"job_ms": job / n * 1e3, "steps_ms": {k: v / n * 1e3 for k, v in steps.items()}}))
"""


def measure(tree: Path, list_file: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(list_file)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def best(runs: list[dict[str, object]]) -> dict[str, object]:
    top = min(runs, key=lambda r: r["job_ms"])  # type: ignore[arg-type,return-value]
    steps = {k: min(r["steps_ms"][k] for r in runs) for k in runs[0]["steps_ms"]}  # type: ignore[index,union-attr]
    return {"job_ms": top["job_ms"], "steps_ms": steps}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=Path, default=None)
    ap.add_argument("--baseline-tree", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="finews-worker-"))
    posts = args.posts
    if posts is None:
        posts = work / "archive"
        subprocess.run([sys.executable, str(REPO / "tests" / "benchmarks" / "archive_gen.py"), str(posts),
                        "--count", "3000", "--broken-ratio", "0"], check=True, capture_output=True)
    files = sorted(str(p) for p in posts.rglob("*.md") if p.is_file() and "README" not in p.name)
    list_file = work / "paths.json"
    list_file.write_text(json.dumps(files))
    size = sum(os.path.getsize(p) for p in files) / len(files)
    trees = {"this tree": REPO} | ({"baseline": args.baseline_tree.resolve()} if args.baseline_tree else {})
    runs: dict[str, list[dict[str, object]]] = {k: [] for k in trees}
    start = time.perf_counter()
    for _ in range(args.rounds):
        for name, tree in trees.items():
            runs[name].append(measure(tree, list_file))
    res = {k: best(v) for k, v in runs.items()}
    print(f"{len(files):,} posts from {posts} ({size / 1024:.1f} KB a file), CPU per post on one core, "
          f"best of {args.rounds} ({time.perf_counter() - start:.0f} s)")
    names = list(trees)
    print(f"{'step (ms/post)':<44}" + "".join(f"{n:>12}" for n in names) + (f"{'ratio':>9}" if len(names) > 1 else ""))
    rows = [("whole worker job (parse_job)", lambda r: r["job_ms"])] + [
        (k, lambda r, k=k: r["steps_ms"][k]) for k in res[names[0]]["steps_ms"]]  # type: ignore[index]
    for label, get in rows:
        vals = [get(res[n]) for n in names]
        ratio = f"{vals[1] / vals[0]:>8.2f}x" if len(vals) > 1 and vals[0] else ""
        print(f"{label:<44}" + "".join(f"{v:>12.3f}" for v in vals) + ratio)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
