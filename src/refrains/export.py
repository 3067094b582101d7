"""Exports for the tools analysts already use: JSONL, CSV, Parquet (pandas/DuckDB), GEXF (Gephi).

Each export writes one file per table into a folder: ``documents``, ``links``, ``stories``,
``talking_points`` and ``facts``. Nested values (evidence, lists) are JSON text in CSV,
and JSON text or lists in Parquet; GEXF writes one graph file, ``refrains.gexf``, whose
nodes are documents and whose edges are links.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from refrains.errors import ConfigError, NotInstalled
from refrains.store import Store

FORMATS = ("jsonl", "csv", "parquet", "gexf")
TABLES = ("documents", "links", "stories", "talking_points", "facts")


def rows(store: Store, table: str) -> Iterator[dict[str, Any]]:
    """Flat records of one table (lists and evidence stay Python objects)."""
    if table == "documents":
        story_of = {d: s.id for s in store.stories() for d in s.documents}
        for d in store.documents():
            yield {"id": d.id, "path": d.path, "title": d.title, "language": d.language, "date": d.date,
                   "source": d.source, "url": d.url, "story": story_of.get(d.id), "text": d.text}
    elif table == "links":
        for ln in store.links():
            yield {"source": ln.source, "target": ln.target, "relation": ln.relation, "score": ln.score,
                   "evidence": ln.evidence}
    elif table == "stories":
        for s in store.stories():
            yield {"id": s.id, "title": s.title, "first_seen": s.first_seen, "last_seen": s.last_seen,
                   "languages": list(s.languages), "documents": list(s.documents)}
    elif table == "talking_points":
        for p in store.points():
            yield {"id": p.id, "label": p.label, "first_seen": p.first_seen, "first_document": p.first_document,
                   "languages": list(p.languages), "documents": list(p.documents),
                   "occurrences": [o.as_dict() for o in p.occurrences]}
    elif table == "facts":
        for doc, facts in store.facts().items():
            for f in facts:
                yield {"document": doc, **f}
    else:
        raise ConfigError(f"unknown table {table!r}; choose from {', '.join(TABLES)}")


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in row.items()}


def export(store: Store, fmt: str, out: str | Path, tables: tuple[str, ...] = TABLES) -> list[Path]:
    """Write the store's tables in ``fmt`` into folder ``out``; returns the files written.

    Examples:
        >>> export(open_store("refrains.db"), "csv", "exports/")   # doctest: +SKIP
        [PosixPath('exports/documents.csv'), ...]
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "gexf":
        path = folder / "refrains.gexf"
        write_gexf(store, path)
        return [path]
    written = []
    for table in tables:
        data = list(rows(store, table))
        path = folder / f"{table}.{fmt}"
        if fmt == "jsonl":
            with path.open("w", encoding="utf-8") as fh:
                for r in data:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            fields = list(data[0]) if data else ["id"]
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=fields)
                w.writeheader()
                w.writerows(_flat(r) for r in data)
        else:
            _parquet(data, path)
        written.append(path)
    return written


def _parquet(data: list[dict[str, Any]], path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise NotInstalled("pyarrow", "parquet") from exc
    flat = [_flat(r) for r in data]
    for key in (flat[0] if flat else {}):
        kinds = {type(r.get(key)) for r in flat if r.get(key) is not None}
        if len(kinds) > 1:  # a column mixing numbers and text (a fact's value) is stored as JSON text
            for r in flat:
                r[key] = None if r.get(key) is None else json.dumps(r[key], ensure_ascii=False)
    table = pa.Table.from_pylist(flat) if flat else pa.table({"id": pa.array([], pa.string())})
    pq.write_table(table, path)


def write_gexf(store: Store, path: Path) -> None:
    """A GEXF 1.3 graph: documents as nodes (language, date, source, story), links as edges."""
    ns = "http://gexf.net/1.3"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}gexf", version="1.3")
    graph = ET.SubElement(root, f"{{{ns}}}graph", defaultedgetype="directed", mode="static")
    node_attrs = ["language", "date", "source", "story", "path"]
    edge_attrs = ["relation"]
    for cls, names in (("node", node_attrs), ("edge", edge_attrs)):
        attrs = ET.SubElement(graph, f"{{{ns}}}attributes", {"class": cls})
        for i, name in enumerate(names):
            ET.SubElement(attrs, f"{{{ns}}}attribute", id=str(i), title=name, type="string")
    nodes = ET.SubElement(graph, f"{{{ns}}}nodes")
    for r in rows(store, "documents"):
        node = ET.SubElement(nodes, f"{{{ns}}}node", id=r["id"], label=(r["title"] or r["text"][:80] or r["id"]))
        values = ET.SubElement(node, f"{{{ns}}}attvalues")
        for i, name in enumerate(node_attrs):
            ET.SubElement(values, f"{{{ns}}}attvalue", {"for": str(i), "value": str(r.get(name) or "")})
    edges = ET.SubElement(graph, f"{{{ns}}}edges")
    for i, ln in enumerate(store.links()):
        edge = ET.SubElement(edges, f"{{{ns}}}edge", id=str(i), source=ln.source, target=ln.target,
                             weight=f"{ln.score:.4f}", label=ln.relation)
        values = ET.SubElement(edge, f"{{{ns}}}attvalues")
        ET.SubElement(values, f"{{{ns}}}attvalue", {"for": "0", "value": ln.relation})
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def read_gexf(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Nodes and edges of a GEXF file written by :func:`write_gexf` (for round-trip checks)."""
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(path).getroot()
    nodes = [dict(n.attrib) for n in root.iterfind(".//g:nodes/g:node", ns)]
    edges = [dict(e.attrib) for e in root.iterfind(".//g:edges/g:edge", ns)]
    return nodes, edges
