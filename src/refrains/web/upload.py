"""Ingest by upload: files are kept beside the store and analysed by the one writer."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refrains.pipeline import Pipeline
from refrains.store import open_store

ALLOWED = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".csv", ".tsv")
"""File types an upload may carry (the readers of ``refrains.ingest``)."""


class UploadRejected(ValueError):
    """An uploaded file that is refused before analysis (the message says why)."""


@dataclass
class UploadResult:
    """What an upload did: documents added, already stored, files skipped with the reason."""

    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    documents: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"added": self.added, "existing": self.existing, "errors": self.errors, "documents": self.documents}


def safe_name(name: str) -> str:
    """A file name stripped of directories and odd characters, keeping its extension.

    Examples:
        >>> safe_name("../../etc/passwd.txt")
        'passwd.txt'
        >>> safe_name("Q&A <b>.html")
        'Q_A__b_.html'
    """
    base = re.split(r"[\\/]", name or "")[-1].strip() or "upload.txt"
    base = re.sub(r"[^\w.\-]", "_", base)
    return base.lstrip(".") or "upload.txt"


def check_name(name: str) -> str:
    """The safe name of an upload, or :class:`UploadRejected` when its type cannot be read."""
    safe = safe_name(name)
    if not safe.lower().endswith(ALLOWED):
        raise UploadRejected(f"{safe}: unsupported file type; upload {', '.join(ALLOWED)}")
    return safe


def store_files(folder: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write uploaded ``(name, content)`` pairs under ``folder``, one sub-folder per content hash."""
    out = []
    for name, data in files:
        sub = folder / hashlib.sha256(data).hexdigest()[:16]
        sub.mkdir(parents=True, exist_ok=True)
        target = sub / check_name(name)
        target.write_bytes(data)
        out.append(target)
    return out


def ingest_files(state: Any, files: list[tuple[str, bytes]]) -> UploadResult:
    """Keep ``files`` beside the store and analyse them; the caller holds the write lock."""
    assert state.uploads is not None
    paths = store_files(state.uploads, files)
    store = open_store(state.db)
    try:
        # the store's own embedder, whatever the server's settings say: vectors must be comparable
        settings = state.settings.replace(embedder=store.get_meta("embedder") or state.settings.embedder)
        pipe = Pipeline(settings, store)
        analysed = store.get_meta("analyzed") == "1"
        ingested = pipe.ingest(paths)  # the same two steps as Pipeline.run, to report ids
        if ingested.added or not analysed:
            pipe.analyze(ingested.added if analysed else None)
        result = UploadResult(ingested.added, ingested.existing,
                              [{"path": Path(e.path).name, "reason": e.reason} for e in ingested.errors],
                              store.count_documents())
    finally:
        store.close()
    state.index.invalidate()
    state.catalog.invalidate()
    return result
