"""News by security: mention timelines and co-mentions (kept importable here; the work is the
library's securities room, ``reader.core.library.securities``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from reader.core.library.securities import CO_MENTION_WINDOW

if TYPE_CHECKING:
    from reader.core.library import Library

__all__ = ["CO_MENTION_WINDOW", "co_mentions", "timeline"]


def timeline(lib: Library, secid: str) -> list[tuple[dt.date, int]]:
    """Articles mentioning ``secid`` per day (the library's time zone), oldest first."""
    return lib.security_timeline(secid)


def co_mentions(lib: Library, secid: str, limit: int = 8) -> list[tuple[str, str, int]]:
    """(secid, name, articles) of the securities most often mentioned alongside ``secid`` in its
    ``CO_MENTION_WINDOW`` most recent articles (all of them, for all but the most-mentioned)."""
    return lib.co_mentions(secid, limit)
