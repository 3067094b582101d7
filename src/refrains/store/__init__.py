"""Where documents, sentences, vectors and analysis results live.

``open_store("refrains.db")`` gives the embedded SQLite store (the default);
``open_store("postgresql://user:password@host/refrains")`` the PostgreSQL + pgvector server
store (:mod:`refrains.store.postgres`, ``pip install 'refrains[postgres]'``), for teams
sharing one corpus. Every backend implements :class:`refrains.store.base.Store`.
"""

from __future__ import annotations

import re
from pathlib import Path

from refrains.store.base import AnalysisChanges, Store, StoredDocument
from refrains.store.sqlite import SQLiteStore

SERVER_SCHEMES = ("postgresql://", "postgres://")
"""URL schemes that name the PostgreSQL store; anything else is a SQLite file path."""


def redact(dsn: str) -> str:
    """The DSN with its password hidden, for messages.

    Examples:
        >>> redact("postgresql://ana:s3cret@db.example:5432/refrains")
        'postgresql://ana:***@db.example:5432/refrains'
        >>> redact("host=db password=s3cret dbname=refrains")
        'host=db password=*** dbname=refrains'
    """
    out = re.sub(r"(://[^:/@?#]*:)[^@/?#]*@", r"\1***@", dsn)
    return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)", r"\1***", out, flags=re.IGNORECASE)


def open_store(target: str | Path) -> Store:
    """Open (creating and migrating if needed) the store named by ``target``.

    Args:
        target: a file path for SQLite (the default backend), or a ``postgresql://`` URL
            of an existing PostgreSQL database (the schema is created on first use).

    Raises:
        StoreError: the store cannot be opened, with the reason and what to do.
        NotInstalled: a PostgreSQL URL without psycopg installed.

    Examples:
        >>> store = open_store(":memory:")
        >>> store.count_documents()
        0
    """
    text = str(target)
    if text.startswith(SERVER_SCHEMES):
        from refrains.store.postgres import PostgresStore  # optional dependency: imported only when asked for

        return PostgresStore(text)
    return SQLiteStore(text)


__all__ = ["SERVER_SCHEMES", "AnalysisChanges", "SQLiteStore", "Store", "StoredDocument", "open_store", "redact"]
