"""Telling securities apart when two share a name.

Eastmoney names 中信证券 both the Shanghai share (600030.SH) and the Hong Kong one (06030.HK); a list
that shows names alone then shows two identical entries.  A name borne by two or more securities of
the library is shown with its symbol; every other name stays short.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from reader.core.securities import display_symbol, parse_secid

if TYPE_CHECKING:
    from reader.core.library import Library

_CHUNK = 500  # bound parameters per query, well under SQLite's limit


def shared_in(names: Iterable[str]) -> set[str]:
    """The non-empty names that occur more than once in ``names`` (one name per security)."""
    counts = Counter(n for n in names if n)
    return {n for n, c in counts.items() if c > 1}


def shared_names(lib: Library, names: Iterable[str] | None = None) -> set[str]:
    """The names (of ``names``, or all) borne by two or more securities that have articles in the
    library: the securities a reader can meet in its lists."""
    base = ("SELECT sc.name FROM security sc JOIN security_total t ON t.security_id = sc.id "
            "WHERE t.articles > 0 AND sc.name != '' {cond} GROUP BY sc.name HAVING count(*) > 1")
    if names is None:
        return {str(r[0]) for r in lib._sql(base.format(cond=""))}
    wanted = sorted({n for n in names if n})
    out: set[str] = set()
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        cond = f"AND sc.name IN ({','.join('?' * len(chunk))})"
        out.update(str(r[0]) for r in lib._sql(base.format(cond=cond), chunk))
    return out


def label(secid: str, name: str, shared: set[str]) -> str:
    """``name``, or ``name symbol`` when the name is shared; the symbol alone when there is no name."""
    parsed = parse_secid(secid)
    symbol = display_symbol(*parsed) if parsed else secid
    if not name:
        return symbol
    return f"{name} {symbol}" if name in shared else name


def with_symbols_where_shared(lib: Library, rows: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """(secid, name, count) rows, as ``secindex.co_mentions`` gives them, with each name made a
    label that tells apart the securities sharing it."""
    shared = shared_names(lib, [name for _, name, _ in rows])
    return [(secid, label(secid, name, shared), n) for secid, name, n in rows]
