"""Read files and directories into :class:`~refrains.models.RawDocument` records.

``iter_documents`` walks its paths in a fixed order and yields one record per document,
or an :class:`~refrains.errors.InputError` per bad file or record, so that one broken
file never stops a batch. Submodules: ``encodings`` (bytes to text), ``readers`` (one
reader per format).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from refrains.errors import InputError
from refrains.ingest.encodings import decode
from refrains.ingest.readers import READERS, FieldMap, Item
from refrains.models import RawDocument

__all__ = ["DEFAULT_MAX_BYTES", "FieldMap", "decode", "iter_documents"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Files larger than this (50 MiB) are refused unread; raise it with ``--max-bytes``."""

_KNOWN = ".txt .md .html .json .jsonl .csv"


def iter_documents(paths: Iterable[str | Path], fields: FieldMap | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | InputError]:
    """Documents, or errors naming the file and record, from files and directories.

    Directories are walked recursively in sorted order, skipping hidden files and
    directories (names starting with "."); paths given explicitly are read whatever
    their name. The order is deterministic: the paths as given, each directory sorted
    by name.

    Args:
        paths: files and directories.
        fields: which JSON keys / CSV columns hold text and metadata (default
            :class:`FieldMap`).
        max_bytes: larger files are refused without being read.

    Yields:
        One :class:`RawDocument` per document (a file, or a record of a JSON, JSONL or
        CSV file), or an :class:`InputError` per file or record that cannot be read.

    Examples:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "a.txt").write_text("Hello.", encoding="utf-8")
        >>> _ = (d / "b.jsonl").write_text('{"text": "One."}\\n{oops}\\n', encoding="utf-8")
        >>> for item in iter_documents([d]):
        ...     print(type(item).__name__, item.record if isinstance(item, RawDocument) else item.reason)
        RawDocument None
        RawDocument line 1
        InputError invalid JSON at column 2: Expecting property name enclosed in double quotes; fix or remove this line (the other lines are read)
    """
    fields = fields or FieldMap()
    for given in paths:
        name = os.fspath(given)
        if os.path.isdir(name):
            for file in _walk(name):
                if isinstance(file, InputError):
                    yield file
                else:
                    yield from read_file(file, fields, max_bytes)
        elif os.path.exists(name):
            yield from read_file(name, fields, max_bytes)
        else:
            yield InputError(display_path(name), "no such file or directory")


def _walk(directory: str) -> Iterator[str | InputError]:
    """Visible files under ``directory``, depth first, each directory sorted by name."""
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield InputError(display_path(directory), f"cannot list the directory ({exc.strerror or exc})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(directory, entry.name)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        elif entry.is_file():
            yield path


def read_file(path: str, fields: FieldMap | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Documents or errors from one file (see :func:`iter_documents`).

    Examples:
        >>> next(read_file("notes.xyz")).reason
        "unsupported file type '.xyz'; refrains reads .txt .md .html .json .jsonl .csv"
    """
    fields = fields or FieldMap()
    name, path = path, display_path(path)  # open ``name``; report and store ``path``
    ext = os.path.splitext(path)[1].lower()
    reader = READERS.get(ext)
    if reader is None:
        kind = f"'{ext}'" if ext else "(no extension)"
        yield InputError(path, f"unsupported file type {kind}; refrains reads {_KNOWN}")
        return
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            yield InputError(path, f"file is {_mib(size)}, over the {_mib(max_bytes)} limit; raise it with "
                                   f"--max-bytes (e.g. --max-bytes {size}) or split the file")
            return
        with open(name, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        yield InputError(path, f"cannot read the file ({exc.strerror or exc})")
        return
    if len(data) > max_bytes:  # grew since stat
        yield InputError(path, f"file is over the {_mib(max_bytes)} limit; raise it with --max-bytes")
        return
    try:
        yield from reader(path, data, fields, max_bytes)
    except InputError as exc:  # DecodeError, or an EmptyDocumentError raised by a reader
        yield exc


def display_path(path: str) -> str:
    """``path`` as printable UTF-8: bytes of a file name that are not UTF-8 become ``\\xNN``.

    Python keeps such bytes as lone surrogates, which neither SQLite nor a JSON report
    can store.

    Examples:
        >>> display_path("caf\\udce9.txt")
        'caf\\\\xe9.txt'
    """
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n} bytes"
