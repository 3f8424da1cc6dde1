"""Markdown -> HTML per post: markdown-it-py (the old renderer) vs cmarkgfm (cmark-gfm, in C).

    python tests/benchmarks/bench_markdown.py [--repeat 20] [--corpus DIR]

Both render the same bodies (front matter split off as the pipeline does) of every post of the
corpus (the shared real posts beside the checkout, else the committed subset), with the options
the reader uses: CommonMark, inline HTML passed through, tables and ~~strikethrough~~.  Prints the
median time per post of each, side by side, and how many bodies render to different HTML once
whitespace between tags is ignored.

Not a test (pytest ignores ``tests/benchmarks``): run it by hand.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import cmarkgfm  # noqa: E402
from cmarkgfm.cmark import Options  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402

from reader.core.post import decode, read_post_bytes, split_front_matter  # noqa: E402
from tests.conftest import corpus_path  # noqa: E402

_MD = MarkdownIt("commonmark", {"html": True, "maxNesting": 64}).enable(["table", "strikethrough"])
_OPTS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE


def markdown_it(body: str) -> str:
    return _MD.render(body)


def cmark(body: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(
        body, options=_OPTS, extensions=["table", "strikethrough"])


def _per_post(render: Callable[[str], str], bodies: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        for b in bodies:
            render(b)
        runs.append((time.perf_counter() - t) / len(bodies))
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--corpus", type=Path, default=corpus_path())
    args = ap.parse_args()
    bodies = []
    for p in sorted(args.corpus.rglob("*.md")):
        raw, _ = read_post_bytes(p)
        text, _w = decode(raw)
        bodies.append(split_front_matter(text)[1])
    size = sum(len(b.encode()) for b in bodies) / len(bodies)
    old = _per_post(markdown_it, bodies, args.repeat)
    new = _per_post(cmark, bodies, args.repeat)
    squash = re.compile(r">\s+<")
    differ = sum(squash.sub("><", markdown_it(b).strip()) != squash.sub("><", cmark(b).strip())
                 for b in bodies)
    print(f"{len(bodies)} posts from {args.corpus}, body {size / 1024:.1f} KB on average, "
          f"median of {args.repeat} runs")
    print(f"markdown-it-py  {old * 1e3:7.3f} ms/post")
    print(f"cmarkgfm        {new * 1e3:7.3f} ms/post   ({old / new:.1f}x faster)")
    print(f"HTML differs beyond whitespace between tags: {differ} of {len(bodies)} bodies")


if __name__ == "__main__":
    main()
