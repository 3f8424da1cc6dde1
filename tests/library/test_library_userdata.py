"""The reader's data: bookmarks, read state, tags, watchlist, saved searches; export and import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from library_helpers import KEY_MAOTAI, KEY_PBOC

from reader.core.library import Library, LibraryError


@pytest.fixture
def lib(library: Library, archive: Path) -> Library:
    library.import_paths([archive], workers=1)
    return library


def test_bookmark_read_and_when(lib: Library) -> None:
    aid = lib.article_id(KEY_MAOTAI)
    assert aid is not None
    lib.set_bookmarked([aid])
    lib.set_read([aid])
    a = lib.article(aid)
    assert a is not None and a.bookmarked and a.read and a.bookmarked_at and a.read_at
    lib.set_bookmarked([aid], False)
    lib.set_read([aid], False)
    a = lib.article(aid)
    assert a is not None and not a.bookmarked and a.bookmarked_at is None and not a.read
    st = lib.stats()
    assert st["bookmarked"] == 0 and st["unread"] == st["articles"]


def test_tags_add_remove_rename_merge_delete(lib: Library) -> None:
    a, b = lib.article_id(KEY_MAOTAI), lib.article_id(KEY_PBOC)
    assert a is not None and b is not None
    lib.add_tags([a, b], ["关注", "  to   read  ", ""])
    assert lib.tags_of(a) == ["to read", "关注"]
    lib.add_tags([a], ["关注"])  # twice is once
    assert dict(lib.user_tags()) == {"to read": 2, "关注": 2}
    lib.remove_tags([b], ["TO READ"])  # tag names ignore case
    assert lib.tags_of(b) == ["关注"]
    lib.rename_tag("关注", "重点")
    assert lib.tags_of(a) == ["to read", "重点"]
    lib.rename_tag("to read", "重点")  # into an existing tag: merged
    assert lib.tags_of(a) == ["重点"] and dict(lib.user_tags()) == {"重点": 2}
    lib.delete_tag("重点")
    assert lib.user_tags() == [] and lib.tags_of(a) == []
    with pytest.raises(KeyError):
        lib.rename_tag("nope", "x")


def test_mark_all_read(lib: Library) -> None:
    n = lib.mark_all_read("央行")
    assert n == len(lib.query_ids("央行")) > 0
    assert lib.query_ids("央行 is:unread") == []
    assert lib.mark_all_read("央行") == 0


def test_export_import_round_trip(lib: Library, archive: Path, tmp_path: Path) -> None:
    ids = lib.query_ids("")
    lib.set_bookmarked(ids[:3])
    lib.set_read(ids[2:6])
    lib.add_tags(ids[1:4], ["关注", "later"])
    lib.watch(["1.600519", "0.300750"])
    lib.save_search("茅台新闻", "sec:600519 is:unread")
    out = tmp_path / "user.json"
    assert lib.export_user_data(out) == len(set(ids[:6]))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "finews-reader-user-data"

    fresh = Library.open(tmp_path / "fresh")
    try:
        fresh.import_paths([archive], workers=1)
        assert fresh.import_user_data(out) == len(data["articles"])
        got, want = fresh.user_data(), lib.user_data()
        for d in (got, want):
            d.pop("exported_at")
        assert got == want  # including when each mark and tag was set
        # importing again changes nothing (a merge, not a toggle)
        fresh.import_user_data(out)
        again = fresh.user_data()
        again.pop("exported_at")
        assert again == want
    finally:
        fresh.close()


def test_import_merges_with_existing_data(lib: Library, tmp_path: Path) -> None:
    a, b = lib.article_id(KEY_MAOTAI), lib.article_id(KEY_PBOC)
    assert a is not None and b is not None
    lib.set_bookmarked([a])
    lib.add_tags([a], ["mine"])
    payload = {"format": "finews-reader-user-data", "version": 1, "articles": {
        KEY_PBOC: {"bookmarked": True, "read": True, "tags": ["theirs"]},
        KEY_MAOTAI: {"bookmarked": False, "tags": ["theirs", "  "]},
        "NOSUCHKEY": {"bookmarked": True},
    }, "tags": [{"name": "   "}], "watchlist": [{"secid": "1.600519"}], "saved_searches": []}
    f = tmp_path / "in.json"
    f.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    assert lib.import_user_data(f) == 3
    pa, pb = lib.article(a), lib.article(b)
    assert pa is not None and pb is not None
    assert pa.bookmarked and pa.user_tags == ["mine", "theirs"]  # never un-bookmarks
    assert pb.bookmarked and pb.read and pb.user_tags == ["theirs"]
    assert "" not in dict(lib.user_tags())
    assert lib.watchlist() == ["1.600519"]
    assert "NOSUCHKEY" in lib.user_data()["articles"]  # kept for when it arrives


@pytest.mark.parametrize("content", ["not json", "[]", '{"format": "other"}'])
def test_import_rejects_other_files(lib: Library, tmp_path: Path, content: str) -> None:
    f = tmp_path / "x.json"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(LibraryError):
        lib.import_user_data(f)


def test_watchlist_and_securities(lib: Library) -> None:
    lib.watch(["1.600519"])
    lib.watch(["1.600519"])
    assert lib.watchlist() == ["1.600519"]
    info = lib.security("600519.SH")
    assert info is not None and info.secid == "1.600519" and info.name == "贵州茅台" and info.watched
    assert info.articles == len(lib.query_ids("sec:1.600519"))
    assert lib.query_ids("is:watched") == lib.query_ids("sec:600519")
    lib.unwatch(["1.600519"])
    assert lib.watchlist() == [] and lib.query_ids("is:watched") == []
    for ref in ("1.600519", "1,600519", "600519", "600519.SH", "贵州茅台", "茅台"):
        assert [lib.security(str(i)) for i in lib.resolve_security_ids(ref)], ref
        assert lib.query_ids(f"sec:{ref}") == lib.query_ids("sec:1.600519"), ref


def test_stats_keys(lib: Library) -> None:
    st = lib.stats()
    assert set(st) == {"articles", "securities", "bookmarked", "tagged", "unread", "sources", "categories"}
    assert st["articles"] > 0 and st["securities"] > 0 and st["categories"] > 0 and st["sources"] > 0
