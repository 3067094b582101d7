"""Fixtures that run the same store tests against every backend.

``store_url`` is parametrized over ``sqlite`` (a file in tmp_path) and ``postgres`` (a fresh
database per test on the server named by env ``REFRAINS_TEST_PG`` or ``.pg/dsn``, which
``make pg`` / scripts/pg-setup.sh writes; dropped afterwards). Without a server the postgres
cases are skipped, saying why, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from refrains.store import SERVER_SCHEMES, Store, open_store
from tests.conftest import ROOT

DSN_FILE = ROOT / ".pg" / "dsn"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The test server's DSN (a ``postgresql://`` URL whose user may create databases)."""
    dsn = os.environ.get("REFRAINS_TEST_PG", "").strip()
    if not dsn and DSN_FILE.is_file():
        dsn = DSN_FILE.read_text(encoding="utf-8").strip()
    if not dsn:
        _unavailable("no PostgreSQL for the store tests: run `make pg` (scripts/pg-setup.sh, as root) "
                     "or set REFRAINS_TEST_PG=postgresql://user:password@host:port/database")
    if not dsn.startswith(SERVER_SCHEMES):
        _unavailable(f"REFRAINS_TEST_PG must be a postgresql:// URL, not {dsn.split('=')[0]}=...")
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed: pip install -e '.[postgres]'")
    from refrains.store import redact

    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        _unavailable(f"cannot reach the test PostgreSQL at {redact(dsn)} ({str(exc).strip().splitlines()[0]}); "
                     "run `make pg` to start it")
    return dsn


def with_database(dsn: str, name: str) -> str:
    """``dsn`` pointing at database ``name``."""
    return urlsplit(dsn)._replace(path="/" + name).geturl()


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh, empty database (from template1, which has the extensions); dropped afterwards."""
    import psycopg

    name = f"refrains_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(pg_server, name)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store of each backend lives: a SQLite file path or a PostgreSQL URL."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return str(tmp_path / "r.db")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, empty store of each backend."""
    s = open_store(store_url)
    try:
        yield s
    finally:
        s.close()
