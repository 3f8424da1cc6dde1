"""The library: ``Library.open(path)`` and what it hands out.

A package of rooms of one job each behind the one facade (``facade.Library``); this module
keeps every name other modules import from ``reader.core.library``.
"""

from reader.core.library.connection import write_error
from reader.core.library.facade import ENV_VAR, Library, default_library_path
from reader.core.library.records import ArticleDetail, ArticleRow, SearchHit, SecurityInfo
from reader.core.library.userdata import USER_DATA_FORMAT
from reader.core.search import QueryError
from reader.core.store import LibraryDiskFull, LibraryError, LibraryReadOnly, open_database

__all__ = [
    "ENV_VAR",
    "USER_DATA_FORMAT",
    "ArticleDetail",
    "ArticleRow",
    "Library",
    "LibraryDiskFull",
    "LibraryError",
    "LibraryReadOnly",
    "QueryError",
    "SearchHit",
    "SecurityInfo",
    "default_library_path",
    "open_database",
    "write_error",
]
