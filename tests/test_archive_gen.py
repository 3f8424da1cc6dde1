"""The benchmark archive generator: deterministic, finews-shaped, and readable by the parser."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from reader.core.post import PostError, parse_file

_GEN_PATH = Path(__file__).parent / "benchmarks" / "archive_gen.py"
_spec = importlib.util.spec_from_file_location("archive_gen", _GEN_PATH)
assert _spec is not None and _spec.loader is not None
archive_gen = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("archive_gen", archive_gen)
_spec.loader.exec_module(archive_gen)

COUNT = 400
NAME_RE = re.compile(r"^(?:(\d{4})-(\d{2})-(\d{2}))?-((?:NW)?(\d{8})\d{10})\.md$")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    dest = tmp_path_factory.mktemp("gen") / "a"
    stats = archive_gen.generate(dest, COUNT, seed=5, broken_ratio=0.02)
    return dest, stats


def test_same_seed_same_bytes(archive: tuple[Path, dict], tmp_path: Path) -> None:
    dest, _ = archive
    again = archive_gen.generate(tmp_path / "b", COUNT, seed=5, broken_ratio=0.02)
    assert _files(dest) == _files(tmp_path / "b")
    assert again["bytes"] == archive[1]["bytes"]
    archive_gen.generate(tmp_path / "c", 50, seed=6)
    first = _files(tmp_path / "c")
    assert first != {k: v for k, v in _files(dest).items() if k in first}


def test_counts_names_and_order(archive: tuple[Path, dict]) -> None:
    dest, stats = archive
    config = (dest / "_config.yml").read_text(encoding="utf-8")
    assert "timezone: Asia/Shanghai" in config
    posts = sorted((dest / "_posts").iterdir())
    old = sorted((dest / "old_post").iterdir())
    assert len(posts) + len(old) == COUNT == stats["posts"]
    assert stats["files"] == COUNT + 1
    assert 0.04 * COUNT <= len(old) <= 0.18 * COUNT
    assert sum(stats["broken"].values()) == round(COUNT * 0.02)
    assert all(n > 0 for n in stats["broken"].values())
    ids: list[tuple[int, str]] = []
    for p in posts + old:
        m = NAME_RE.match(p.name)
        assert m, p.name
        if m.group(1):
            assert m.group(1) + m.group(2) + m.group(3) == m.group(5)  # the id embeds the date
        ids.append((int(m.group(4).removeprefix("NW")), p.as_posix()))
    assert len({i for i, _ in ids}) == COUNT
    assert any("/NW" in p or "-NW" in p for _, p in ids)
    # timestamps increase with the ids
    times = []
    for _, path in sorted(ids):
        if path.endswith(tuple(stats["broken_files"])):
            continue
        head = Path(path).read_text(encoding="utf-8")[:400]
        times.append(re.search(r"^date: (.+)$", head, re.M).group(1))  # type: ignore[union-attr]
    assert times == sorted(times)
    assert all(t.endswith(" +0800") for t in times)


def test_sizes(archive: tuple[Path, dict]) -> None:
    dest, stats = archive
    sizes = [len(data) for rel, data in _files(dest).items()
             if rel != "_config.yml" and rel not in stats["broken_files"]]
    assert len(sizes) == stats["good"]
    assert sum(2048 <= s <= 15 * 1024 for s in sizes) >= 0.97 * len(sizes)
    assert sum(3072 <= s <= 8192 for s in sizes) >= 0.65 * len(sizes)


def test_good_posts_parse_with_their_securities(archive: tuple[Path, dict]) -> None:
    dest, stats = archive
    with_digest = 0
    for rel, secids in stats["securities"].items():
        if rel in stats["broken_files"]:
            continue
        art = parse_file(dest / rel)
        assert art.warnings == [], (rel, art.warnings)
        assert art.title and art.source and art.url.startswith("http"), rel
        assert sorted(s.secid for s in art.securities) == sorted(secids), rel
        assert all(s.name for s in art.securities), rel
        assert "返回" not in art.text and "文章来源" not in art.text and "http" not in art.text, rel
        with_digest += (dest / rel).read_text(encoding="utf-8").split("---\n", 2)[2].startswith("> ")
    assert sum(1 for s in stats["securities"].values() if s) > 0.8 * len(stats["securities"])
    assert 0.4 * stats["good"] <= with_digest <= 0.75 * stats["good"]


def test_broken_posts(archive: tuple[Path, dict]) -> None:
    dest, stats = archive
    for rel, kind in stats["broken_files"].items():
        if kind == "binary":
            with pytest.raises(PostError):
                parse_file(dest / rel)
            continue
        art = parse_file(dest / rel)
        if kind == "quote_title":
            assert '"' in art.title and any("front matter" in w for w in art.warnings)
            assert sorted(s.secid for s in art.securities) == sorted(stats["securities"][rel])
        elif kind == "no_date":
            assert Path(rel).name.startswith("-")
            assert any("date" in w for w in art.warnings) and art.published.year >= 2022
        elif kind == "empty_body":
            assert art.text == "" and art.title


def test_flat_layout(tmp_path: Path) -> None:
    stats = archive_gen.generate(tmp_path, 30, seed=2, layout="flat")
    names = [p.name for p in tmp_path.iterdir() if p.name != "_config.yml"]
    assert len(names) == 30 and all(n.startswith(("_posts__", "old_post__")) for n in names)
    assert set(stats["securities"]) <= set(names)
    with pytest.raises(ValueError):
        archive_gen.generate(tmp_path / "x", 1, layout="hugo")
