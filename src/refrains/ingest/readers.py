"""One reader per file format, chosen by extension; each yields documents or errors.

A reader never raises for a bad record: it yields an :class:`~refrains.errors.InputError`
naming the file and the record (``line 3``, ``row 7``, ``item 2``) and goes on with the
next one. Metadata (title, date, source, url) comes from fields or HTML meta tags only;
dates written in the text are left to the clean stage.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from refrains.errors import EmptyDocumentError, InputError
from refrains.ingest.encodings import decode, normalize
from refrains.models import RawDocument

Item = RawDocument | InputError
Reader = Callable[[str, bytes, "FieldMap", int], Iterator[Item]]


@dataclass(frozen=True)
class FieldMap:
    """Which JSON keys / CSV columns hold a document's text and metadata.

    Each field is looked up by its main name, then its alternates, case-insensitively;
    the first non-empty value wins.

    Examples:
        >>> FieldMap().names("text")
        ('text', 'content', 'body', 'article')
        >>> FieldMap(text="story", text_alternates=()).names("text")
        ('story',)
    """

    text: str = "text"
    title: str = "title"
    date: str = "date"
    url: str = "url"
    source: str = "source"
    text_alternates: tuple[str, ...] = ("content", "body", "article")
    title_alternates: tuple[str, ...] = ("headline",)
    date_alternates: tuple[str, ...] = ("published", "pubdate", "publish_date", "published_at",
                                        "timestamp")
    url_alternates: tuple[str, ...] = ("link",)
    source_alternates: tuple[str, ...] = ("outlet", "site", "domain")

    def names(self, field: str) -> tuple[str, ...]:
        """The keys tried for ``field`` ("text", "title", "date", "url" or "source"), in order."""
        main: str = getattr(self, field)
        alternates: tuple[str, ...] = getattr(self, f"{field}_alternates")
        return (main, *[a for a in alternates if a != main])


def _where(path: str, record: str | None) -> str:
    return f"{path}:{record}" if record else path


def _empty(path: str, text: str) -> EmptyDocumentError | None:
    if text.strip():
        return None
    return EmptyDocumentError(path, "file is empty" if not text else "file is empty (whitespace only)")


# -- plain text -------------------------------------------------------------------------------
def read_text(path: str, data: bytes, fields: FieldMap, max_bytes: int) -> Iterator[Item]:
    """The whole file as one document."""
    text, encoding = decode(data, path)
    yield _empty(path, text) or RawDocument(path=path, text=text, encoding=encoding)


# -- HTML ---------------------------------------------------------------------------------------
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_html(path: str, data: bytes, fields: FieldMap, max_bytes: int) -> Iterator[Item]:
    """One document whose text is the HTML source, with title/date/url/site from meta tags."""
    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode(data, path, hint=declared.group(1).decode("ascii") if declared else None)
    empty = _empty(path, text)
    if empty:
        yield empty
        return
    title, date, url, source = html_metadata(text)
    yield RawDocument(path=path, text=text, title=title, date=date, source=source, url=url,
                      encoding=encoding, is_html=True)


def html_metadata(html: str) -> tuple[str | None, str | None, str | None, str | None]:
    """``(title, date, url, site name)`` from an HTML page's head, offline.

    Uses trafilatura's metadata extraction (``<title>``, og:/twitter: tags, JSON-LD,
    ``article:published_time``, ``<time datetime>``) with htmldate's quick search only,
    so a date written in the body text is not taken for the publication date.

    Examples:
        >>> html_metadata('<html><head><title>Hi</title><meta property="article:published_time" '
        ...               'content="2020-07-19T10:00:00Z"></head><body><p>x</p></body></html>')
        ('Hi', '2020-07-19', None, None)
    """
    from trafilatura.metadata import extract_metadata

    try:
        meta = extract_metadata(html, extensive=False)
    except Exception:  # noqa: BLE001 - malformed markup loses its metadata, not the document
        return None, None, None, None
    return meta.title or None, meta.date or None, meta.url or None, meta.sitename or None


# -- JSON / JSONL ------------------------------------------------------------------------------
def _lookup(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in reversed(list(record.items()))}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, "", [], {}):
            return value
    return None


def _meta_value(value: Any, field: str) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and field == "date":
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds
        try:
            return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, Mapping):  # NewsAPI-style {"source": {"id": ..., "name": ...}}
        value = value.get("name") or value.get("title")
    if isinstance(value, int | float | str):
        text = " ".join(normalize(str(value)).split())
        return text or None
    return None


def make_document(path: str, record: Mapping[str, Any], label: str | None, fields: FieldMap,
                  encoding: str) -> Item:
    """A RawDocument from one JSON object or CSV row, or the error that prevents it."""
    where = _where(path, label)
    value = _lookup(record, fields.names("text"))
    if value is None:
        keys = ", ".join(repr(str(k)) for k in record) or "none"
        wanted = " / ".join(repr(n) for n in fields.names("text"))
        if any(str(k).strip().lower() in {n.lower() for n in fields.names("text")} for k in record):
            return EmptyDocumentError(where, f"the text field ({wanted}) is empty")
        return InputError(where, f"no text field ({wanted}); the record has: {keys}. "
                                 "Map your field with FieldMap(text=...)")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n\n".join(value)  # a list of paragraphs
    if not isinstance(value, str):
        return InputError(where, f"the text field is {_json_type(value)}, expected a string (or a list of "
                                 "paragraph strings)")
    text = normalize(value)
    if not text.strip():
        return EmptyDocumentError(where, "the text field is empty")
    meta = {f: _meta_value(_lookup(record, fields.names(f)), f) for f in ("title", "date", "url", "source")}
    return RawDocument(path=path, text=text, title=meta["title"], date=meta["date"], source=meta["source"],
                       url=meta["url"], encoding=encoding, record=label)


def read_json(path: str, data: bytes, fields: FieldMap, max_bytes: int) -> Iterator[Item]:
    """An object (one document), a list of objects, or ``{"documents": [...]}``."""
    text, encoding = decode(data, path, newlines=False)
    if empty := _empty(path, text):
        yield empty
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield InputError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}; fix the file "
                               "(or write one object per line as .jsonl, so that a bad record costs only itself)")
        return
    except RecursionError:
        yield InputError(path, _TOO_DEEP)
        return
    if isinstance(value, dict) and isinstance(value.get("documents"), list):
        value = value["documents"]
    if isinstance(value, dict):
        yield make_document(path, value, None, fields, encoding)
        return
    if not isinstance(value, list):
        yield InputError(path, f"expected a JSON object or a list of objects, got {_json_type(value)}; "
                               "a document is an object with a text field")
        return
    for n, item in enumerate(value, 1):
        label = f"item {n}"
        if isinstance(item, dict):
            yield make_document(path, item, label, fields, encoding)
        else:
            yield InputError(_where(path, label), f"expected a JSON object, got {_json_type(item)}; "
                             "a document is an object with a text field")


_TOO_DEEP = ("invalid JSON: arrays or objects nested too deeply to read (thousands of levels); "
             "a document is an object with a text field")


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def read_jsonl(path: str, data: bytes, fields: FieldMap, max_bytes: int) -> Iterator[Item]:
    """One JSON object per line; blank lines are skipped, bad lines reported by number."""
    text, encoding = decode(data, path, newlines=False)
    if empty := _empty(path, text):
        yield empty
        return
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        label = f"line {n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(_where(path, label), f"invalid JSON at column {exc.colno}: {exc.msg}; fix or remove "
                                                  "this line (the other lines are read)")
            continue
        except RecursionError:
            yield InputError(_where(path, label), _TOO_DEEP)
            continue
        if isinstance(item, dict):
            yield make_document(path, item, label, fields, encoding)
        else:
            yield InputError(_where(path, label), f"expected a JSON object, got {_json_type(item)}; "
                             "a document is an object with a text field")


# -- CSV / TSV ---------------------------------------------------------------------------------
def _delimiter(text: str, tsv: bool) -> str:
    if tsv:
        return "\t"
    first = text.split("\n", 1)[0]
    return max(",;\t|", key=lambda d: (first.count(d), d == ","))


def read_csv(path: str, data: bytes, fields: FieldMap, max_bytes: int) -> Iterator[Item]:
    """A header row, then one document per row; rows are numbered as in a spreadsheet.

    The header is row 1, so the first document is ``row 2``. A ``.csv`` file may be
    separated by commas, semicolons, tabs or pipes (whichever the header uses most).
    """
    # Whole articles in one cell exceed the csv module's 128 KiB default.
    csv.field_size_limit(max(csv.field_size_limit(), min(max_bytes, sys.maxsize, 2**31 - 1)))
    text, encoding = decode(data, path, newlines=False)
    if empty := _empty(path, text):
        yield empty
        return
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, path.lower().endswith(".tsv")))
    n = 0
    try:
        header: list[str] | None = None
        for row in rows:
            n += 1
            if header is None:
                header = [h.strip() for h in row]
                if not ({h.lower() for h in header} & {x.lower() for x in fields.names("text")}):
                    wanted = " / ".join(repr(x) for x in fields.names("text"))
                    yield InputError(path, f"no text column ({wanted}) in the header; the columns are: "
                                           f"{', '.join(repr(h) for h in header)}. Rename one or map it "
                                           "with FieldMap(text=...)")
                    return
                continue
            if not row or not any(cell.strip() for cell in row):
                continue  # blank line
            label = f"row {n}"
            if len(row) > len(header) and not any(c.strip() for c in row[len(header):]):
                row = row[: len(header)]  # trailing separators
            if len(row) != len(header):
                yield InputError(_where(path, label), f"has {len(row)} fields but the header has "
                                                      f"{len(header)}; check quoting and separators")
                continue
            yield make_document(path, dict(zip(header, row, strict=True)), label, fields, encoding)
    except csv.Error as exc:
        yield InputError(_where(path, f"row {n + 1}"), f"unreadable CSV ({exc}); the rest of the file is skipped")


READERS: dict[str, Reader] = {
    ".txt": read_text, ".md": read_text, ".text": read_text,
    ".html": read_html, ".htm": read_html, ".xhtml": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl, ".ndjson": read_jsonl,
    ".csv": read_csv, ".tsv": read_csv,
}
"""Reader for each file extension (lower case, with the dot)."""
