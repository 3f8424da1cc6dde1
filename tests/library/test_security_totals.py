"""Per-security totals (articles, first and last mention) kept by triggers on a real library:
after imports, a changed post (new date, fewer securities) and a removed article they always
equal what aggregating every link gives."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from reader.core import secindex
from reader.core.library import Library


def _from_links(lib: Library) -> dict[str, tuple[int, int | None, int | None]]:
    return {r[0]: (r[1], r[2], r[3]) for r in lib._sql(
        "SELECT sc.secid, count(s.article_id), min(a.published), max(a.published) FROM security sc "
        "LEFT JOIN article_security s ON s.security_id = sc.id LEFT JOIN article a ON a.id = s.article_id "
        "GROUP BY sc.id")}


def _kept(lib: Library) -> dict[str, tuple[int, int | None, int | None]]:
    return {r[0]: (r[1] or 0, r[2], r[3]) for r in lib._sql(
        "SELECT sc.secid, t.articles, t.first_seen, t.last_seen FROM security sc "
        "LEFT JOIN security_total t ON t.security_id = sc.id")}


def test_totals_follow_imports_changes_and_removals(tmp_path: Path, corpus_dir: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(corpus_dir, archive)
    with Library.open(tmp_path / "lib") as lib:
        lib.import_paths([archive], workers=1)
        kept = _kept(lib)
        assert kept == _from_links(lib)
        assert any(n > 1 for n, _f, _l in kept.values())

        # a post rewritten with another date and without its security links
        post = next(p for p in sorted(archive.glob("*.md"))
                    if "data-code" in p.read_text(encoding="utf-8") and re.search(
                        r"^date:\s*\d{4}-", p.read_text(encoding="utf-8"), re.M))
        text = post.read_text(encoding="utf-8")
        text = re.sub(r"^date:.*$", "date: 2030-01-02 08:00:00 +0800", text, count=1, flags=re.M)
        text = re.sub(r"<a [^>]*data-code[^>]*>(.*?)</a>", r"\1", text, flags=re.S)
        post.write_text(text, encoding="utf-8")
        report = lib.import_paths([archive], workers=1)
        assert report.updated == 1
        assert _kept(lib) == _from_links(lib)
        assert _kept(lib) != kept

        # an article removed (its links go with it)
        victim = lib._one("SELECT article_id FROM article_security ORDER BY article_id DESC LIMIT 1")
        with lib.db.atomic():
            lib._sql("DELETE FROM article WHERE id = ?", (victim,))
        assert lib._one("SELECT count(*) FROM article_security WHERE article_id = ?", (victim,)) == 0
        assert _kept(lib) == _from_links(lib)

        # what the panel and the command line show comes from these totals
        infos = {i.secid: i for i in lib.securities()}
        truth = {k: v for k, v in _from_links(lib).items() if v[0] > 0}
        assert set(infos) == set(truth)
        for secid, (n, first, last) in truth.items():
            info = infos[secid]
            assert info.articles == n
            assert info.first_seen is not None and int(info.first_seen.timestamp()) == first
            assert info.last_seen is not None and int(info.last_seen.timestamp()) == last
            assert sum(c for _d, c in secindex.timeline(lib, secid)) == n
