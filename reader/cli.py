"""``finews-reader``: with no sub-command the desktop window; otherwise a scriptable front end.

Every sub-command's ``--json`` output is a contract other tools rely on: keys are kept exactly
and only ever extended.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from reader import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_NOT_FOUND = 0, 1, 2, 3


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _err(msg: str) -> None:
    sys.stderr.write(f"finews-reader: {msg}\n")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="finews-reader",
        description="Read finews-style archives of Chinese financial news offline. "
        "With no command, opens the desktop window.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--library", metavar="DIR", help="library folder (default: $FINEWS_READER_LIBRARY "
                   "or the user data folder)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("parse", help="parse post files and print what the reader extracts")
    s.add_argument("files", nargs="+", metavar="FILE")
    s.add_argument("--json", action="store_true", help="print a JSON array (one object per file)")

    s = sub.add_parser("import", help="import folders or files of posts into the library")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--json", action="store_true")
    s.add_argument("--workers", type=int, default=None, help="parser processes (default: CPU count)")

    s = sub.add_parser("search", help="search the library (see the README for the query language)")
    s.add_argument("query", nargs="+", metavar="QUERY")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("list", help="list articles, newest first")
    s.add_argument("--security", metavar="SECID", help="secid (0.000931), symbol (000931.SZ) or code")
    s.add_argument("--tag", metavar="TAG")
    s.add_argument("--bookmarked", action="store_true")
    s.add_argument("--unread", action="store_true")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("show", help="show one article")
    s.add_argument("key", metavar="KEY")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("bookmark", help="bookmark an article (--off to remove)")
    s.add_argument("key", metavar="KEY")
    s.add_argument("--off", action="store_true")

    s = sub.add_parser("tag", help="add tags to an article")
    s.add_argument("key", metavar="KEY")
    s.add_argument("tags", nargs="+", metavar="TAG")

    s = sub.add_parser("untag", help="remove tags from an article")
    s.add_argument("key", metavar="KEY")
    s.add_argument("tags", nargs="+", metavar="TAG")

    s = sub.add_parser("mark-read", help="mark an article read (--unread for unread)")
    s.add_argument("key", metavar="KEY")
    s.add_argument("--unread", action="store_true")

    s = sub.add_parser("stats", help="library statistics")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("export-user-data", help="write bookmarks, tags and read state to a JSON file")
    s.add_argument("file", metavar="FILE.json")

    s = sub.add_parser("import-user-data", help="merge bookmarks, tags and read state from a JSON file")
    s.add_argument("file", metavar="FILE.json")

    s = sub.add_parser("securities", help="securities mentioned in the library, most-mentioned first")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("watch", help="add securities to the watchlist")
    s.add_argument("secids", nargs="+", metavar="SECID")
    s = sub.add_parser("unwatch", help="remove securities from the watchlist")
    s.add_argument("secids", nargs="+", metavar="SECID")
    s = sub.add_parser("watchlist", help="show the watchlist")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("trending", help="what moved on a day: unusual mentions, boards, "
                       "most-mentioned securities and most-carried stories")
    s.add_argument("--day", metavar="YYYY-MM-DD", help="the day (default: the newest with articles)")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true")
    from reader.cli_archive import add_parser as add_archive_parser

    add_archive_parser(sub)

    s = sub.add_parser("gui", help="open the desktop window (the default)")
    s.add_argument("--demo", action="store_true", help="open the bundled sample archive")
    s.add_argument("--smoke-test", action="store_true",
                   help="open the window, wait for the article list, print what it shows and quit")
    return p


def cmd_parse(args: argparse.Namespace) -> int:
    from reader.core.post import PostError, error_json, parse_file

    out: list[dict[str, Any]] = []
    status = EXIT_OK
    for f in args.files:
        try:
            out.append(parse_file(f).to_json())
        except PostError as exc:
            out.append(error_json(f, str(exc)))
            status = EXIT_ERROR
        except Exception as exc:  # never crash on an input file
            out.append(error_json(f, f"could not parse: {type(exc).__name__}: {exc}"))
            status = EXIT_ERROR
    if args.json:
        _print_json(out)
    else:
        for o in out:
            if o["error"]:
                print(f"{o['path']}: error: {o['error']}")
                continue
            secs = ", ".join(f"{s['name']}({s['symbol']})" for s in o["securities"])
            print(f"{o['path']}\n  {o['title']}\n  {o['published']}  {o['source']}  {o['url']}")
            if secs:
                print(f"  securities: {secs}")
            for w in o["warnings"]:
                print(f"  warning: {w}")
    return status


class _ProgressBar:
    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def __call__(self, p: Any) -> None:
        if not self.tty:
            return
        if p.phase == "scanning":
            sys.stderr.write("\rScanning…")
        elif p.total:
            width = 30
            filled = int(width * p.done / p.total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total}")
        if p.phase == "done":
            sys.stderr.write("\n")
        sys.stderr.flush()


def _open_library(args: argparse.Namespace) -> Any:
    from reader.core.library import Library

    return Library.open(args.library)


def cmd_import(args: argparse.Namespace, lib: Any) -> int:
    import signal
    import threading

    cancel = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum: int, frame: Any) -> None:
        cancel.set()

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        report = lib.import_paths(args.paths, progress=None if args.json else _ProgressBar(),
                                  cancel=cancel, workers=args.workers)
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _print_json(report.to_json())
    else:
        print(f"Added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
              f"duplicates {report.duplicates} ({report.merged} merged into a story held), "
              f"failed {report.failed} in {report.seconds:.1f}s"
              + (" (cancelled)" if report.cancelled else ""))
        if report.warning_count:
            n, files = report.warning_count, report.warned_files
            print(f"  {n} warning{'s' * (n != 1)} in {files} file{'s' * (files != 1)} (--json lists them)")
        for f in report.failures:
            print(f"  failed: {f.path}: {f.error}")
    return EXIT_OK if not report.cancelled else EXIT_ERROR


def _row_json(lib: Any, rows: dict[int, Any], ids: list[int]) -> list[dict[str, Any]]:
    out = []
    for i in ids:
        r = rows[i]
        out.append({
            "key": r.key, "title": r.title, "published": r.published.isoformat(),
            "securities": [s for s, _ in r.securities], "tags": r.user_tags,
            "bookmarked": r.bookmarked, "read": r.read,
        })
    return out


def cmd_search(args: argparse.Namespace, lib: Any) -> int:
    hits = lib.search(" ".join(args.query), limit=args.limit)
    if args.json:
        _print_json([h.to_json() for h in hits])
    else:
        import re

        for h in hits:
            snip = re.sub(r"</?b>", "", h.snippet)
            print(f"{h.published:%Y-%m-%d %H:%M}  {h.key}  {h.title}\n    {snip}")
    return EXIT_OK


def _security_filter(lib: Any, ref: str) -> str:
    """The ``sec:`` term for ``list --security``; a bare code must be unambiguous."""
    ids = lib.resolve_security_ids(ref)
    if not ids:
        raise LookupError(f"no security {ref!r} in the library")
    if len(ids) > 1:
        names = ", ".join(f"{s} {n}" for s, n in lib.secids(ids))
        raise LookupError(f"{ref!r} is ambiguous: {names}; give the secid")
    return f"sec:{lib.secids(ids)[0][0]}"


def cmd_list(args: argparse.Namespace, lib: Any) -> int:
    parts = []
    if args.security:
        try:
            parts.append(_security_filter(lib, args.security))
        except LookupError as exc:
            _err(str(exc))
            return EXIT_NOT_FOUND
    if args.tag:
        parts.append(f'tag:"{args.tag}"')
    if args.bookmarked:
        parts.append("is:bookmarked")
    if args.unread:
        parts.append("is:unread")
    ids = lib.query_ids(" ".join(parts), limit=args.limit)
    rows = lib.rows(ids)
    items = _row_json(lib, rows, ids)
    if args.json:
        _print_json(items)
    else:
        for it in items:
            flags = ("★" if it["bookmarked"] else " ") + (" " if it["read"] else "•")
            print(f"{flags} {it['published'][:16].replace('T', ' ')}  {it['key']}  {it['title']}")
    return EXIT_OK


def _need_article(lib: Any, key: str) -> int | None:
    aid = lib.article_id(key)
    if aid is None:
        _err(f"no article with key {key!r}")
    return aid


def cmd_show(args: argparse.Namespace, lib: Any) -> int:
    aid = _need_article(lib, args.key)
    if aid is None:
        return EXIT_NOT_FOUND
    art = lib.article(aid)
    if args.json:
        _print_json(art.to_json())
    else:
        print(art.title)
        print(f"{art.published:%Y-%m-%d %H:%M %z}  {art.source}  {art.url}")
        if art.securities:
            print("securities: " + ", ".join(f"{s.name}({s.symbol})" for s in art.securities))
        if art.user_tags:
            print("tags: " + ", ".join(art.user_tags))
        print()
        print(art.text)
    return EXIT_OK


def cmd_user_op(args: argparse.Namespace, lib: Any) -> int:
    aid = _need_article(lib, args.key)
    if aid is None:
        return EXIT_NOT_FOUND
    if args.command == "bookmark":
        lib.set_bookmarked([aid], not args.off)
    elif args.command == "tag":
        lib.add_tags([aid], args.tags)
    elif args.command == "untag":
        lib.remove_tags([aid], args.tags)
    elif args.command == "mark-read":
        lib.set_read([aid], not args.unread)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, lib: Any) -> int:
    st = lib.stats()
    if args.json:
        _print_json(st)
    else:
        for k, v in st.items():
            print(f"{k:>12}: {v}")
        print(f"{'library':>12}: {lib.folder}")
    return EXIT_OK


def cmd_securities(args: argparse.Namespace, lib: Any) -> int:
    infos = lib.securities(limit=args.limit)
    if args.json:
        _print_json([i.to_json() for i in infos])
    else:
        for i in infos:
            print(f"{i.articles:>6}  {i.symbol:<12} {i.secid:<14} {i.name}")
    return EXIT_OK


def cmd_watch(args: argparse.Namespace, lib: Any) -> int:
    if args.command == "watchlist":
        infos = [lib.security(s) for s in lib.watchlist()]
        if args.json:
            _print_json([i.to_json() for i in infos if i is not None])
        else:
            for s, i in zip(lib.watchlist(), infos, strict=True):
                print(f"{s:<14} {i.symbol if i else '':<12} {i.name if i else ''}")
        return EXIT_OK
    secids = []
    for ref in args.secids:
        ids = lib.resolve_security_ids(ref)
        if len(ids) != 1:
            _err(f"{ref!r} is {'unknown' if not ids else 'ambiguous'}; give the secid (e.g. 1.600519)")
            return EXIT_NOT_FOUND
        secids.append(lib.secids(ids)[0][0])
    (lib.watch if args.command == "watch" else lib.unwatch)(secids)
    return EXIT_OK


def cmd_trending(args: argparse.Namespace, lib: Any) -> int:
    import datetime as dt

    try:
        day = dt.date.fromisoformat(args.day) if args.day else None
    except ValueError:
        _err(f"--day: {args.day!r} is not a date (YYYY-MM-DD)")
        return EXIT_USAGE
    t = lib.trending(day, limit=args.limit)
    if args.json:
        _print_json(t.to_json())
        return EXIT_OK
    print(f"{t.day or 'no articles'}")
    for title, items in (("Unusual mentions", t.unusual), ("Boards and indices", t.boards),
                         ("Most mentioned", t.most_mentioned)):
        print(f"\n{title}:")
        for i in items:
            print(f"  {i.count:>5} (usual {i.baseline:.1f}, score {i.score:.1f})  "
                  f"{i.symbol:<12} {i.name}")
    print("\nMost carried:")
    for st in t.most_carried:
        print(f"  {st.copies:>2} copies  {st.key}  {st.title}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in (None, "gui"):
        from reader.ui.app import main as gui_main

        return gui_main(library=args.library, demo=getattr(args, "demo", False),
                        smoke_test=getattr(args, "smoke_test", False))
    if args.command == "parse":
        return cmd_parse(args)

    from reader.cli_archive import cmd_archive
    from reader.core.library import LibraryError
    from reader.core.search import QueryError

    try:
        lib = _open_library(args)
    except LibraryError as exc:
        _err(str(exc))
        return EXIT_ERROR
    try:
        handler = {
            "import": cmd_import, "search": cmd_search, "list": cmd_list, "show": cmd_show,
            "bookmark": cmd_user_op, "tag": cmd_user_op, "untag": cmd_user_op,
            "mark-read": cmd_user_op, "stats": cmd_stats, "securities": cmd_securities,
            "watch": cmd_watch, "unwatch": cmd_watch, "watchlist": cmd_watch,
            "trending": cmd_trending,
            "archive": cmd_archive,
        }.get(args.command)
        if handler is not None:
            return handler(args, lib)
        if args.command == "export-user-data":
            n = lib.export_user_data(args.file)
            print(f"Wrote the reader's data for {n} articles to {args.file}")
            return EXIT_OK
        if args.command == "import-user-data":
            n = lib.import_user_data(args.file)
            print(f"Merged the reader's data for {n} articles from {args.file}")
            return EXIT_OK
        parser.error(f"unknown command {args.command}")
        return EXIT_USAGE
    except QueryError as exc:
        _err(f"query: {exc}")
        return EXIT_USAGE
    except LibraryError as exc:
        _err(str(exc))
        return EXIT_ERROR
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    finally:
        lib.close()


if __name__ == "__main__":
    raise SystemExit(main())
