"""The window's words for what ``reader.core`` says in English: exchange names, search errors.

Core stays free of Qt and keeps its English (the command line prints it); the window translates
at display time, from stable names (an exchange's English name, a ``QueryError``'s code).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from reader.core.search import QueryError
from reader.core.securities import MARKETS

# every exchange name of reader.core.securities.MARKETS (a test checks that none is missing)
EXCHANGES = [
    "Shenzhen", "Shanghai", "China Securities Index", "China Financial Futures Exchange",
    "Shanghai options", "Shenzhen options", "China Bond", "Sector board", "Global index", "COMEX",
    "NYMEX", "CBOT", "SGX", "NASDAQ", "NYSE", "NYSE American", "LME", "Bursa Malaysia", "ICE",
    "Shanghai Futures Exchange", "Dalian Commodity Exchange", "Zhengzhou Commodity Exchange",
    "Hong Kong", "Shanghai Gold Exchange", "Forex", "Hong Kong index",
    "Shanghai International Energy Exchange", "Taiwan", "London Stock Exchange",
]

# QueryError.code -> the message, %1 being the part of the query at fault
QUERY_ERRORS = [
    ("not_a_date", "“%1” is not a date"),
    ("date_format", "“%1” is not a date (use YYYY-MM-DD, today, or 7d)"),
    ("unknown_is", "is:%1 is unknown (use is:bookmarked, is:unread, is:read, is:tagged, is:watched)"),
    ("unclosed_quote", "the quote \"%1 is not closed (add a closing \")"),
]


def exchange_name(market: int) -> str:
    """The exchange of a market number, in the reader's language."""
    english = MARKETS.get(market, ("", ""))[0]
    for name in EXCHANGES:
        if name == english:
            return QCoreApplication.translate("Market", name)
    return QCoreApplication.translate("Market", "Market %1").replace("%1", str(market))


def query_error_text(exc: QueryError) -> str:
    """What is wrong with a search, in the reader's language (core's English for a new code)."""
    code = getattr(exc, "code", "")
    params = getattr(exc, "params", ())
    for known, message in QUERY_ERRORS:
        if known == code:
            text = QCoreApplication.translate("Search", message)
            for i, value in enumerate(params, start=1):
                text = text.replace(f"%{i}", value)
            return text
    return str(exc)
