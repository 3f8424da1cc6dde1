"""How free the window stays while it imports: the longest pauses of the GUI's event loop
during an import started from the window, with the list being browsed, beside the same window
idle for as long (the baseline), in one run.

    python3 tests/benchmarks/bench_import_gaps.py [--posts 6000] [--workdir DIR]

A 10 ms timer on the GUI thread records every gap between its ticks; meanwhile the selection
moves one row every 200 ms (an article opens each time), and once a second the reader presses
S (the bookmark is written on the GUI thread: timed, it waits for the import's batch). Prints the worst gap, the 99th
percentile, and how many gaps exceeded 50, 100 and 250 ms, for the import and for idle.

Each gap is also split, from the GUI thread's ``/proc/thread-self/schedstat``, into the time
the thread ran (the window's own work: an article's layout, a list refresh), the time it was
ready but waited for a core (the machine's other processes: on a shared machine, noise; the
load averages are printed), and the rest, when it was blocked (the GIL, a lock, SQLite's
busy wait): the part an import in the window's process causes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from reader.core.library import Library  # noqa: E402
from reader.ui.main_window import MainWindow  # noqa: E402


def sched() -> tuple[float, float]:
    """The calling thread's seconds on a core and seconds ready but waiting for one."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            ran, waited, _slices = f.read().split()
        return int(ran) / 1e9, int(waited) / 1e9
    except (OSError, ValueError):
        return time.thread_time(), 0.0


class GapProbe:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.gaps: list[float] = []
        self.cpu: list[float] = []  # the GUI thread's time on a core in each gap
        self.queued: list[float] = []  # ...ready but waiting for a core
        self.last = time.perf_counter()
        self.last_cpu, self.last_queued = sched()
        self.tick = QTimer()
        self.tick.setInterval(10)
        self.tick.timeout.connect(self._tick)
        self.browse = QTimer()
        self.browse.setInterval(200)
        self.browse.timeout.connect(self._browse)
        self.steps = 0
        self.bookmarks: list[float] = []  # ms each S took

    def _tick(self) -> None:
        now = time.perf_counter()
        cpu, queued = sched()
        self.gaps.append((now - self.last) * 1000)
        self.cpu.append((cpu - self.last_cpu) * 1000)
        self.queued.append((queued - self.last_queued) * 1000)
        self.last, self.last_cpu, self.last_queued = now, cpu, queued

    def _browse(self) -> None:
        n = self.w.model.rowCount()
        if n:
            cur = self.w.table.currentIndex().row()
            self.w.select_row((cur + 1) % n)
        self.steps += 1
        if self.steps % 5 == 0 and self.w.current_id is not None:
            t0 = time.perf_counter()
            self.w.act_star.trigger()
            self.bookmarks.append((time.perf_counter() - t0) * 1000)

    def start(self) -> None:
        self.gaps, self.cpu, self.queued, self.bookmarks = [], [], [], []
        self.last = time.perf_counter()
        self.last_cpu, self.last_queued = sched()
        self.tick.start()
        self.browse.start()

    def stop(self) -> dict[str, float]:
        self.tick.stop()
        self.browse.stop()
        g = sorted(self.gaps)
        split = list(zip(self.gaps, self.cpu, self.queued, strict=True))
        worst = max(split)
        blocked = [gap - cpu - queued for gap, cpu, queued in split]
        return {"worst": g[-1], "p99": g[int(len(g) * 0.99) - 1], "over50": sum(x > 50 for x in g),
                "over100": sum(x > 100 for x in g), "over250": sum(x > 250 for x in g), "ticks": len(g),
                "worst_cpu": worst[1], "worst_queued": worst[2],
                "worst_blocked": worst[0] - worst[1] - worst[2],
                "ran50": sum(cpu > 50 for _gap, cpu, _q in split),
                "queued50": sum(q > 50 for _gap, _cpu, q in split),
                "blocked50": sum(b > 50 for b in blocked), "max_blocked": max(blocked),
                "load": os.getloadavg()[0],
                "bookmarks": len(self.bookmarks), "bookmark_worst": max(self.bookmarks, default=0),
                "bookmark_median": sorted(self.bookmarks)[len(self.bookmarks) // 2] if self.bookmarks else 0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=6000)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)
    from archive_gen import generate

    work = args.workdir or Path(tempfile.mkdtemp(prefix="finews-gaps-"))
    archive = work / f"archive-{args.posts}"
    if not archive.exists():
        generate(archive, args.posts, seed=3)
    seed_archive = work / "seed"
    if not seed_archive.exists():
        generate(seed_archive, 300, seed=4)
    folder = work / "lib"
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    with Library.open(folder) as lib:
        lib.import_paths([seed_archive])  # something to browse from the start
    app = QApplication.instance() or QApplication([])
    w = MainWindow(None, settings=QSettings(str(work / "bench.ini"), QSettings.Format.IniFormat))
    w.quiet_reports = True
    w.set_library(Library.open(folder))
    w.resize(1280, 800)
    w.show()
    probe = GapProbe(w)
    results: dict[str, dict[str, float]] = {}

    def run_import() -> None:
        probe.start()
        t0 = time.perf_counter()

        def finished(_report: object) -> None:
            results["import"] = {**probe.stop(), "seconds": time.perf_counter() - t0}
            QTimer.singleShot(0, run_idle)

        w.importFinished.connect(finished)
        w.start_import([str(archive)], watch=False)

    def run_idle() -> None:
        probe.start()
        seconds = results["import"]["seconds"]

        def finished() -> None:
            results["idle"] = {**probe.stop(), "seconds": seconds}
            app.quit()

        QTimer.singleShot(int(seconds * 1000), finished)

    print(f"load average at the start: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    QTimer.singleShot(500, run_import)
    app.exec()
    w.close()
    for name in ("import", "idle"):
        r = results[name]
        print(f"{name:>6}: {r['seconds']:.1f} s, worst gap {r['worst']:.0f} ms, p99 {r['p99']:.0f} ms, "
              f"gaps over 50/100/250 ms: {r['over50']}/{r['over100']}/{r['over250']} of {r['ticks']}")
        print(f"        the worst gap: ran {r['worst_cpu']:.0f} ms, waited for a core "
              f"{r['worst_queued']:.0f} ms, blocked {r['worst_blocked']:.0f} ms; gaps with over 50 ms "
              f"ran/waiting for a core/blocked: {r['ran50']}/{r['queued50']}/{r['blocked50']}, the "
              f"longest blocked {r['max_blocked']:.0f} ms; load average at the end {r['load']:.2f}")
        print(f"        bookmark (S) written from the window: {r['bookmarks']} times, median "
              f"{r['bookmark_median']:.1f} ms, worst {r['bookmark_worst']:.0f} ms")
    print(f"worst gap importing / idle: {results['import']['worst'] / results['idle']['worst']:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
