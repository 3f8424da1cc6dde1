"""Kill the importer (SIGKILL) at random points, again and again: nothing is lost or half-stored.

The quick variant runs in the default suite; ``pytest -m slow tests/reliability`` runs the long
one (``KILL_LOOP_ROUNDS`` rounds, 60 by default).
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.textindex import index_columns

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("archive_gen", ROOT / "tests" / "benchmarks" / "archive_gen.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["archive_gen"] = mod
    spec.loader.exec_module(mod)
    return mod


def snapshot(folder: Path) -> dict[str, tuple]:
    """Everything an import decides, per story key (not the reader's data)."""
    db = sqlite3.connect(folder / "library.sqlite3")
    out = {}
    for key, h, title, pub, cats, tags in db.execute(
        "SELECT key, content_hash, title, published, categories, tags FROM article"
    ):
        secs = tuple(r[0] for r in db.execute(
            "SELECT s.secid FROM article_security x JOIN security s ON s.id = x.security_id "
            "JOIN article a ON a.id = x.article_id WHERE a.key = ? ORDER BY x.position", (key,)))
        out[key] = (h, title, pub, cats, tags, secs)
    db.close()
    return out


def reader_data(folder: Path) -> dict[str, tuple]:
    db = sqlite3.connect(folder / "library.sqlite3")
    out = {}
    for key, bm, rd in db.execute("SELECT key, bookmarked, read FROM article WHERE bookmarked = 1 OR read = 1"):
        out[key] = (bm, rd, ())
    for key, tag in db.execute(
        "SELECT a.key, t.name FROM article_user_tag x JOIN article a ON a.id = x.article_id "
        "JOIN user_tag t ON t.id = x.tag_id ORDER BY t.name"
    ):
        bm, rd, tags = out.get(key, (0, 0, ()))
        out[key] = (bm, rd, (*tags, tag))
    db.close()
    return out


def check_consistent(folder: Path) -> None:
    """Opens; integrity and FTS checks pass; every article wholly stored and indexed."""
    with Library.open(folder) as lib:
        assert lib._one("PRAGMA integrity_check") == "ok"
        lib._sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
        n = lib._one("SELECT count(*) FROM article")
        for sort_key, title, text, cats in lib._sql(
            "SELECT sort_key, title, text, categories FROM article ORDER BY random() LIMIT 40"
        ).fetchall():
            # the article's own index row is there: its rarest bigram phrase finds it
            from reader.core.store import decompress

            _uni, bi = index_columns(title, decompress(text))
            assert bi or not title
            assert cats == "" or lib._one(
                "SELECT count(*) FROM label WHERE kind = 'c' AND article_id = "
                "(SELECT id FROM article WHERE sort_key = ?)", (sort_key,)) >= 1
        assert lib._one("SELECT count(*) FROM article_fts_docsize") == n, "one index row per article"


def run_kill_loop(tmp_path: Path, rounds: int, posts: int, seed: int) -> int:
    gen = _generator()
    archive = tmp_path / "archive"
    gen.generate(archive, posts, seed=seed)
    ref = tmp_path / "ref"
    with Library.open(ref) as lib:
        lib.import_paths([archive], workers=2)
    expected = snapshot(ref)

    lib_dir = tmp_path / "lib"
    first = sorted((archive / "_posts").glob("*.md"))[: posts // 5]
    with Library.open(lib_dir) as lib:
        lib.import_paths([str(p) for p in first], workers=1)
        ids = lib.query_ids("")[:12]
        lib.set_bookmarked(ids[:6])
        lib.add_tags(ids[3:9], ["关注", "kill-test"])
        lib.set_read(ids[::2])
        lib.watch(["1.600519"])
    user_before = reader_data(lib_dir)

    rng = random.Random(seed)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    kills = 0
    for _ in range(rounds):
        proc = subprocess.Popen(
            [sys.executable, "-m", "reader", "--library", str(lib_dir), "import", str(archive), "--json",
             "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
        )
        time.sleep(rng.uniform(0.05, 1.2))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        check_consistent(lib_dir)
        assert reader_data(lib_dir) == user_before, "the reader's data is intact after every kill"
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(lib_dir), "import", str(archive), "--json"],
        capture_output=True, env=env, timeout=600,
    )
    assert done.returncode == 0, done.stderr.decode()
    check_consistent(lib_dir)
    assert snapshot(lib_dir) == expected, "the finished import equals an uninterrupted one"
    assert reader_data(lib_dir) == user_before
    with Library.open(lib_dir) as lib:
        assert lib.watchlist() == ["1.600519"]
    return kills


def test_kill_loop_quick(tmp_path: Path) -> None:
    kills = run_kill_loop(tmp_path, rounds=4, posts=400, seed=7)
    assert kills >= 1


@pytest.mark.slow
def test_kill_loop_long(tmp_path: Path) -> None:
    rounds = int(os.environ.get("KILL_LOOP_ROUNDS", "60"))
    kills = run_kill_loop(tmp_path, rounds=rounds, posts=3000, seed=11)
    print(f"kill points tried: {kills} of {rounds} rounds")
    assert kills >= rounds // 2
