"""Errors a user can act on: one sentence each, and the library and the clone as they were."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import pytest
from git_server import FinewsRepo, Served, git, refused_port

from reader.core import gitfetch
from reader.core.gitfetch import ArchiveError
from reader.core.library import Library


def assert_nothing_kept(library: Library) -> None:
    assert library.archives() == []
    assert library.stats()["articles"] == 0
    root = library.folder / "archives"
    assert not root.exists() or not any(root.iterdir())


@pytest.mark.parametrize("scheme", ["http", "git"])
def test_nothing_listening(library: Library, scheme: str) -> None:
    with refused_port() as port, \
            pytest.raises(ArchiveError, match="Cannot reach 127.0.0.1: you may be offline"):
        library.add_archive(f"{scheme}://127.0.0.1:{port}/finews")
    assert_nothing_kept(library)


@pytest.mark.parametrize("transport", ["http", "git", "file", "path"])
def test_no_such_repository(served: Served, library: Library, transport: str) -> None:
    match = "does not exist" if transport == "path" else "No git repository was found at|not a git repository"
    with pytest.raises(ArchiveError, match=match):
        library.add_archive(served.url(transport, "nope"))
    assert_nothing_kept(library)


def test_credentials_needed_and_never_stored(served: Served, library: Library) -> None:
    served.http.status = 401
    url = served.http.url("finews", userinfo="reader:s3cret@")
    with pytest.raises(ArchiveError, match="needs a user name and password") as err:
        library.add_archive(url)
    assert "s3cret" not in str(err.value) and "reader@" not in str(err.value)
    assert_nothing_kept(library)
    served.http.status = None
    result = library.add_archive(url)  # a public repository reached through a URL with userinfo
    assert result.url == served.http.url("finews") and result.report.added == 16
    assert "s3cret" not in (library.folder / "library.sqlite3").read_bytes().decode("latin-1")
    assert not any("s3cret" in p.read_text("latin-1") for p in Path(result.path, "git").glob("*")
                   if p.is_file())


def test_a_web_page_is_not_a_repository(served: Served, library: Library) -> None:
    with pytest.raises(ArchiveError, match="is not a git repository|No git repository was found"):
        library.add_archive(served.http.url("plain"))
    assert_nothing_kept(library)


def test_a_folder_that_is_not_a_repository(tmp_path: Path, library: Library) -> None:
    (tmp_path / "posts").mkdir()
    with pytest.raises(ArchiveError, match="is not a git repository"):
        library.add_archive(str(tmp_path / "posts"))
    assert_nothing_kept(library)


def test_a_repository_without_posts(served: Served, library: Library) -> None:
    repo = served.base / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "readme")
    with pytest.raises(ArchiveError, match="has no posts"):
        library.add_archive(served.url("http", "empty"))
    assert_nothing_kept(library)


def test_a_name_taken_or_unsafe(served: Served, library: Library) -> None:
    library.add_archive(served.url("git"))
    with pytest.raises(ArchiveError, match="already exists"):
        library.add_archive(served.url("http"))
    with pytest.raises(ArchiveError, match="cannot be an archive's name"):
        library.add_archive(served.url("http"), name="../x")
    assert [a.name for a in library.archives()] == ["finews"]


def test_an_update_that_cannot_reach_the_server_keeps_everything(served: Served, library: Library,
                                                                 tmp_path: Path) -> None:
    library.add_archive(served.url("http"))
    before = library.archives()
    served.http.stop()
    with pytest.raises(ArchiveError, match="Cannot reach"):
        library.update_archive("finews")
    assert library.archives() == before


def test_a_repository_emptied_of_posts_keeps_the_library(tmp_path: Path, library: Library) -> None:
    repo = FinewsRepo(tmp_path / "src")
    repo.day(1, new=3)
    library.add_archive(str(repo.path))
    git(repo.path, "rm", "-q", "-r", "_posts")
    git(repo.path, "commit", "-q", "-m", "gone")
    with pytest.raises(ArchiveError, match="no posts any more"):
        library.update_archive("src")
    assert library.stats()["articles"] == 3


@pytest.mark.parametrize("exc, sentence", [
    (socket.gaierror(-2, "Name or service not known"), "The host example.invalid could not be found"),
    (OSError(errno.ENOSPC, "No space left on device"), "The disk is full"),
    (OSError(errno.ENETUNREACH, "Network is unreachable"), "Cannot reach example.invalid"),
    (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), "Cannot reach example.invalid"),
])
def test_explained(exc: BaseException, sentence: str) -> None:
    assert gitfetch.explain(exc, "https://example.invalid/finews").startswith(sentence)


def test_clean_url() -> None:
    assert gitfetch.clean_url("https://u:p@github.com/zning1994/finews") == "https://github.com/zning1994/finews"
    assert gitfetch.clean_url("http://tok@127.0.0.1:8080/a.git?x=1#f") == "http://127.0.0.1:8080/a.git?x=1"
    assert gitfetch.clean_url("/home/me/finews") == "/home/me/finews"
