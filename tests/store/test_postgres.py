"""What only the PostgreSQL store has: connection errors that say what to do, reconnection."""

from __future__ import annotations

import pytest

from refrains.errors import StoreError
from refrains.store import open_store
from tests.store.conftest import with_database
from tests.store.helpers import stored

pytestmark = pytest.mark.postgres


def test_a_bad_url_or_an_unreachable_server_says_what_to_do(pg_server: str) -> None:
    with pytest.raises(StoreError, match=r"cannot connect to PostgreSQL .*check that the server is running"):
        open_store("postgresql://refrains:s3cret@127.0.0.1:1/refrains")
    with pytest.raises(StoreError) as info:
        open_store("postgresql://refrains:s3cret@127.0.0.1:1/refrains")
    assert "s3cret" not in str(info.value)  # the password never reaches a message
    with pytest.raises(StoreError, match=r"database must exist: createdb it first"):
        open_store(with_database(pg_server, "refrains_no_such_database"))
    with pytest.raises(StoreError, match=r"not a PostgreSQL connection URL"):
        open_store("postgresql://a:b@127.0.0.1/db?no_such_option=1")


def test_the_store_reconnects_after_the_server_dropped_its_connection(pg_database: str) -> None:
    import psycopg

    s = open_store(pg_database)
    try:
        s.add_documents([stored("d1", ["Before the drop."])])
        with psycopg.connect(pg_database, autocommit=True) as admin:  # what a server restart does to it
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        assert s.count_documents() == 1  # a read reconnects
        assert s.add_documents([stored("d2", ["After the drop."])]) == 1
        assert s.has_document("d2")
    finally:
        s.close()
    with pytest.raises(StoreError, match="the store was closed"):
        s.count_documents()
