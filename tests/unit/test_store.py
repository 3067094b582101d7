from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from refrains.errors import StoreError
from refrains.models import Document, Link, Occurrence, Sentence, Story, TalkingPoint
from refrains.store import StoredDocument, open_store
from refrains.store.sqlite import MIGRATIONS, SQLiteStore


def stored(doc_id: str, texts: list[str], date: str | None = None) -> StoredDocument:
    body = " ".join(texts)
    sents, pos = [], 0
    for i, t in enumerate(texts):
        s = body.index(t, pos)
        sents.append(Sentence(doc_id, i, s, s + len(t), t, "en"))
        pos = s + len(t)
    vecs = np.eye(len(texts), 8, dtype=np.float32)
    return StoredDocument(Document(doc_id, f"{doc_id}.txt", body, "en", date=date), tuple(sents), vecs,
                          tuple(range(128)))


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    s = SQLiteStore(str(db))
    assert s.schema_version() == len(MIGRATIONS)
    s.close()
    s = SQLiteStore(str(db))  # re-opening applies nothing twice
    assert s.schema_version() == len(MIGRATIONS)
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM migrations").fetchone()
    assert rows[0] == len(MIGRATIONS)


def test_adding_the_same_documents_twice_adds_nothing(tmp_path: Path) -> None:
    s = open_store(tmp_path / "r.db")
    docs = [stored("d1", ["One sentence.", "Two sentences."]), stored("d2", ["Other text."])]
    assert s.add_documents(docs) == 2
    assert s.add_documents(docs) == 0
    assert s.count_documents() == 2
    keys, vecs = s.load_vectors()
    assert keys == [("d1", 0), ("d1", 1), ("d2", 0)]
    assert vecs.shape == (3, 8) and np.allclose(vecs[0], np.eye(1, 8)[0], atol=1e-3)
    assert [x.text for x in s.sentences("d1")] == ["One sentence.", "Two sentences."]
    assert s.integrity_errors() == []


def test_lookup_by_prefix_and_path(tmp_path: Path) -> None:
    s = open_store(tmp_path / "r.db")
    s.add_documents([stored("dabc1", ["x."]), stored("dabd2", ["y."])])
    s.add_path("dabc1", "copies/other-name.txt")
    assert s.document("dabc")
    assert s.document("dab") is None  # ambiguous prefix
    assert s.document("copies/other-name.txt") is not None


def test_identical_minhash_bands_make_candidates(tmp_path: Path) -> None:
    s = open_store(tmp_path / "r.db")
    s.add_documents([stored("d1", ["a."]), stored("d2", ["b."])])
    assert s.lsh_candidates() == [("d1", "d2")]


def test_analysis_is_replaced_atomically(tmp_path: Path) -> None:
    s = open_store(tmp_path / "r.db")
    s.add_documents([stored("d1", ["A claim about things here."], "2020-01-01"),
                     stored("d2", ["A claim about things there."], "2020-01-02")])
    occ = (Occurrence("d1", 0, "A claim about things here.", "en", "2020-01-01"),
           Occurrence("d2", 0, "A claim about things there.", "en", "2020-01-02"))
    point = TalkingPoint("p1", "A claim", ("d1", "d2"), ("en",), occ, "2020-01-01", "d1")
    s.save_analysis([Link("d1", "d2", "same_story", 0.9, {"why": "test"})],
                    [Story("s1", ("d1", "d2"), ("en",), "2020-01-01", "2020-01-02", "t")], [point],
                    {"d1": [{"kind": "number", "text": "5", "value": 5.0, "unit": None, "sentence": 0}]})
    assert s.links()[0].evidence == {"why": "test"}
    assert s.stories()[0].documents == ("d1", "d2")
    assert [o.document for o in s.points()[0].occurrences] == ["d1", "d2"]
    assert s.facts()["d1"][0]["value"] == 5.0
    with pytest.raises(sqlite3.IntegrityError):  # a bad write changes nothing
        s.save_analysis([Link("d1", "nope", "duplicate", 1.0)], [], [])
    assert len(s.links()) == 1 and len(s.points()) == 1


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite" * 100)
    with pytest.raises(StoreError, match="notes.db"):
        open_store(bad)


def test_full_text_search_finds_any_script(tmp_path: Path) -> None:
    s = open_store(tmp_path / "r.db")
    s.add_documents([stored("d1", ["中国始终是网络安全的坚定维护者。", "La Chine est aussi victime."])])
    assert [(d, i) for d, i, _ in s.search_text("网络安全")] == [("d1", 0)]
    assert [(d, i) for d, i, _ in s.search_text("victime")] == [("d1", 1)]
    assert s.search_text('"; DROP TABLE sentences; --') == []
    assert s.count_documents() == 1


def test_full_text_index_holds_each_stored_sentence_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # add_documents writes the index rows once per batch (a trigger per sentence made FTS5 write a
    # segment per sentence); a store made before that change loses its trigger, never indexes twice
    import refrains.store.sqlite as sqlite_store

    db = tmp_path / "r.db"
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", MIGRATIONS[:5])
    s = SQLiteStore(str(db))
    with s._tx() as tx:  # as the code of that schema wrote them: its trigger indexes each sentence
        tx.execute("INSERT INTO documents VALUES ('d1', 'd1.txt', NULL, 'en', NULL, NULL, NULL, NULL, NULL, "
                   "'Alpha one. Beta two.', '[]', 2, 0)")
        tx.executemany("INSERT INTO sentences VALUES ('d1', ?, ?, ?, ?, 'en', 'h', x'00')",
                       [(0, 0, 10, "Alpha one."), (1, 11, 20, "Beta two.")])
    s.close()
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", MIGRATIONS)
    s = SQLiteStore(str(db))
    assert s.add_documents([stored("d1", ["Alpha one.", "Beta two."]), stored("d3", ["Gamma three."]),
                            stored("d2", ["Delta four.", "Epsilon five."]), stored("d3", ["Gamma three."])]) == 2
    assert s.add_documents([]) == 0
    rows = s._db.execute("SELECT doc_id, idx, text FROM sentences_fts ORDER BY rowid").fetchall()
    assert rows == [("d1", 0, "Alpha one."), ("d1", 1, "Beta two."), ("d3", 0, "Gamma three."),
                    ("d2", 0, "Delta four."), ("d2", 1, "Epsilon five.")]
    assert [(d, i) for d, i, _ in s.search_text("psilon")] == [("d2", 1)]
    assert s._db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'sentences_fts_insert'"
                         ).fetchone()[0] == 0
    assert s.integrity_errors() == []
