"""The command line as other tools use it: ``python -m reader --library DIR ... --json``.

The JSON keys are a public contract; these tests check them exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from library_helpers import KEY_MAOTAI, KEY_PBOC, ROOT, file_of, make_archive

PARSE_KEYS = {"path", "key", "title", "published", "categories", "tags", "source", "url", "summary",
              "securities", "html", "text", "warnings", "error"}
SHOW_KEYS = PARSE_KEYS | {"bookmarked", "read", "user_tags", "keys", "paths", "urls"}
LIST_KEYS = {"key", "title", "published", "securities", "tags", "bookmarked", "read"}
SEARCH_KEYS = {"key", "title", "published", "snippet"}
STATS_KEYS = {"articles", "securities", "bookmarked", "tagged", "unread", "sources", "categories"}
IMPORT_KEYS = {"added", "updated", "unchanged", "failed", "failures"}
SECURITY_KEYS = {"secid", "symbol", "exchange", "name", "names", "articles", "first_seen", "last_seen"}

AMBIGUOUS_POST = """---
layout: post
title: "两市指数与平安银行午后走强"
date: 2022-06-02 13:05:00 +0800
categories: emnews
tags: 东财滚动新闻
---
<p><span id="stock_1.000001"><a href="http://quote.eastmoney.com/unify/r/1.000001" class="keytip" \
data-code="1,000001">上证指数</a></span>午后翻红，<span id="stock_0.000001"><a \
href="http://quote.eastmoney.com/unify/r/0.000001" class="keytip" data-code="0,000001">平安银行</a></span>涨超3%。</p>
"""


def run(*args: str | Path, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "reader", *map(str, args)], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def js(*args: str | Path, **kw: Any) -> Any:
    return json.loads(run(*args, **kw).stdout)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
    """(library folder, archive, the import's JSON)."""
    base = tmp_path_factory.mktemp("cli")
    archive = make_archive(base / "archive", corpus_dir)
    (archive / "_posts" / "2022-06-02-202206021234567890.md").write_text(AMBIGUOUS_POST, encoding="utf-8")
    (archive / "_posts" / "2022-06-03-202206031234567890.md").write_bytes(b"\x00\xff\x00\xfe" * 3000)
    lib = base / "lib"
    report = js("--library", lib, "import", archive, "--json")
    yield lib, archive, report


def test_import_json(cli: tuple[Path, Path, dict[str, Any]]) -> None:
    lib, archive, report = cli
    assert set(report) >= IMPORT_KEYS
    assert report["failed"] == 1 and report["added"] > 0
    assert [set(f) for f in report["failures"]] == [{"path", "error"}]
    assert report["failures"][0]["path"].endswith("2022-06-03-202206031234567890.md")
    assert "binary" in report["failures"][0]["error"]
    again = js("--library", lib, "import", archive, "--json")
    assert (again["added"], again["updated"], again["failed"]) == (0, 0, 1)
    assert again["unchanged"] == report["added"] + report["updated"] + report["unchanged"] + report["duplicates"]


def test_search_json(cli: tuple[Path, Path, dict[str, Any]]) -> None:
    lib = cli[0]
    hits = js("--library", lib, "search", "央行", "--json")
    assert hits and all(set(h) == SEARCH_KEYS for h in hits)
    assert [h["published"] for h in hits] == sorted((h["published"] for h in hits), reverse=True)
    assert len(js("--library", lib, "search", "央行", "--limit", "1", "--json")) == 1
    assert js("--library", lib, "search", "央行", "降准", "--json") == js("--library", lib, "search", "央行 降准", "--json")
    bad = run("--library", lib, "search", "is:nonsense", check=False)
    assert bad.returncode == 2 and "is:nonsense" in bad.stderr


def test_list_json_and_security_references(cli: tuple[Path, Path, dict[str, Any]]) -> None:
    lib = cli[0]
    items = js("--library", lib, "list", "--json", "--limit", "5")
    assert len(items) == 5 and all(set(i) == LIST_KEYS for i in items)
    by_secid = js("--library", lib, "list", "--security", "1.600519", "--json")
    assert KEY_MAOTAI in [i["key"] for i in by_secid]
    assert all("1.600519" in i["securities"] for i in by_secid)
    for ref in ("600519.SH", "600519", "1,600519"):
        assert js("--library", lib, "list", "--security", ref, "--json") == by_secid, ref
    # a bare code two markets share is refused; the secid or symbol picks one
    amb = run("--library", lib, "list", "--security", "000001", "--json", check=False)
    assert amb.returncode == 3 and "ambiguous" in amb.stderr and "0.000001" in amb.stderr
    sz = js("--library", lib, "list", "--security", "000001.SZ", "--json")
    sh = js("--library", lib, "list", "--security", "1.000001", "--json")
    assert [i["key"] for i in sz] == [i["key"] for i in sh] == ["202206021234567890"]
    unknown = run("--library", lib, "list", "--security", "9.999999", check=False)
    assert unknown.returncode == 3


def test_show_json_has_the_parse_keys_plus_reader_data(cli: tuple[Path, Path, dict[str, Any]]) -> None:
    lib, archive, _ = cli
    shown = js("--library", lib, "show", KEY_PBOC, "--json")
    assert set(shown) == SHOW_KEYS
    parsed = js("parse", file_of(archive, KEY_PBOC), "--json")[0]
    assert set(parsed) == PARSE_KEYS
    for k in PARSE_KEYS - {"path", "categories", "tags"}:
        assert shown[k] == parsed[k], k
    # the story's copies are one article: the categories and tags of them all, the richest first
    copies = js("parse", *shown["paths"], "--json")
    assert shown["keys"] == [c["key"] for c in copies] and parsed["key"] in shown["keys"]
    for k in ("categories", "tags"):
        assert shown[k] == list(dict.fromkeys(x for c in copies for x in c[k])), k
    assert shown["url"] == shown["urls"][0] and set(shown["urls"]) == {c["url"] for c in copies if c["url"]}
    assert shown["error"] is None
    missing = run("--library", lib, "show", "NOSUCHKEY", check=False)
    assert missing.returncode == 3 and "NOSUCHKEY" in missing.stderr


def test_user_operations_and_round_trip(cli: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    lib, archive, _ = cli
    run("--library", lib, "bookmark", KEY_MAOTAI)
    run("--library", lib, "tag", KEY_MAOTAI, "关注", "to read")
    run("--library", lib, "mark-read", KEY_MAOTAI)
    run("--library", lib, "bookmark", KEY_PBOC)
    shown = js("--library", lib, "show", KEY_MAOTAI, "--json")
    assert shown["bookmarked"] and shown["read"] and shown["user_tags"] == ["to read", "关注"]
    assert {i["key"] for i in js("--library", lib, "list", "--bookmarked", "--json")} == {KEY_MAOTAI, KEY_PBOC}
    assert [i["key"] for i in js("--library", lib, "list", "--tag", "to read", "--json")] == [KEY_MAOTAI]
    assert KEY_MAOTAI not in {i["key"] for i in js("--library", lib, "list", "--unread", "--json", "--limit", "1000")}
    stats = js("--library", lib, "stats", "--json")
    assert set(stats) == STATS_KEYS and stats["bookmarked"] == 2 and stats["tagged"] == 1

    out = tmp_path / "user.json"
    run("--library", lib, "export-user-data", out)
    other = tmp_path / "other"
    run("--library", other, "import", archive, "--json")
    run("--library", other, "import-user-data", out)
    assert js("--library", other, "show", KEY_MAOTAI, "--json")["user_tags"] == ["to read", "关注"]
    assert js("--library", other, "stats", "--json") == stats

    run("--library", lib, "untag", KEY_MAOTAI, "关注")
    run("--library", lib, "mark-read", KEY_MAOTAI, "--unread")
    run("--library", lib, "bookmark", KEY_PBOC, "--off")
    shown = js("--library", lib, "show", KEY_MAOTAI, "--json")
    assert shown["user_tags"] == ["to read"] and not shown["read"]
    assert [i["key"] for i in js("--library", lib, "list", "--bookmarked", "--json")] == [KEY_MAOTAI]
    assert run("--library", lib, "bookmark", "NOSUCHKEY", check=False).returncode == 3


def test_securities_and_watchlist(cli: tuple[Path, Path, dict[str, Any]]) -> None:
    lib = cli[0]
    secs = js("--library", lib, "securities", "--json")
    assert secs and all(set(s) == SECURITY_KEYS for s in secs)
    counts = [s["articles"] for s in secs]
    assert counts == sorted(counts, reverse=True)
    maotai = next(s for s in secs if s["secid"] == "1.600519")
    assert maotai["symbol"] == "600519.SH" and maotai["name"] == "贵州茅台" and maotai["exchange"] == "Shanghai"
    assert len(js("--library", lib, "securities", "--limit", "2", "--json")) == 2
    run("--library", lib, "watch", "1.600519", "300750.SZ")
    watched = js("--library", lib, "watchlist", "--json")
    assert [w["secid"] for w in watched] == ["1.600519", "0.300750"]
    assert all(set(w) == SECURITY_KEYS for w in watched)
    assert run("--library", lib, "watch", "000001", check=False).returncode == 3  # ambiguous
    run("--library", lib, "unwatch", "1.600519")
    assert [w["secid"] for w in js("--library", lib, "watchlist", "--json")] == ["0.300750"]


def test_library_from_the_environment(cli: tuple[Path, Path, dict[str, Any]]) -> None:
    lib = cli[0]
    assert js("stats", "--json", env={"FINEWS_READER_LIBRARY": str(lib)}) == js("--library", lib, "stats", "--json")


def test_unusable_library_is_reported_and_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    db = folder / "library.sqlite3"
    db.write_bytes(b"garbage" * 1000)
    proc = run("--library", folder, "stats", "--json", check=False)
    assert proc.returncode == 1 and "library" in proc.stderr and proc.stdout == ""
    assert db.read_bytes() == b"garbage" * 1000 and sorted(p.name for p in folder.iterdir()) == [db.name]
