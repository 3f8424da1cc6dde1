"""The peewee models and the frozen migrations describe one schema.

The migrations (``store.MIGRATIONS``) are the schema's truth: a library is built through them,
and every model's table is read back with peewee's introspection (``get_columns``,
``get_primary_keys``, ``get_foreign_keys``, ``get_indexes``).  A model that gains, loses or
changes a column (its type, NOT NULL, default, primary key, uniqueness or reference) without a
migration, or a migration that adds a table no model describes, fails here.

Indexes that serve only speed (``article_source``, ``label_name``...) are the migrations'
business and are not compared; unique ones are, since the models' ``unique=True`` and the
reader's ``INSERT OR IGNORE`` rely on them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from peewee import ForeignKeyField, Model, SqliteDatabase

from reader.core.store import DB_NAME, MODELS, migrate, open_database

# peewee's field types as SQLite declares them (peewee's own map for SQLite, spelled out: a
# field of a type not listed here fails the test rather than passing unchecked)
_SQLITE_TYPES = {"AUTO": "INTEGER", "INT": "INTEGER", "BOOL": "INTEGER", "TEXT": "TEXT", "BLOB": "BLOB"}
# the full-text index: a virtual table (and its shadow tables), written by raw SQL only
_NO_MODEL = "article_fts"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db_file = Path(tmp_path_factory.mktemp("schema")) / DB_NAME
    migrate(db_file)
    db = open_database(db_file)
    yield db
    db.close()


def _sql_default(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise AssertionError(f"a model default the test cannot compare: {value!r}")


def model_columns(model: type[Model]) -> dict[str, tuple[str, bool, str | None]]:
    """column -> (SQLite type, NOT NULL, default as SQL) as the model declares it."""
    out = {}
    for f in model._meta.sorted_fields:
        kind = f.field_type
        if isinstance(f, ForeignKeyField):
            kind = f.rel_field.field_type
        assert kind in _SQLITE_TYPES, f"{model.__name__}.{f.name}: field type {kind} not mapped"
        default = None if callable(f.default) else _sql_default(f.default)
        out[f.column_name] = (_SQLITE_TYPES[kind], not f.null, default)
    return out


def table_columns(db: SqliteDatabase, table: str) -> dict[str, tuple[str, bool, str | None]]:
    return {c.name: (c.data_type.upper(), not c.null, c.default) for c in db.get_columns(table)}


def schema_differences(db: SqliteDatabase, models: list[type[Model]]) -> list[str]:
    """Every way the models disagree with the migrated file (empty when they agree)."""
    wrong: list[str] = []
    tables = {t for t in db.get_tables() if not t.startswith(_NO_MODEL)}
    by_table = {m._meta.table_name: m for m in models}
    for t in sorted(tables - set(by_table)):
        wrong.append(f"table {t}: made by a migration, described by no model")
    for table, model in sorted(by_table.items()):
        if table not in tables:
            wrong.append(f"{model.__name__}: table {table} is made by no migration")
            continue
        pks = set(db.get_primary_keys(table))
        model_pks = {f.column_name for f in model._meta.get_primary_keys()}
        if pks != model_pks:
            wrong.append(f"{table}: primary key {sorted(pks)} in the file, {sorted(model_pks)} in the model")
        have, want = table_columns(db, table), model_columns(model)
        for col in sorted(set(have) | set(want)):
            if col not in want:
                wrong.append(f"{table}.{col}: in the file, not in the model")
            elif col not in have:
                wrong.append(f"{table}.{col}: in the model, made by no migration")
            else:
                (h_type, h_notnull, h_default), (w_type, w_notnull, w_default) = have[col], want[col]
                if h_type != w_type:
                    wrong.append(f"{table}.{col}: type {h_type} in the file, {w_type} in the model")
                # SQLite reports a rowid table's primary key as nullable; the key is checked above
                if col not in pks and h_notnull != w_notnull:
                    wrong.append(f"{table}.{col}: NOT NULL is {h_notnull} in the file, {w_notnull} in the model")
                if h_default != w_default:
                    wrong.append(f"{table}.{col}: default {h_default} in the file, {w_default} in the model")
        fks = {(k.column, k.dest_table, k.dest_column, k.on_delete.upper()) for k in db.get_foreign_keys(table)}
        model_fks = {(f.column_name, f.rel_model._meta.table_name, f.rel_field.column_name,
                      (f.on_delete or "NO ACTION").upper())
                     for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)}
        for fk in sorted(fks ^ model_fks):
            where = "the file" if fk in fks else "the model"
            wrong.append(f"{table}.{fk[0]}: reference {fk[1]}({fk[2]}) ON DELETE {fk[3]} only in {where}")
        unique = {tuple(i.columns) for i in db.get_indexes(table) if i.unique} - {tuple(sorted(pks))}
        model_unique = {(f.column_name,) for f in model._meta.sorted_fields if f.unique}
        for cols in sorted(unique ^ model_unique):
            where = "the file" if cols in unique else "the model"
            wrong.append(f"{table}{list(cols)}: unique only in {where}")
    return wrong


def test_every_model_matches_the_tables_the_migrations_make(migrated: SqliteDatabase) -> None:
    assert schema_differences(migrated, MODELS) == []


def test_a_model_changed_without_a_migration_is_caught(migrated: SqliteDatabase) -> None:
    """The comparison is not vacuous: models that drifted from the file are named."""
    from peewee import BooleanField, IntegerField, TextField

    from reader.core import store

    class Article(store.Article):  # a column no migration adds
        pinned = BooleanField(default=False)

        class Meta:
            table_name = "article"

    class Watch(store.Watch):  # NOT NULL dropped
        added_at = IntegerField(null=True)

    class Meta(store.Meta):  # a unique value no migration declares
        value = TextField(unique=True)

    drifted = [{store.Article: Article, store.Watch: Watch, store.Meta: Meta}.get(m, m) for m in MODELS]
    wrong = schema_differences(migrated, drifted)
    assert "article.pinned: in the model, made by no migration" in wrong
    assert "watch.added_at: NOT NULL is True in the file, False in the model" in wrong
    assert "meta['value']: unique only in the model" in wrong
