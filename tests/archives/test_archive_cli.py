"""``finews-reader archive …`` as scripts use it: JSON keys exactly, errors on stderr with a
non-zero exit, credentials never printed nor stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from git_server import Served, git, refused_port

ROOT = Path(__file__).resolve().parents[2]
ADD_KEYS = {"name", "url", "path", "commit", "added", "updated", "unchanged", "failed", "failures"}
LIST_KEYS = {"name", "url", "path", "commit", "updated_at", "articles"}


def run(lib: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "reader", "--library", str(lib), "archive", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def js(lib: Path, *args: str) -> Any:
    proc = run(lib, *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_add_update_list_remove(served: Served, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    url = served.http.url("finews", userinfo="me:s3cret@")
    added = js(lib, "add", url, "--name", "fin", "--json")
    assert set(added) == ADD_KEYS
    assert (added["name"], added["url"], added["added"]) == ("fin", served.http.url("finews"), 16)
    assert added["commit"] == served.repo.tip()

    first = served.repo.tip()
    served.repo.day(3, new=3, rewrite=1, move=1)
    [updated] = js(lib, "update", "--json")
    assert set(updated) == ADD_KEYS | {"previous_commit"}
    assert (updated["previous_commit"], updated["commit"]) == (first, served.repo.tip())
    assert (updated["added"], updated["updated"]) == (3, 1)

    js(lib, "add", served.url("git"), "--json")
    listed = js(lib, "list", "--json")
    assert [set(a) for a in listed] == [LIST_KEYS, LIST_KEYS]
    assert [(a["name"], a["articles"]) for a in listed] == [("fin", 19), ("finews", 19)]
    assert all(isinstance(a["updated_at"], int) for a in listed)
    assert [u["name"] for u in js(lib, "update", "finews", "--json")] == ["finews"]

    assert run(lib, "remove", "fin").returncode == 0
    assert [a["name"] for a in js(lib, "list", "--json")] == ["finews"]
    everything = "".join(p.read_text("latin-1") for p in lib.rglob("*") if p.is_file()
                         and p.stat().st_size < 50_000_000)
    assert "s3cret" not in everything


def test_errors_are_one_sentence_on_stderr(served: Served, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    with refused_port() as port:
        proc = run(lib, "add", f"http://me:s3cret@127.0.0.1:{port}/finews", "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("finews-reader: Cannot reach 127.0.0.1: you may be offline")
    assert proc.stderr.count("\n") == 1 and "s3cret" not in proc.stderr
    proc = run(lib, "update", "nosuch", "--json")
    assert proc.returncode == 1 and proc.stderr == "finews-reader: There is no archive named nosuch.\n"
    assert json.loads(proc.stdout) == []
    proc = run(lib, "remove", "nosuch")
    assert proc.returncode == 1 and "no archive named nosuch" in proc.stderr


def test_killed_mid_update_the_next_update_finishes(served: Served, tmp_path: Path) -> None:
    """kill -9 while the update writes and imports; the next update reaches the tip."""
    lib = tmp_path / "lib"
    added = js(lib, "add", served.url("git"), "--json")
    first = added["commit"]
    served.repo.day(3, new=300, rewrite=4, move=4)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "reader", "--library", str(lib), "archive",
                             "update", "--json"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    posts = Path(added["path"]) / "posts" / "_posts"
    try:
        for _ in range(2400):  # bounded: two minutes of 50 ms waits on the process itself
            if len(list(posts.glob("2022-05-03-*"))) >= 50:
                break
            try:
                proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
    finally:
        proc.kill()
        proc.wait(timeout=60)
    [listed] = js(lib, "list", "--json")
    assert listed["commit"] in (first, served.repo.tip())  # never a commit half-imported
    [done] = js(lib, "update", "--json")
    assert done["commit"] == served.repo.tip() and done["failed"] == 0
    [after] = js(lib, "list", "--json")
    assert after["articles"] == 16 + 300


def test_a_server_without_filters_adds_quietly(served: Served, tmp_path: Path) -> None:
    git(served.repo.path, "config", "uploadpack.allowFilter", "false")
    proc = run(tmp_path / "lib", "add", served.url("git"), "--json")
    assert proc.returncode == 0 and proc.stderr == ""
    assert json.loads(proc.stdout)["added"] == 16
