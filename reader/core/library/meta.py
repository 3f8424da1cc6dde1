"""The library's own key/value settings (``meta``): the tokenizer's version, watched folders,
user data waiting for its article.  Peewee throughout: a handful of rows, read rarely."""

from __future__ import annotations

from collections.abc import Iterable

from reader.core.library.connection import Connection
from reader.core.store import Meta


class Settings:
    def __init__(self, conn: Connection):
        self.c = conn

    def get(self, key: str) -> str | None:
        value = self.c.q(Meta.select(Meta.value).where(Meta.key == key)).scalar()
        return None if value is None else str(value)

    def put(self, key: str, value: str) -> None:
        """Write one value (inside the caller's transaction)."""
        self.c.q(Meta.insert(key=key, value=value).on_conflict_replace()).execute()

    def delete(self, key: str) -> None:
        self.c.q(Meta.delete().where(Meta.key == key)).execute()

    def with_prefix(self, prefix: str) -> Iterable[tuple[str, str]]:
        """(key, value) of every key starting with ``prefix``."""
        query = Meta.select(Meta.key, Meta.value).where(Meta.key.startswith(prefix))
        return [(str(k), str(v)) for k, v in self.c.q(query.tuples())]
