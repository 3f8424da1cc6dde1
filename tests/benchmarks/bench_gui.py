"""The window on a large library, measured beside the same window on a small one.

    python tests/benchmarks/bench_gui.py --library BIG_LIBRARY_DIR [--baseline SMALL_DIR]

Figures (each printed with the baseline's and the ratio, and written as JSON):

* start to first painted window (a fresh process per run: import, open, query, paint);
* list reset for a new filter (All, Unread, a category, a security, a search), median: until its
  first rows are painted, and until the whole id list is in the model;
* scrolling: jumping to the end, 200 jumps spread over the whole list (the scroll bar dragged;
  per-step paint), and page steps one after another; a sanity line says what a step paints (rows
  in view, ``data()`` calls, paint events), so a hidden or short list cannot pass for a fast one;
* opening an article (median of 60);
* resident memory after scrolling through the whole list;
* the What moved page: from choosing it to its first paint, and a step to the previous day.

BIG_LIBRARY_DIR is typically the million-article library built by ``bench_library.py --million
--keep``; the baseline defaults to a library of the bundled sample archive.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STARTUP_PROBE = r"""
import os, sys, time
t0 = float(sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from reader.ui.app import ReaderApp
app = ReaderApp([])
from reader.core.library import Library
from reader.ui.main_window import MainWindow

class FirstPaint(QObject):
    def __init__(self, target):
        super().__init__()
        self.target, self.listed = target, False
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and self.listed:
            print(f"{time.time() - t0:.4f}", flush=True)
            QTimer.singleShot(0, app.quit)
            self.listed = False
        return False

w = MainWindow(None, settings=QSettings(os.path.join(os.path.dirname(sys.argv[1]), "bench.ini"), QSettings.Format.IniFormat))
probe = FirstPaint(w)
w.table.viewport().installEventFilter(probe)
def listed():
    probe.listed = True
    w.table.viewport().update()
w.listShown.connect(listed)
w.set_library(Library.open(sys.argv[1]))
w.show()
app.exec()
"""


ROWS = [  # label, key, target
    ("start to first painted window (s)", "startup_to_first_paint_s", 1.5),
    ("new filter's list shown, slowest filter (ms)", "list_reset_max_ms", 150),
    ("new filter's whole id list in (ms)", "list_complete_max_ms", None),
    ("search as you type, list reset (ms)", "search_reset_ms", 150),
    ("Securities panel: fill it (ms)", "securities_panel_open_ms", 100),
    ("Securities panel: a filter keystroke (ms)", "securities_filter_keystroke_median_ms", 100),
    ("Securities panel: slowest keystroke (ms)", "securities_filter_keystroke_max_ms", None),
    ("choose a security: list + timeline (ms)", "choose_security_ms", 150),
    ("scroll to the end (ms)", "scroll_to_end_ms", None),
    ("scroll step, median (ms)", "scroll_step_median_ms", 16),
    ("scroll step, worst (ms)", "scroll_step_max_ms", 16),
    ("page step after page step, median (ms)", "page_step_median_ms", 16),
    ("page step after page step, worst (ms)", "page_step_max_ms", 16),
    ("open an article, median (ms)", "open_article_median_ms", 30),
    ("open an article, p95 (ms)", "open_article_p95_ms", None),
    ("resident memory after scrolling (MB)", "rss_after_scrolling_mb", 300),
    ("  of which the process's own (anon, MB)", "rss_anon_after_scrolling_mb", None),
    ("  of which mapped files (MB)", "rss_file_after_scrolling_mb", None),
    ("What moved: choose it to first paint (ms)", "today_first_paint_ms", 150),
    ("What moved: the previous day (ms)", "today_day_step_ms", 150),
]


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory (MB): ``VmRSS`` in all; ``RssAnon`` the process's own heap; ``RssFile``
    pages of mapped files (the library's memory map among them: page cache, shared and
    reclaimable)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def startup(library: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", STARTUP_PROBE, str(library), repr(t0)],
                             capture_output=True, text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        lines = [x for x in out.stdout.split() if x.strip()]
        if out.returncode != 0 or not lines:
            raise RuntimeError(out.stderr[-800:])
        times.append(float(lines[-1]))
    return statistics.median(times)


def measure_window(library: Path) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QAbstractSlider, QApplication

    from reader.core.library import Library
    from reader.ui.app import ReaderApp
    from reader.ui.main_window import MainWindow

    app = QApplication.instance() or ReaderApp([])
    lib = Library.open(library)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "b.ini"), QSettings.Format.IniFormat)
    w = MainWindow(None, settings=settings)
    w.resize(1280, 800)
    w.show()

    def wait_list(action) -> float:
        """Seconds until the new list's first rows are painted; the time until the whole id list
        is in the model is kept in ``complete``."""
        loop = QEventLoop()
        shown: list[float] = []

        def on_shown() -> None:
            if not shown:
                w.table.viewport().repaint()
                shown.append(time.perf_counter() - t0)

        w.listShown.connect(on_shown)
        w.listUpdated.connect(loop.quit)
        t0 = time.perf_counter()
        action()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(60000)
        loop.exec()
        timed_out = not timer.isActive()
        timer.stop()
        if timed_out:  # the action emitted nothing: its figure would be the time-out, not the list
            raise RuntimeError("no listUpdated within 60 s: the figure would measure the time-out")
        app.processEvents()
        w.table.viewport().repaint()
        complete.append(time.perf_counter() - t0)
        w.listUpdated.disconnect(loop.quit)
        w.listShown.disconnect(on_shown)
        return shown[0] if shown else complete[-1]

    complete: list[float] = []
    wait_list(lambda: w.set_library(lib))
    n = w.model.rowCount()
    top = lib.securities(limit=1)
    sec = top[0].secid if top else "1.600519"
    cats = lib.categories()
    filters = {
        "all": "", "unread": "is:unread", "bookmarked": "is:bookmarked",
        "category": f"cat:{cats[0][0]}" if cats else "cat:emnews", "security": f"sec:{sec}",
    }
    resets = {}
    full: dict[str, list[float]] = {}
    for name, q in list(filters.items()) * 3:
        def choose(q: str = q) -> None:
            w.base_query = q
            w.refresh_list()
        resets.setdefault(name, []).append(wait_list(choose))
        full.setdefault(name, []).append(complete[-1])
    def choose_all() -> None:
        w.base_query = ""
        w.refresh_list()

    wait_list(choose_all)
    search = [wait_list(lambda q=q: w.set_search(q)) for q in ("科技", "降准", "贵州茅台", "")]
    reset_med = {k: statistics.median(v) for k, v in resets.items()}

    # the Securities panel: filling it, and typing filters into it (each keystroke re-lists)
    panel = w.securities_panel
    w.left_tabs.setCurrentWidget(panel)
    panel_open = []
    for _ in range(3):  # from asking to the rows painted (they are read off the GUI thread)
        filled = QEventLoop()
        panel.filled.connect(filled.quit)
        t0 = time.perf_counter()
        panel.refresh()
        QTimer.singleShot(60000, filled.quit)
        filled.exec()
        panel.table.viewport().repaint()
        panel_open.append(time.perf_counter() - t0)
        panel.filled.disconnect(filled.quit)
    panel_filter = []
    for text in ("6", "60", "600", "6005", "60051", "600519", "", "贵", "贵州", "", "0.6", "0.60", ""):
        t0 = time.perf_counter()
        panel.filter.setText(text)  # refreshes the panel synchronously
        panel.table.viewport().repaint()
        panel_filter.append(time.perf_counter() - t0)
    securities_listed = lib.stats()["securities"]
    # choosing the most-mentioned security: its list, timeline header and co-mentions; between
    # runs the security filter is cleared (choosing the security shown already changes nothing)
    chosen = []
    for _ in range(3):
        chosen.append(wait_list(lambda: w.show_security(sec)))
        wait_list(w.clear_security_filter)
    w.left_tabs.setCurrentIndex(0)
    w.leave_trending()
    if w.compose_query() or w.model.rowCount() != n or not w.table.isVisible():
        raise RuntimeError(f"scrolling would not measure the whole list: query {w.compose_query()!r}, "
                           f"{w.model.rowCount()} rows of {n}, table visible {w.table.isVisible()}")

    # scrolling: to the end, then 200 jumps spread over the list
    bar = w.table.verticalScrollBar()
    t0 = time.perf_counter()
    w.table.scrollToBottom()
    w.table.viewport().repaint()
    to_end = time.perf_counter() - t0
    steps = []
    for i in range(200):
        t0 = time.perf_counter()
        bar.setValue(int(bar.maximum() * i / 199))
        w.table.viewport().repaint()
        steps.append(time.perf_counter() - t0)
    # page steps one after another, from the middle of the list (a click in the scroll bar's
    # trough, or a wheel turn at a page a notch): the next rows are the ones just below; back to
    # the top, untimed, at the end (a step that moves nothing is not counted)
    bar.setValue(bar.maximum() // 2)
    w.table.viewport().repaint()
    pages = []
    while len(pages) < 100:
        if bar.value() >= bar.maximum():
            bar.setValue(0)
            w.table.viewport().repaint()
        t0 = time.perf_counter()
        bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        w.table.viewport().repaint()
        pages.append(time.perf_counter() - t0)
    sanity = scroll_sanity(app, w)
    # opening articles
    rng = random.Random(1)
    ids = w.model.ids()
    opens = []
    for aid in rng.sample(ids, min(60, len(ids))):
        t0 = time.perf_counter()
        w.open_article(aid)
        w.viewer.viewport().repaint()
        opens.append(time.perf_counter() - t0)
    rss, anon, mapped = rss_mb(), rss_mb("RssAnon"), rss_mb("RssFile")
    today, today_step = what_moved(app, w)
    w.close()
    lib.close()
    return {
        "articles": n,
        "list_reset_ms": {k: round(v * 1000, 1) for k, v in reset_med.items()},
        "list_reset_max_ms": round(max(reset_med.values()) * 1000, 1),
        "list_complete_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in full.items()},
        "list_complete_max_ms": round(max(statistics.median(v) for v in full.values()) * 1000, 1),
        "search_reset_ms": round(statistics.median(search) * 1000, 1),
        "securities": securities_listed,
        "securities_panel_open_ms": round(statistics.median(panel_open) * 1000, 1),
        "securities_filter_keystroke_median_ms": round(statistics.median(panel_filter) * 1000, 1),
        "securities_filter_keystroke_max_ms": round(max(panel_filter) * 1000, 1),
        "choose_security_ms": round(statistics.median(chosen) * 1000, 1),
        "scroll_to_end_ms": round(to_end * 1000, 1),
        "scroll_step_median_ms": round(statistics.median(steps) * 1000, 2),
        "scroll_step_max_ms": round(max(steps) * 1000, 2),
        "scroll_steps_over_16ms": sum(t > 0.016 for t in steps),
        "page_step_median_ms": round(statistics.median(pages) * 1000, 2),
        "page_step_max_ms": round(max(pages) * 1000, 2),
        "scroll_sanity": sanity,
        "open_article_median_ms": round(statistics.median(opens) * 1000, 2),
        "open_article_p95_ms": round(sorted(opens)[max(0, int(len(opens) * 0.95) - 1)] * 1000, 2),
        "rss_after_scrolling_mb": round(rss, 1),
        "rss_anon_after_scrolling_mb": round(anon, 1),
        "rss_file_after_scrolling_mb": round(mapped, 1),
        "today_first_paint_ms": round(statistics.median(today) * 1000, 1),
        "today_day_step_ms": round(statistics.median(today_step) * 1000, 1),
    }


def scroll_sanity(app: Any, w: Any) -> dict[str, Any]:
    """What a scroll step paints, counted on a few untimed steps: the rows in view, the model's
    ``data()`` calls, and the viewport's paint events (a hidden table paints nothing)."""
    from PySide6.QtCore import QEvent, QObject

    calls, paints = [0], [0]
    model = w.model
    plain = model.data

    def counted(index: Any, role: int = 0) -> Any:
        calls[0] += 1
        return plain(index, role)

    class Paints(QObject):
        def eventFilter(self, obj: Any, ev: Any) -> bool:
            if ev.type() == QEvent.Type.Paint:
                paints[0] += 1
            return False

    probe = Paints()
    view = w.table.viewport()
    view.installEventFilter(probe)
    model.data = counted
    bar = w.table.verticalScrollBar()
    rows = []
    try:
        for i in range(10):
            bar.setValue(int(bar.maximum() * (i * 0.1 + 0.03)))
            view.repaint()
            rows.append(w.table.rowAt(view.height() - 1) - w.table.rowAt(0) + 1)
    finally:
        del model.data
        view.removeEventFilter(probe)
    return {"table_visible": w.table.isVisible(), "viewport": [view.width(), view.height()],
            "rows_in_view": statistics.median(rows), "data_calls_per_step": calls[0] / 10,
            "paints_per_step": paints[0] / 10, "list_rows": w.model.rowCount()}


def what_moved(app: Any, w: Any) -> tuple[list[float], list[float]]:
    """The What moved page: from choosing it to its first paint (the newest day: trending
    computed, the page built, laid out and painted), and a step to the previous day (←)."""
    first, step = [], []
    for _ in range(3):
        w.leave_trending()
        app.processEvents()
        t0 = time.perf_counter()
        w.show_trending()
        app.processEvents()  # the new page's layout
        w.trending_view.repaint()
        first.append(time.perf_counter() - t0)
    for _ in range(5):
        t0 = time.perf_counter()
        w.trending_view.previous_day()
        app.processEvents()
        w.trending_view.repaint()
        step.append(time.perf_counter() - t0)
    w.leave_trending()
    return first, step


def sample_library(workdir: Path) -> Path:
    from reader.core.library import Library

    folder = workdir / "baseline-library"
    with Library.open(folder) as lib:
        if lib.stats()["articles"] == 0:
            lib.import_paths([str(ROOT / "resources" / "sample" / "_posts")], workers=1)
    return folder


def run_child(args: list[str]) -> dict[str, Any]:
    """Each window measurement in a fresh process, so memory figures are its own."""
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                         timeout=3600, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1500:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--library", type=Path, required=True, help="the large library to measure")
    ap.add_argument("--baseline", type=Path, default=None, help="a small library (default: the sample archive)")
    ap.add_argument("--startup-runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure_window(args.library)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    base = args.baseline or sample_library(work)
    results: dict[str, Any] = {}
    for label, lib in (("baseline", base), ("large", args.library)):
        r = run_child(["--library", str(lib)])
        r["startup_to_first_paint_s"] = round(startup(lib, args.startup_runs), 3)
        results[label] = r
    b, g = results["baseline"], results["large"]
    print(f"window: {g['articles']:,} articles vs baseline {b['articles']:,} (same process code, same run)")
    print(f"{'figure':<42}{'large':>12}{'baseline':>12}{'ratio':>9}{'target':>9}")
    for label, key, target in ROWS:
        ratio = g[key] / b[key] if b[key] else float("nan")
        print(f"{label:<42}{g[key]:>12}{b[key]:>12}{ratio:>9.2f}{(str(target) if target else '-'):>9}")
    for label, r in (("large", g), ("baseline", b)):
        print(f"scroll sanity, {label}:", json.dumps(r["scroll_sanity"]), "steps over 16 ms:",
              r["scroll_steps_over_16ms"], "of 200")
    print("per filter, shown (ms):", json.dumps(g["list_reset_ms"], ensure_ascii=False))
    print("per filter, complete (ms):", json.dumps(g["list_complete_ms"], ensure_ascii=False))
    out = args.out or work / "bench_gui.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
