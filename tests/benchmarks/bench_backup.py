"""The daily backup of the reader's data: the compact, compressed form written after the first
paint against the plain JSON export written before it (the earlier release's daily backup), on
the same library in the same run.

    python3 tests/benchmarks/bench_backup.py [--articles 200000] [--workdir DIR]

The library is built like ``bench_library.py``'s search library (copies of generated posts),
with its reader's data: 70% of the articles read, 0.5% bookmarked, 0.1% tagged. Prints time
and size of each form, their ratio, and the time to restore the compact one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from bench_library import build_search_library  # noqa: E402

from reader.core import backups  # noqa: E402
from reader.core.library import Library  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=200_000)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)
    from archive_gen import generate

    work = args.workdir or Path(tempfile.mkdtemp(prefix="finews-backup-"))
    work.mkdir(parents=True, exist_ok=True)
    archive = work / "archive"
    if not archive.exists():
        generate(archive, 2000, seed=1)
    folder = work / f"lib-{args.articles}"
    build_search_library(folder, archive, args.articles, 2000, 2)
    with Library.open(folder) as lib:
        marks = lib.count("is:read") + lib.count("is:bookmarked")
        plain = work / "plain.json"
        t0 = time.perf_counter()
        lib.export_user_data(plain)
        t_plain = time.perf_counter() - t0
        for old in backups.backup_dir(folder).glob("user-data-*"):
            old.unlink()
        t0 = time.perf_counter()
        compact = backups.daily_user_backup(lib, dt.date(2026, 12, 1))
        t_compact = time.perf_counter() - t0
        assert compact is not None
    with Library.open(work / "restore") as fresh:
        t0 = time.perf_counter()
        fresh.import_user_data(compact)  # every entry waits for its article: the worst case
        t_restore = time.perf_counter() - t0
    s_plain, s_compact = plain.stat().st_size, compact.stat().st_size
    print(f"library: {args.articles:,} articles, {marks:,} read and bookmark marks")
    print(f"plain JSON export (the previous daily backup): {t_plain:.2f} s, {s_plain / 1e6:.1f} MB")
    print(f"compact daily backup:                        {t_compact:.2f} s, {s_compact / 1e6:.2f} MB")
    print(f"ratio: {t_plain / t_compact:.1f}x faster, {s_plain / s_compact:.0f}x smaller; "
          f"seven days kept: {7 * s_compact / 1e6:.1f} MB against {7 * s_plain / 1e6:.0f} MB")
    print(f"restoring the compact backup into an empty library: {t_restore:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
