"""``finews-reader archive add|update|list|remove``: archives the reader fetches from git.

Its own module so that ``cli.py`` stays one screen of commands; the JSON keys are a contract
(README, *Command line*).  URLs are printed without user name or password.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def add_parser(sub: Any) -> None:
    a = sub.add_parser("archive", help="archives fetched from git: add, update, list, remove")
    asub = a.add_subparsers(dest="archive_command", metavar="ACTION", required=True)
    s = asub.add_parser("add", help="fetch an archive from a git URL (https, http, git, file) or a "
                        "local repository, and import its posts, newest first")
    s.add_argument("source", metavar="URL|PATH")
    s.add_argument("--name", help="the archive's name (default: from the URL)")
    s.add_argument("--json", action="store_true")
    s = asub.add_parser("update", help="fetch the archives' new posts (all archives by default)")
    s.add_argument("names", nargs="*", metavar="NAME")
    s.add_argument("--json", action="store_true")
    s = asub.add_parser("list", help="the archives, with their URL, folder and commit")
    s.add_argument("--json", action="store_true")
    s = asub.add_parser("remove", help="forget an archive and delete its clone (its articles stay)")
    s.add_argument("name", metavar="NAME")
    s.add_argument("--keep-files", action="store_true", help="keep the archive's folder")


@contextmanager
def _interruptible() -> Iterator[threading.Event]:
    cancel = threading.Event()
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


def _progress(quiet: bool) -> Any:
    from reader.cli import _ProgressBar

    bar = _ProgressBar()

    def call(p: Any) -> None:
        if quiet or not bar.tty:
            return
        if p.phase == "fetching":
            sys.stderr.write("\rFetching…")
            sys.stderr.flush()
        else:
            bar(p)

    return call


def _summary(out: dict[str, Any]) -> str:
    text = (f"{out['name']}: {out['url']} at {out['commit'][:12]}: added {out['added']}, updated "
            f"{out['updated']}, unchanged {out['unchanged']}, failed {out['failed']}")
    return "\n".join([text] + [f"  failed: {f['path']}: {f['error']}" for f in out["failures"]])


def cmd_archive(args: argparse.Namespace, lib: Any) -> int:
    from reader.core.gitfetch import ArchiveError

    def err(msg: str) -> None:
        sys.stderr.write(f"finews-reader: {msg}\n")

    action = args.archive_command
    try:
        if action == "add":
            with _interruptible() as cancel:
                result = lib.add_archive(args.source, args.name, progress=_progress(args.json),
                                         cancel=cancel)
            out = result.to_json()
            print(_json(out) if args.json else _summary(out))
            return EXIT_ERROR if result.report.cancelled else EXIT_OK
        if action == "update":
            names = args.names or [a.name for a in lib.archives()]
            results, status = [], EXIT_OK
            with _interruptible() as cancel:
                for name in names:
                    try:
                        result = lib.update_archive(name, progress=_progress(args.json), cancel=cancel)
                    except ArchiveError as exc:
                        err(str(exc))
                        status = EXIT_ERROR
                        continue
                    results.append(result.to_json(previous=True))
                    if result.report.cancelled:
                        status = EXIT_ERROR
                        break
            print(_json(results) if args.json else "\n".join(_summary(r) for r in results))
            return status
        if action == "list":
            infos = [a.to_json() for a in lib.archives()]
            if args.json:
                print(_json(infos))
            else:
                for a in infos:
                    print(f"{a['name']}  {a['url']}  {a['commit'][:12]}  {a['articles']} articles  {a['path']}")
            return EXIT_OK
        if action == "remove":
            lib.remove_archive(args.name, keep_files=args.keep_files)
            return EXIT_OK
    except ArchiveError as exc:
        err(str(exc))
        return EXIT_ERROR
    return EXIT_USAGE


def _json(obj: Any) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False, indent=2)
