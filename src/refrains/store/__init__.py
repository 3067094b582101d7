"""Where documents, sentences, vectors and analysis results live.

``open_store("refrains.db")`` gives the embedded SQLite store (the default). Every
backend implements :class:`refrains.store.base.Store`.
"""

from __future__ import annotations

from pathlib import Path

from refrains.errors import ConfigError
from refrains.store.base import Store, StoredDocument
from refrains.store.sqlite import SQLiteStore


def open_store(target: str | Path) -> Store:
    """Open (creating and migrating if needed) the store named by ``target``.

    Args:
        target: a file path for SQLite (the default backend).

    Examples:
        >>> store = open_store(":memory:")
        >>> store.count_documents()
        0
    """
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        raise ConfigError(f"{text}: the PostgreSQL store is not available in this version; use a file path")
    return SQLiteStore(text)


__all__ = ["SQLiteStore", "Store", "StoredDocument", "open_store"]
