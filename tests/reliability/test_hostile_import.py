"""A hostile archive through the whole path: scan -> parse (worker processes) -> clean -> store.

Every hostile file is either imported or reported with a specific reason, nothing it says is
executed, and every stored article is inert when re-parsed independently (see
``reliability_hostile.inert_problems``).  The archive is built by the test in a temporary folder
(``conftest.hostile_archive``); its import runs in a subprocess (``conftest.hostile_import``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_hostile import (
    FRONT,
    HELPER,
    HostileArchive,
    ImportResult,
    build_hostile_archive,
    inert_problems,
    subprocess_env,
)

from reader.core.library import Library

MAX_RSS_GROWTH_MB = 600


def _outcomes(arch: HostileArchive, result: ImportResult) -> dict[str, tuple[str, str]]:
    """path -> ("imported", key) or ("failed", reason), from the library's own file table."""
    out: dict[str, tuple[str, str]] = {}
    for path, key, error in result.data["source_files"]:
        out[path] = ("failed", error) if error else ("imported", key)
    for f in result.data["report"]["failures"]:
        out.setdefault(f["path"], ("failed", f["error"]))
    return out


def _abs(arch: HostileArchive, rel: str) -> str:
    # the importer resolves the folder it is given, then walks it without following links
    return os.path.join(os.path.realpath(arch.root), rel)


def test_every_hostile_file_is_imported_or_reported(hostile_archive: HostileArchive,
                                                    hostile_import: ImportResult) -> None:
    arch, result = hostile_archive, hostile_import
    report = result.data["report"]
    assert result.data["workers"] == 2, "the import ran in worker processes"
    assert not report["cancelled"]
    outcomes = _outcomes(arch, result)
    wrong = []
    for case in arch.cases:
        got = outcomes.get(_abs(arch, case.rel))
        if case.expect == "skipped":
            if got is not None:
                wrong.append((case.rel, case.kind, "expected to be skipped", got))
            continue
        if got is None:
            wrong.append((case.rel, case.kind, "neither imported nor reported", None))
        elif case.expect in ("imported", "failed") and got[0] != case.expect:
            wrong.append((case.rel, case.kind, f"expected {case.expect}", got))
        elif got[0] == "failed" and case.reason and case.reason not in got[1].lower():
            wrong.append((case.rel, case.kind, f"reason should say {case.reason!r}", got))
    assert not wrong, "\n".join(map(repr, wrong))
    known = {_abs(arch, c.rel) for c in arch.cases}
    assert set(outcomes) <= known, f"files the test did not write: {set(outcomes) - known}"
    for path, (what, why) in outcomes.items():
        if what == "failed":
            # a specific reason, not the catch-all for a parser bug
            assert why and not why.startswith(("could not parse", "unknown error")), (path, why)
    assert report["failed"] == sum(1 for c in arch.cases if c.expect == "failed")
    print(f"hostile files: {len(arch.cases)}; imported {report['added']}, reported {report['failed']}, "
          f"skipped {sum(1 for c in arch.cases if c.expect == 'skipped')}")


def test_nothing_in_the_front_matter_ran(hostile_archive: HostileArchive, hostile_import: ImportResult) -> None:
    assert hostile_archive.pwned is not None and not hostile_archive.pwned.exists()
    assert not (hostile_archive.root / "x").exists()  # "$(touch x)" in a file name


def test_every_stored_article_is_inert(hostile_archive: HostileArchive, hostile_import: ImportResult) -> None:
    with Library.open(hostile_import.library) as lib:
        ids = lib.query_ids("")
        assert len(ids) == hostile_import.data["report"]["added"]
        bad = {}
        for aid in ids:
            a = lib.article(aid)
            assert a is not None
            problems = inert_problems(a.html)
            if a.url and not re.match(r"https?://[^/\\\s?#@]", a.url):
                problems.append(f"original-article url {a.url!r}")
            for s in a.securities:
                if not re.fullmatch(r"\d{1,3}\.[A-Za-z0-9_\-.]{1,24}", s.secid):
                    problems.append(f"secid {s.secid!r}")
            if problems:
                bad[a.path] = problems[:5]
        assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
        # the words of the deep posts are kept, as plain text
        for key in ("deep-divs", "deep-quotes"):
            a = lib.article(key)
            assert a is not None and "深处的文字" in a.text, key
            assert any("nested too deeply" in w for w in a.warnings)
        assert lib._one("PRAGMA integrity_check") == "ok"


def test_import_memory_stays_bounded(tmp_path: Path, canary_server) -> None:  # type: ignore[no-untyped-def]
    """The hostile archive (with the 100 MB post, the 31 MB one and the YAML bombs, without the
    slow deep-nesting posts) imported in-process: the importing process's peak RSS grows by
    less than MAX_RSS_GROWTH_MB."""
    arch = build_hostile_archive(tmp_path / "archive", tmp_path / "canaries", canary_server.port, deep=False)
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, str(HELPER), "import", str(arch.root), str(tmp_path / "lib"), str(out), "--workers", "1"],
        capture_output=True, env=subprocess_env(), timeout=240,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    growth = data["rss_after_mb"] - data["rss_before_mb"]
    print(f"peak RSS growth importing the hostile archive in-process: {growth:.0f} MB")
    assert growth < MAX_RSS_GROWTH_MB
    failures = {Path(f["path"]).name: f["error"] for f in data["report"]["failures"]}
    assert "too large" in failures["big-100mb.md"]


def _dense_post(path: Path, size: int) -> None:
    para = ("央行宣布降准0.25个百分点，释放长期资金约5300亿元。" * 20 + "\n\n").encode()
    with path.open("wb") as fh:
        fh.write(FRONT.format(title="dense", mm=0).encode())
        fh.write(para * ((size - 200) // len(para)))


@pytest.mark.parametrize("megabytes", [8, pytest.param(31, marks=pytest.mark.slow)])
def test_a_dense_post_stays_within_memory(tmp_path: Path, megabytes: int) -> None:
    """A post of real text (no sparse tricks).  The quick run uses 8 MB and scales the bound
    (600 MB for a post at the 32 MB limit); ``-m slow`` uses 31 MB, just under the limit."""
    archive = tmp_path / "archive"
    archive.mkdir()
    _dense_post(archive / "2022-05-26-dense.md", megabytes * 1024 * 1024)
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, str(HELPER), "import", str(archive), str(tmp_path / "lib"), str(out), "--workers", "1"],
        capture_output=True, env=subprocess_env(), timeout=240,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    growth = data["rss_after_mb"] - data["rss_before_mb"]
    print(f"peak RSS growth for a {megabytes} MB post: {growth:.0f} MB ({data['rss_before_mb']:.0f} -> {data['rss_after_mb']:.0f})")
    failures = data["report"]["failures"]
    assert data["report"]["added"] == 1 or "too large" in failures[0]["error"]
    assert growth < MAX_RSS_GROWTH_MB * megabytes / 32


# --- hostile front matter that takes a process down or never ends ----------------------------------


_CLI_WITH_MEMORY_LIMIT = """
import resource, sys
import reader.cli, reader.core.library
# enough for the parser and SQLite; far less than an expanded alias bomb
vm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmSize"))
limit = vm * 1024 + int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.exit(reader.cli.main(sys.argv[2:]))
"""


def _cli_import(folder: Path, lib: Path, timeout: float, memory_mb: int = 0) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    args = ["--library", str(lib), "import", str(folder), "--json"]
    cmd = ([sys.executable, "-c", _CLI_WITH_MEMORY_LIMIT, str(memory_mb), *args] if memory_mb
           else [sys.executable, "-m", "reader", *args])
    return subprocess.run(cmd, capture_output=True, env=subprocess_env(), timeout=timeout)


def test_deeply_nested_yaml_flow_collections_do_not_crash_the_import(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "2022-05-26-deep-yaml.md").write_text(
        "---\ntitle: " + "[" * 30_000 + "]" * 30_000 + "\n---\n正文\n", encoding="utf-8")
    (folder / "2022-05-26-plain.md").write_text(FRONT.format(title="plain", mm=1) + "正文\n", encoding="utf-8")
    proc = _cli_import(folder, tmp_path / "lib", timeout=60)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr.decode()[-500:]}"
    report = json.loads(proc.stdout)
    assert report["added"] + report["failed"] == 2


def test_an_alias_bomb_in_the_date_is_not_expanded(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcde":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 120) + "]")
        prev = name
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "2022-05-26-bomb.md").write_text(
        "---\ntitle: bomb\n" + "\n".join(lines) + "\ndate: *e\n---\n正文\n", encoding="utf-8")
    proc = _cli_import(folder, tmp_path / "lib", timeout=60, memory_mb=400)
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    report = json.loads(proc.stdout)
    assert report["failures"] == [] and report["added"] == 1, report


@pytest.mark.parametrize("date", ["0001-01-01", "0001-01-01 00:00:00 +1400", "9999-12-31 23:59:59 -1200",
                                  "9999-12-31T23:59:59-12:00"])
def test_dates_at_the_ends_of_the_calendar_do_not_break_the_library(tmp_path: Path, date: str) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "2022-05-26-edge.md").write_text(f"---\ntitle: edge\ndate: {date}\n---\n正文\n", encoding="utf-8")
    with Library.open(tmp_path / "lib") as lib:
        report = lib.import_paths([folder], workers=1)
        assert report.added + report.failed == 1
        for aid in lib.query_ids(""):
            row = lib.rows([aid])[aid]
            assert isinstance(row.published, dt.datetime)
            detail = lib.article(aid)
            assert detail is not None and detail.published.year >= 1


def test_the_command_line_imports_awkward_file_names(hostile_archive: HostileArchive, tmp_path: Path) -> None:
    """Leading dashes, spaces, quotes, shell syntax and non-ASCII, given relative after ``--``."""
    names = [c.rel for c in hostile_archive.cases if c.kind.startswith("file name")]
    assert any(n.startswith("-") for n in names) and any(" " in n for n in names)
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(tmp_path / "lib"), "import", "--json", "--", *names],
        capture_output=True, env=subprocess_env(), timeout=120, cwd=hostile_archive.root,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    report = json.loads(proc.stdout)
    assert report["added"] == len(names) and report["failed"] == 0, report
    assert not (hostile_archive.root / "x").exists()


@pytest.mark.slow
def test_parsing_time_grows_linearly_with_nesting(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "2022-05-26-deep.md").write_text(
        FRONT.format(title="deep", mm=0) + "<div>" * 400_000 + "深处" + "</div>" * 400_000, encoding="utf-8")
    try:
        proc = _cli_import(folder, tmp_path / "lib", timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("a 4 MB post of nested <div> took more than 20 s to import")
    assert proc.returncode == 0 and json.loads(proc.stdout)["added"] == 1


def test_the_original_article_url_is_kept_only_when_absolute_http(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    urls = ["javascript:alert(1)", '"http:javascript:alert(1)"', "httpx://evil.invalid/", '"https:/x"',
            '"http:\\\\\\\\evil.invalid"', '"http://ok.example/a"']
    for i, u in enumerate(urls):
        (folder / f"2022-05-26-url{i}.md").write_text(f"---\ntitle: u{i}\ndate: 2022-05-26\nurl: {u}\n---\n正文\n",
                                                     encoding="utf-8")
    with Library.open(tmp_path / "lib") as lib:
        assert lib.import_paths([folder], workers=1).added == len(urls)
        kept = sorted(a.url for a in (lib.article(i) for i in lib.query_ids("")) if a is not None and a.url)
    assert kept == ["http://ok.example/a"]
