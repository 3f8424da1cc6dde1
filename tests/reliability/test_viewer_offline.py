"""The viewer never opens a network connection and never reads a file an article names.

A subprocess imports a hostile archive and shows every stored article, and every raw hostile
body, in ``ArticleViewer`` (offscreen, layout and painting forced).  The posts point at canary
files (``file:///…/canary-N.png``, ``canary-rel.png`` beside the posts, ``<base href>``) and at
``http://127.0.0.1:PORT/…`` where the test listens.  The subprocess runs under
``strace -f -e trace=connect,open,openat,openat2``; the log must show no ``connect()`` to an
``AF_INET``/``AF_INET6`` address and no open of a canary, and the listening socket must have
accepted nothing.  Without a usable strace the probe falls back to ``sys.addaudithook``
(``socket.connect`` and ``open`` events; Qt's own C++ file reads are then not seen); set
``RELIABILITY_NO_STRACE=1`` to force the fallback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_hostile import HELPER, build_hostile_archive, subprocess_env

_OPEN_RE = re.compile(r'\bopen(?:at2?)?\((?:[^,"]+, )?"((?:[^"\\]|\\.)*)"')
_CONNECT_RE = re.compile(r"\bconnect\(\d+, \{sa_family=(AF_\w+)")


def strace_usable() -> bool:
    if os.environ.get("RELIABILITY_NO_STRACE"):  # to exercise the fallback
        return False
    exe = shutil.which("strace")
    if not exe:
        return False
    try:
        return subprocess.run([exe, "-f", "-o", os.devnull, "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _unescape(s: str) -> str:
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")


def test_viewer_opens_no_connection_and_reads_no_named_file(tmp_path: Path, canary_server, hostile_import) -> None:  # type: ignore[no-untyped-def]
    arch = build_hostile_archive(tmp_path / "archive", tmp_path / "canaries", canary_server.port,
                                 deep=False, big=False)
    out = tmp_path / "probe.json"
    marker = str(tmp_path / "render-phase-starts")
    cmd = [sys.executable, str(HELPER), "viewer-probe", str(arch.root), str(tmp_path / "lib"), str(out),
           "--marker", marker, "--also-library", str(hostile_import.library)]
    use_strace = strace_usable()
    log = tmp_path / "strace.log"
    if use_strace:
        cmd = ["strace", "-f", "-qq", "-s", "4096", "-e", "trace=connect,open,openat,openat2", "-o", str(log), *cmd]
    else:
        cmd.append("--audit")
    accepted_before = list(canary_server.accepted)
    proc = subprocess.run(cmd, capture_output=True, env=subprocess_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    time.sleep(0.3)  # let the canary server note a late connection
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["shown"] >= 2 * 100 and result["raw_shown"] >= 100
    assert result["refused"] > 0, "the raw hostile markup asked for resources and the viewer refused them"

    watched = [str(arch.root), str(arch.canary_dir), str(hostile_import.library.parent)]
    forbidden_after_marker = ("/dev/zero", "/dev/urandom", "/etc/passwd", "/etc/hosts", "/etc/resolv.conf",
                              "/etc/nsswitch.conf", "/etc/gai.conf")
    connects: list[str] = []
    canary_opens: list[str] = []
    late_opens: list[str] = []
    if use_strace:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        after = False
        for line in lines:
            m = _CONNECT_RE.search(line)
            if m and m.group(1) in ("AF_INET", "AF_INET6"):
                connects.append(line)
            m = _OPEN_RE.search(line)
            if not m:
                continue
            path = _unescape(m.group(1))
            if path == marker:
                after = True
                continue
            if "canary-" in path:
                canary_opens.append(line)
            if after and (path.startswith(tuple(watched)) or path in forbidden_after_marker):
                late_opens.append(line)
        assert any(marker in line for line in lines), "the marker shows in the log"
        mode = f"strace ({len(lines)} syscalls logged)"
    else:
        after = False
        for ev in result["events"]:
            if ev == "MARKER":
                after = True
            elif ev.startswith(("connect AF_INET", "connect ?")):
                connects.append(ev)
            elif ev.startswith("open "):
                path = ev[5:]
                if "canary-" in path:
                    canary_opens.append(ev)
                if after and (path.startswith(tuple(watched)) or path in forbidden_after_marker):
                    late_opens.append(ev)
        mode = "audit hooks (strace unavailable)"
    print(f"viewer probe checked with {mode}: {result['articles']} articles shown twice, "
          f"{result['raw_shown']} raw bodies, {result['refused']} resource requests refused")
    assert not connects, connects[:5]
    assert not canary_opens, canary_opens[:5]
    assert not late_opens, late_opens[:5]
    assert canary_server.accepted == accepted_before, canary_server.accepted


# --- rendering cost -------------------------------------------------------------------------------

_RENDER = """
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from reader.core.post import parse_bytes
from reader.ui.viewer import ArticleViewer
app = QApplication([])
viewer = ArticleViewer()
viewer.resize(900, 700)
front = "---\\ntitle: t\\ndate: 2022-05-26 10:00:00 +0800\\n---\\n"
html = parse_bytes((front + sys.stdin.read()).encode(), Path("x.md")).html
start = time.perf_counter()
viewer.setHtml(html)
viewer.document().adjustSize()
viewer.grab()
print(round(time.perf_counter() - start, 3))
"""


@pytest.mark.parametrize("body", [
    "<table><tr><td>" * 24 + "x",
    "<table>" + "<tr><td colspan=100000>x</td></tr>" * 300 + "</table>",
], ids=["nested-tables", "huge-colspan"])
def test_a_stored_article_renders_in_bounded_time(body: str) -> None:
    try:
        proc = subprocess.run([sys.executable, "-c", _RENDER], input=body.encode(), capture_output=True,
                              env=subprocess_env(), timeout=4)
    except subprocess.TimeoutExpired:
        pytest.fail("rendering one stored article took more than 4 s")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert float(proc.stdout) < 2.0
