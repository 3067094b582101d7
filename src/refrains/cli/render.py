"""Plain-text rendering of reports and store contents for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from refrains.models import Document, Story, TalkingPoint
from refrains.store import Store


def _name(d: Document | None, doc_id: str) -> str:
    if d is None:
        return doc_id
    return f"{d.path.rsplit('/', 1)[-1]} [{d.language}{', ' + d.date[:10] if d.date else ''}]"


def _short(text: str, n: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def stories(items: Sequence[Story], docs: dict[str, Document]) -> str:
    """Stories, one block each."""
    lines = [f"{len(items)} stories"]
    for s in items:
        span = f"{s.first_seen[:10] if s.first_seen else '?'}" + (
            f" .. {s.last_seen[:10]}" if s.last_seen and s.last_seen[:10] != (s.first_seen or "")[:10] else "")
        lines.append(f"  {s.id}  {len(s.documents)} docs  {'/'.join(s.languages)}  {span}  {_short(s.title or '', 70)}")
        lines.extend(f"      {_name(docs.get(d), d)}" for d in s.documents)
    return "\n".join(lines)


def points(items: Sequence[TalkingPoint], docs: dict[str, Document]) -> str:
    """Talking points with their occurrences."""
    lines = [f"{len(items)} talking points (most widespread first)"]
    for p in items:
        lines.append(f"  {p.id}  {len(p.documents)} docs  {'/'.join(p.languages)}  first {p.first_seen or '?'}"
                     f"  «{_short(p.label, 90)}»")
        for o in p.occurrences:
            lines.append(f"      {_name(docs.get(o.document), o.document)}: {_short(o.text, 90)}")
    return "\n".join(lines)


def summary(report: object) -> str:
    """The readable summary printed by ``refrains analyze``."""
    from refrains.pipeline import Report

    assert isinstance(report, Report)
    docs = {d.id: d for d in report.documents}
    st = report.stats
    lines = [(f"{st.get('documents', 0)} documents ({st.get('added', 0)} new, {st.get('already_stored', 0)} already "
             f"stored, {st.get('errors', 0)} skipped), {st.get('sentences', 0)} sentences, "
             f"{st.get('seconds', '?')} s"), ""]
    copies = [ln for ln in report.links if ln.relation in ("duplicate", "translation", "derivative")]
    lines.append(f"{len(copies)} copies")
    for ln in copies:
        arrow = "->" if ln.relation == "derivative" else "<->"
        lines.append(f"  {ln.relation:12s} {_name(docs.get(ln.source), ln.source)} {arrow} "
                     f"{_name(docs.get(ln.target), ln.target)}  score {ln.score:.2f}")
    other = [ln for ln in report.links if ln not in copies]
    lines.append(f"{len(other)} other links")
    for ln in other:
        lines.append(f"  {ln.relation:12s} {_name(docs.get(ln.source), ln.source)} -- "
                     f"{_name(docs.get(ln.target), ln.target)}  score {ln.score:.2f}")
    lines += ["", stories(report.stories, docs), "", points(report.talking_points[:15], docs)]
    return "\n".join(lines)


def document(doc: Document, store: Store) -> str:
    """One document: metadata, text, links, removed furniture."""
    lines = [f"{doc.id}  {doc.path}", f"title: {doc.title or '-'}", (f"language: {doc.language}  date: "
             f"{doc.date or '-'} ({doc.date_source or 'unknown'})  source: {doc.source or '-'}"), "", doc.text, ""]
    for ln in store.links():
        if doc.id in (ln.source, ln.target):
            other = ln.target if ln.source == doc.id else ln.source
            lines.append(f"link: {ln.relation} {'->' if ln.source == doc.id else '<-'} {other}  score {ln.score:.2f}")
    for r in doc.removed:
        lines.append(f"removed ({r.reason}): {_short(r.text, 100)}")
    return "\n".join(lines)


def evaluation(result: object) -> str:
    """A benchmark result as a table per language, with the published figures beside it."""
    from refrains.evaluate import EvalResult

    assert isinstance(result, EvalResult)
    lines = [f"{result.benchmark}  ({result.seconds:.1f} s)"]
    if result.per_language:
        cols = sorted({k for v in result.per_language.values() for k in v})
        width = {c: max(12, len(c) + 2) for c in cols}
        lines.append("  " + "language".ljust(12) + "".join(c.rjust(width[c]) for c in cols))
        for lang, vals in result.per_language.items():
            lines.append("  " + lang.ljust(12) + "".join(str(vals.get(c, "")).rjust(width[c]) for c in cols))
    lines.append("  metrics: " + ", ".join(f"{k} = {v}" for k, v in result.metrics.items()))
    for who, fig in result.published.items():
        lines.append(f"  published: {who}: {fig}")
    lines.extend(f"  note: {n}" for n in result.notes)
    return "\n".join(lines)


def quality_markdown(results: Sequence[object], command: str) -> str:
    """docs/quality.md: every benchmark's figures per language, with the published ones."""
    import datetime

    from refrains.evaluate import EvalResult

    out = ["# Quality on public benchmarks", "",
           (f"Generated by `refrains {command}` on {datetime.date.today().isoformat()} "
           "(do not edit by hand; run the command again)."), ""]
    for r in results:
        assert isinstance(r, EvalResult)
        out += [f"## {r.benchmark}", "", "| metric | value |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in r.metrics.items()]
        out.append("")
        if r.per_language:
            cols = sorted({k for v in r.per_language.values() for k in v})
            out += ["| language | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
            out += [f"| {lang} | " + " | ".join(str(v.get(c, "")) for c in cols) + " |"
                    for lang, v in r.per_language.items()]
            out.append("")
        out += [f"- published: {who}: {fig}" for who, fig in r.published.items()]
        out += [f"- note: {n}" for n in r.notes]
        out += [f"- time: {r.seconds:.0f} s", ""]
    return "\n".join(out)


def search(found: dict[str, Any]) -> str:
    """Search hits: score, document, language and sentence, best first."""
    lines: list[str] = []
    for kind, title in (("semantic", "closest in meaning"), ("text", "containing the words")):
        if found.get("mode") not in ("all", kind):
            continue
        hits = found.get(kind) or []
        lines.append(f"{len(hits)} sentences {title} to «{_short(str(found.get('query', '')), 60)}»")
        for h in hits:
            doc = h["document"]
            score = f"{h['score']:.3f}  " if h.get("score") is not None else ""
            where = f"{doc.get('name') or doc['id']} [{h['language']}{', ' + doc['date'][:10] if doc.get('date') else ''}]"
            lines.append(f"  {score}{where} #{h['sentence']}: {_short(h['text'], 100)}")
    return "\n".join(lines)
