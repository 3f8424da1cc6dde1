"""Add an archive from a served git repository, then update it as the server's archive grows.

Each test checks the library against the repository's tip: every post there is an article
with the tip's title, moved posts stay the same article, and nothing the server did not send
is imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from git_server import Served, git, library_posts

from reader.core.gitfetch import ArchiveError
from reader.core.library import Library
from reader.core.post import parse_file, story_key

TRANSPORTS = ["http", "git", "file", "path"]


def tip_titles(served: Served, tmp_path: Path) -> dict[str, str]:
    """key -> title of every post at the server's tip (parsed by the reader itself)."""
    out = {}
    for rel, text in served.repo.posts().items():
        f = tmp_path / "tip" / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
        out[story_key(f)] = parse_file(f).title
    return out


def assert_matches_tip(lib: Library, served: Served, tmp_path: Path) -> None:
    assert dict(library_posts(lib)) == tip_titles(served, tmp_path)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_add_imports_the_tip(served: Served, library: Library, tmp_path: Path, transport: str) -> None:
    result = library.add_archive(served.url(transport))
    out = result.to_json()
    assert set(out) == {"name", "url", "path", "commit", "added", "updated", "unchanged", "failed",
                        "failures"}
    assert out["name"] == "finews"
    assert out["commit"] == served.repo.tip()
    assert out["added"] == 16 and out["failed"] == 0, out
    assert_matches_tip(library, served, tmp_path)
    # shallow: the tip only, not the history
    shallow = (Path(out["path"]) / "git" / "shallow")
    assert transport in ("file", "path") or shallow.read_text().split() == [served.repo.tip()]
    [info] = library.archives()
    assert (info.name, info.commit, info.articles) == ("finews", served.repo.tip(), 16)


@pytest.mark.parametrize("transport", ["http", "git"])
def test_update_imports_only_what_changed(served: Served, library: Library, tmp_path: Path,
                                          transport: str) -> None:
    library.add_archive(served.url(transport))
    first = served.repo.tip()
    moved_name = sorted(p.name for p in (served.repo.path / "_posts").glob("*.md"))[3]
    moved_id = library.article_id(story_key(Path(moved_name)))
    library.set_bookmarked([moved_id])
    served.repo.day(3, new=5, rewrite=2, move=3)

    result = library.update_archive("finews")
    out = result.to_json(previous=True)
    assert out["previous_commit"] == first and out["commit"] == served.repo.tip()
    assert (out["added"], out["updated"], out["failed"]) == (5, 2, 0), out
    assert out["unchanged"] == 21 - 5 - 2  # the moved posts and every untouched one
    assert_matches_tip(library, served, tmp_path)
    # the moved post is the same article, with the reader's bookmark, at its new path
    assert library.article_id(story_key(Path(moved_name))) == moved_id
    detail = library.article(moved_id)
    assert detail is not None and detail.bookmarked
    assert Path(library._one("SELECT path FROM article WHERE id = ?", (moved_id,))).parent.name == "old_post"

    again = library.update_archive("finews").to_json(previous=True)
    assert (again["added"], again["updated"], again["commit"]) == (0, 0, served.repo.tip())


def test_force_push_is_reconciled(served: Served, library: Library, tmp_path: Path) -> None:
    library.add_archive(served.url("http"))
    served.repo.day(3, new=4)
    library.update_archive("finews")
    # the server rewrites its history: day 3 is replaced by a different day 3
    git(served.repo.path, "reset", "-q", "--hard", "HEAD~1")
    served.repo.day(3, new=2, rewrite=1)
    out = library.update_archive("finews").to_json(previous=True)
    assert out["commit"] == served.repo.tip() and out["failed"] == 0
    assert out["updated"] == 1
    titles = tip_titles(served, tmp_path)
    stored = dict(library_posts(library))
    assert {k: stored[k] for k in titles} == titles  # posts dropped by the rewrite stay read


def test_an_interrupted_import_is_finished_by_the_next_update(served: Served, library: Library,
                                                              tmp_path: Path) -> None:
    result = library.add_archive(served.url("git"))
    posts = Path(result.path) / "posts" / "_posts"
    # as after a kill mid-import: the record has no commit, one file half-written, one gone
    library._sql("UPDATE git_archive SET commit_id = ''")
    victims = sorted(posts.glob("*.md"))[:2]
    victims[0].write_bytes(victims[0].read_bytes()[:20])
    victims[1].unlink()
    out = library.update_archive("finews").to_json(previous=True)
    assert out["commit"] == served.repo.tip() and out["failed"] == 0
    assert_matches_tip(library, served, tmp_path)
    assert all(v.is_file() for v in victims)


def test_a_cut_off_fetch_changes_nothing(served: Served, library: Library, tmp_path: Path) -> None:
    library.add_archive(served.url("http"))
    before = (served.repo.tip(), dict(library_posts(library)))
    served.repo.day(3, new=40)
    served.http.cut_after = 300
    with pytest.raises(ArchiveError, match="cut off"):
        library.update_archive("finews")
    [info] = library.archives()
    assert (info.commit, dict(library_posts(library))) == before
    served.http.cut_after = None
    out = library.update_archive("finews").to_json(previous=True)
    assert out["added"] == 40 and out["previous_commit"] == before[0]
    assert_matches_tip(library, served, tmp_path)


def test_a_cut_off_first_fetch_keeps_nothing(served: Served, library: Library) -> None:
    served.http.cut_after = 300
    with pytest.raises(ArchiveError, match="cut off"):
        library.add_archive(served.url("http"))
    assert library.archives() == []
    assert not any((library.folder / "archives").iterdir())
    served.http.cut_after = None
    assert library.add_archive(served.url("http")).report.added == 16


def test_remove(served: Served, library: Library) -> None:
    kept = library.add_archive(served.url("git"), name="kept")
    gone = library.add_archive(served.url("http"), name="gone")
    library.remove_archive("kept", keep_files=True)
    library.remove_archive("gone")
    assert library.archives() == []
    assert Path(kept.path).is_dir() and not Path(gone.path).exists()
    assert library.stats()["articles"] == 16  # the articles stay in the library
    with pytest.raises(ArchiveError, match="no archive named gone"):
        library.remove_archive("gone")


def test_an_update_fetches_only_what_is_new(served: Served, library: Library) -> None:
    for day in range(3, 9):  # a larger archive, so that resending it would show
        served.repo.day(day, new=40)
    library.add_archive(served.url("http"))
    first = sum(served.http.pack_bytes)
    served.http.pack_bytes.clear()
    served.repo.day(9, new=1)
    assert library.update_archive("finews").report.added == 1
    assert 0 < sum(served.http.pack_bytes) < first / 8


@pytest.mark.parametrize("transport", ["http", "git"])
def test_a_server_without_filters_sends_the_whole_tip(served: Served, library: Library, tmp_path: Path,
                                                       transport: str) -> None:
    git(served.repo.path, "config", "uploadpack.allowFilter", "false")
    out = library.add_archive(served.url(transport)).to_json()
    assert (out["added"], out["failed"]) == (16, 0)
    served.repo.day(3, new=2, rewrite=1)
    assert library.update_archive("finews").to_json()["added"] == 2
    assert_matches_tip(library, served, tmp_path)
