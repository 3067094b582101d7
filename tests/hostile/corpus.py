"""A hostile-input corpus, written from the seed documents and from scratch.

``write_corpus(folder)`` writes every case and returns what each file should give:
documents (with the source text they must decode to, or phrases the extracted text must
hold, and the language) or errors (with a phrase the reason must contain). The seeds are
only read, never edited. The 200 MB file is written by :func:`write_big_file` on demand.

Run it by hand to look at the files::

    .venv/bin/python -m tests.hostile.corpus /tmp/hostile
"""

from __future__ import annotations

import codecs
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
WMT = ROOT.parent / "shared" / "benchmarks" / "wmt21-doc-translations" / "newstest2021_docs.dev.jsonl"

# Seed 003 (Simplified Chinese) in Traditional characters, converted by hand: Big5 has no
# code for most simplified forms, so the Big5 case is this text, not a lossy seed.
TRADITIONAL = (
    "中國駐比利時使館發言人就比利時政府所謂中方惡意網絡攻擊活動發表聲明答記者問。\n"
    "問：7月18日，比利時政府發表聲明，稱中國黑客對比利時內政部和國防部發動惡意網絡攻擊。請問你對此有何評論？\n"
    "答：比方的聲明極不嚴肅、極不負責任，我們對此強烈不滿。中國是網絡攻擊的受害者，始終堅決反對並依法打擊"
    "一切形式的網絡攻擊。我們敦促比方停止無端指責，以事實為依據，通過對話與合作共同應對網絡安全挑戰。\n"
)
# A Japanese text on the same story, for Shift-JIS (no seed is Japanese).
JAPANESE = (
    "在ベルギー中国大使館の報道官は十八日、ベルギー政府が中国によるサイバー攻撃を非難した声明について、"
    "記者の質問に答えた。\n報道官は、ベルギー側の声明は極めて無責任であり、事実に基づかない非難だと述べた。"
    "中国はサイバー攻撃の被害者であり、あらゆる形のサイバー攻撃に断固として反対していると強調した。"
    "両国は対話と協力を通じてサイバーセキュリティの課題に共に取り組むべきだと述べた。\n"
)
BIDI = "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f"


@dataclass
class Expect:
    """What one file must give."""

    name: str  # path relative to the corpus folder (str; may hold odd characters)
    category: str
    docs: list[dict[str, object]] = field(default_factory=list)
    """One per document: record label (None for a whole file), ``source`` (the text it must
    clean to the same result as) or ``contains`` (phrases of an HTML page), ``language``."""
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    """One per refused file or record: (record label or None, phrase of the reason)."""


def seeds() -> dict[str, str]:
    """Seed texts by their number ("000" ...)."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def seed_language(key: str) -> str:
    return {"002": "fr", "003": "zh"}.get(key, "en")


def wmt_texts(n: int, offset: int = 0) -> list[tuple[str, str]]:
    """``(language, text)`` of the first ``n`` distinct WMT21 source documents after ``offset``."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    with WMT.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = rec["src_text"]
            if text in seen:
                continue
            seen.add(text)
            if len(seen) <= offset:
                continue
            out.append((rec["src_lang"], text))
            if len(out) == n:
                break
    return out


def _cp1252_lenient(data: bytes) -> str:
    """How Windows software shows UTF-8 bytes read as cp1252 (undefined bytes kept as Latin-1)."""
    return "".join(codecs.decode(bytes([b]), "cp1252", errors="ignore") or chr(b) for b in data)


def path_of(folder: Path, name: str) -> Path:
    """The file of case ``name`` (names may hold undecodable bytes, kept as surrogates)."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + name.encode("utf-8", "surrogateescape")))


def _write(folder: Path, name: str, data: bytes | str) -> None:
    path = path_of(folder, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def write_corpus(folder: Path, seed: int = 7) -> list[Expect]:
    """Write the hostile corpus under ``folder`` and return the expectations."""
    rng = random.Random(seed)
    s = seeds()
    cases: list[Expect] = []

    def doc(name: str, category: str, data: bytes | str, source: str, language: str) -> None:
        _write(folder, name, data)
        cases.append(Expect(name, category, docs=[{"record": None, "source": source, "language": language}]))

    def err(name: str, category: str, data: bytes | str, reason: str) -> None:
        _write(folder, name, data)
        cases.append(Expect(name, category, errors=[(None, reason)]))

    # -- re-encoded seeds ----------------------------------------------------------------
    for key, text in s.items():
        lang = seed_language(key)
        for codec, label in (("utf-16", "utf-16-bom"), ("utf-16-be", "utf-16-be-nobom"),
                             ("utf-16-le", "utf-16-le-nobom"), ("utf-32", "utf-32-bom")):
            doc(f"enc/{label}/{key}.txt", label, text.encode(codec), text, lang)
        doc(f"enc/utf-16-be-bom/{key}.txt", "utf-16-be-bom", codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
            text, lang)
        doc(f"enc/utf-8-bom/{key}.txt", "utf-8-bom", text.encode("utf-8-sig"), text, lang)
        for codec in ("gbk", "gb18030", "big5", "shift_jis", "latin-1", "cp1252"):
            src = text.replace("\xa0", " ") if codec == "gbk" else text  # GBK has no NBSP
            try:
                data = src.encode(codec)
            except UnicodeEncodeError:
                continue  # this seed does not fit the codepage: not pretended with errors="ignore"
            doc(f"enc/{codec}/{key}.txt", codec, data, src, lang)
        if not text.isascii():  # UTF-8 read as Latin-1 / cp1252 and saved again as UTF-8
            raw = text.encode("utf-8")
            doc(f"mojibake/latin1-{key}.txt", "mojibake", raw.decode("latin-1").encode("utf-8"), text, lang)
            doc(f"mojibake/cp1252-{key}.txt", "mojibake", _cp1252_lenient(raw).encode("utf-8"), text, lang)
    doc("enc/big5/traditional.txt", "big5", TRADITIONAL.encode("big5"), TRADITIONAL, "zh")
    doc("enc/shift_jis/japanese.txt", "shift_jis", JAPANESE.encode("shift_jis"), JAPANESE, "ja")
    doc("enc/euc-jp/japanese.txt", "euc-jp", JAPANESE.encode("euc-jp"), JAPANESE, "ja")
    doc("enc/utf-16-le-nobom/japanese.txt", "utf-16-le-nobom", JAPANESE.encode("utf-16-le"), JAPANESE, "ja")

    # -- empty and binary ------------------------------------------------------------------
    for name, data in (("empty.txt", b""), ("empty.json", b""), ("empty.csv", b""), ("empty.html", b"")):
        err(f"empty/{name}", "empty", data, "empty")
    for name, data in (("spaces.txt", " \n\t  \r\n  \n"), ("spaces.md", "\u3000\u00a0 \n\n"),
                       ("bom-only.txt", "\ufeff"), ("spaces.jsonl", "\n\n   \n")):
        err(f"empty/{name}", "whitespace", data, "empty")
    err("empty/utf16-bom-only.txt", "whitespace", codecs.BOM_UTF16_LE, "empty")
    binaries = {
        "image.txt": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000)),
        "report.html": b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(3000)),
        "archive.json": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(3000)),
        "program.csv": b"\x7fELF\x02\x01\x01" + bytes(rng.randrange(256) for _ in range(3000)),
        "data.jsonl": b"SQLite format 3\x00" + bytes(4000),
        "compressed.md": b"\x1f\x8b\x08" + bytes(rng.randrange(256) for _ in range(3000)),
        "random.txt": bytes(rng.randrange(256) for _ in range(4096)),
        "zeros.txt": bytes(4096),
    }
    for name, data in binaries.items():
        err(f"binary/{name}", "binary", data, "binary")

    # -- control characters, NUL bytes, bidi overrides, giant sentences ---------------------
    base = s["000"]
    words = base.split(" ")
    ctrl = " ".join(w + (rng.choice(["\x01", "\x07", "\x1b", "\x7f", "\x08", "\x0e"]) if i % 7 == 3 else "")
                    for i, w in enumerate(words))
    doc("control/controls.txt", "control characters", ctrl, base, "en")
    nul = " ".join(w + ("\x00" if i % 40 == 5 else "") for i, w in enumerate(words))
    doc("control/stray-nul.txt", "NUL bytes", nul, base, "en")
    b4 = s["004"].split(" ")
    bidi = " ".join(w if i % 5 else rng.choice(BIDI) + w + rng.choice(BIDI) for i, w in enumerate(b4))
    doc("control/bidi.txt", "bidi overrides", bidi, s["004"], "en")
    doc("control/bidi-zh.txt", "bidi overrides", "\u202e" + s["003"] + "\u202c", s["003"], "zh")
    lang, wmt = wmt_texts(1)[0]
    run_on = " ".join(wmt.replace(".", " ").replace("!", " ").replace("?", " ").split())
    long_en = (run_on + " ") * (10_000 // len(run_on) + 1)
    doc("long/10k-sentence.txt", "10,000-character sentence", long_en[:10_000].strip(), long_en[:10_000].strip(),
        lang)
    zh = "".join(ch for ch in s["003"] if "\u4e00" <= ch <= "\u9fff")
    long_zh = (zh * (10_000 // len(zh) + 1))[:10_000]
    doc("long/10k-chinese.txt", "10,000-character sentence", long_zh, long_zh, "zh")
    nospace = "".join(base.split())[:1000] * 10
    doc("long/10k-no-spaces.txt", "10,000-character sentence", nospace, nospace, "en")

    # -- duplicates and names ---------------------------------------------------------------
    doc("dup/copy of 001.txt", "duplicate", s["001"], s["001"], "en")
    doc("dup/001 again.md", "duplicate", s["001"], s["001"], "en")
    doc("dup/001-crlf.txt", "duplicate", s["001"].replace("\n", "\r\n"), s["001"], "en")
    for name in ("names/with  two spaces.txt", "names/新闻 報道 ü.txt",
                 "names/$(touch pwned); `id` | & < > ' \" * ? [a].txt", "names/-leading-dash.txt",
                 "names/new\nline.txt", "names/tab\there.txt", "names/\udcff\udcfe-not-utf8-\udce9.txt"):
        txt = f"Fichier {name.rsplit('/', 1)[-1][:20]!r}\n\n" + s["002"]
        doc(name, "file names", txt, txt, "fr")

    # -- HTML -------------------------------------------------------------------------------
    body = "".join(f"<p>{p}</p>\n" for p in s["001"].split("\n") if p.strip())
    page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Q&amp;A</title></head><body>"
            f"<nav><a href=/>Home</a></nav><article>{body}</article><footer>© 2020</footer></body></html>")
    phrases = ["Belgian media reported that the US Department of Justice prosecuted two Chinese"]
    assert all(p in s["001"] for p in phrases)
    cases.append(Expect("html/truncated.html", "truncated HTML",
                        docs=[{"record": None, "contains": phrases, "language": "en"}]))
    _write(folder, "html/truncated.html", page[: int(len(page) * 0.8)])
    malformed = page.replace("</p>", "").replace("<p>", "<p><b><i>").replace("</article>", "</div></span>")
    _write(folder, "html/malformed.html", malformed)
    cases.append(Expect("html/malformed.html", "malformed HTML",
                        docs=[{"record": None, "contains": phrases, "language": "en"}]))
    zh_page = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
               "</head><body><article>" + "".join(f"<p>{p}</p>" for p in s["003"].replace("\xa0", " ").split("\n"))
               + "</article></body></html>")
    _write(folder, "html/gbk-declared.htm", zh_page.encode("gbk"))
    cases.append(Expect("html/gbk-declared.htm", "GBK HTML",
                        docs=[{"record": None, "contains": ["中国驻比利时使馆发言人"], "language": "zh"}]))
    err("html/only-script.html", "HTML without text", "<html><head><script>var a = 1;</script></head>"
        "<body><script>document.write('x')</script></body></html>", "no text left")
    err("html/tag-soup.html", "HTML without text", "<<<<>>>><<div<<p>>></" * 50, "no text left")

    # -- JSON -------------------------------------------------------------------------------
    docs2 = wmt_texts(6, offset=1)
    good = [{"title": f"t{i}", "text": t, "date": f"2021-03-0{i + 1}"} for i, (_, t) in enumerate(docs2)]
    full = json.dumps(good, ensure_ascii=False)
    err("json/truncated.json", "truncated JSON", full[: len(full) // 2], "invalid JSON")
    err("json/trailing-comma.json", "malformed JSON", '{"text": "A sentence.",}', "invalid JSON")
    err("json/top-level-string.json", "malformed JSON", '"just a string"', "expected a JSON object")
    err("json/deep.json", "malformed JSON", "[" * 100_000 + "]" * 100_000, "JSON")
    err("json/no-text-field.json", "malformed JSON", '{"headline": "x", "body_html": "<p>y</p>"}', "no text field")
    err("json/text-is-number.json", "malformed JSON", '{"text": 42}', "expected a string")
    _write(folder, "json/mixed-list.json", json.dumps([good[0], 7, good[1], {"text": ""}], ensure_ascii=False))
    cases.append(Expect("json/mixed-list.json", "malformed JSON",
                        docs=[{"record": "item 1", "source": docs2[0][1], "language": docs2[0][0]},
                              {"record": "item 3", "source": docs2[1][1], "language": docs2[1][0]}],
                        errors=[("item 2", "expected a JSON object"), ("item 4", "empty")]))
    huge = docs2[2][1] + "\n\n" + ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 6000)
    _write(folder, "json/huge-field.json", json.dumps({"text": huge}))
    cases.append(Expect("json/huge-field.json", "huge field",
                        docs=[{"record": None, "source": huge, "language": docs2[2][0]}]))

    # -- JSONL: one bad line among good ones, a truncated last line ---------------------------
    lines = [json.dumps(g, ensure_ascii=False) for g in good[2:6]]
    jl = "\n".join([lines[0], lines[1], '{"text": "broken", ', lines[2], "[1, 2, 3]", "", lines[3],
                    '{"text": "cut off in the mid'])
    _write(folder, "jsonl/one-bad-line.jsonl", jl)
    cases.append(Expect("jsonl/one-bad-line.jsonl", "malformed JSONL",
                        docs=[{"record": f"line {n}", "source": docs2[i][1], "language": docs2[i][0]}
                              for n, i in ((1, 2), (2, 3), (4, 4), (7, 5))],
                        errors=[("line 3", "invalid JSON"), ("line 5", "expected a JSON object"),
                                ("line 8", "invalid JSON")]))
    _write(folder, "jsonl/deep-line.jsonl", lines[0] + "\n" + "[" * 50_000 + "\n")
    cases.append(Expect("jsonl/deep-line.jsonl", "malformed JSONL",
                        docs=[{"record": "line 1", "source": docs2[2][1], "language": docs2[2][0]}],
                        errors=[("line 2", "JSON")]))

    # -- CSV: ragged rows, huge fields, a runaway quote -------------------------------------
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["title", "text", "date"])
    w.writerow(["a", docs2[0][1], "2021-01-01"])
    w.writerow(["b", "too", "many", "fields", "here"])
    w.writerow(["c"])
    w.writerow(["d", docs2[1][1], "2021-01-02"])
    w.writerow(["e", huge, "2021-01-03"])
    _write(folder, "csv/ragged.csv", buf.getvalue())
    cases.append(Expect("csv/ragged.csv", "ragged CSV",
                        docs=[{"record": "row 2", "source": docs2[0][1], "language": docs2[0][0]},
                              {"record": "row 5", "source": docs2[1][1], "language": docs2[1][0]},
                              {"record": "row 6", "source": huge, "language": docs2[2][0]}],
                        errors=[("row 3", "5 fields but the header has 3"),
                                ("row 4", "1 fields but the header has 3")]))
    q3, q4 = (docs2[i][1].replace('"', "'") for i in (3, 4))
    _write(folder, "csv/runaway-quote.csv", f'title,text\nx,"{q3}"\ny,"unterminated {q4}\n')
    cases.append(Expect("csv/runaway-quote.csv", "malformed CSV",
                        # the csv module reads a runaway quote to the end of the file: the text is kept
                        docs=[{"record": "row 2", "source": q3, "language": docs2[3][0]},
                              {"record": "row 3", "source": f"unterminated {q4}", "language": docs2[4][0]}]))
    err("csv/no-text-column.csv", "malformed CSV", "title,body_html\nx,y\n", "no text column")
    _write(folder, "csv/semicolons-cp1252.csv", ("titre;texte;text\nx;;" + s["002"].replace('"', "'")
                                                 .replace("\n", " ") + "\n").encode("cp1252"))
    cases.append(Expect("csv/semicolons-cp1252.csv", "cp1252 CSV",
                        docs=[{"record": "row 2", "source": s["002"].replace('"', "'").replace("\n", " "),
                               "language": "fr"}]))

    # -- not read at all ---------------------------------------------------------------------
    err("other/notes.docx", "unsupported type", b"PK\x03\x04" + bytes(100), "unsupported file type")
    err("other/README", "unsupported type", "A file without an extension.", "unsupported file type")
    return cases


BIG_BLOCK = ("The quick brown fox jumps over the lazy dog near the river bank. " * 16 + "\n")


def write_big_file(path: Path, size: int = 200 * 1000 * 1000, jsonl: bool = False) -> int:
    """A ``size``-byte text (or JSONL) file made by repeating one block; returns its size."""
    block = (json.dumps({"text": BIG_BLOCK.strip()}) + "\n") if jsonl else BIG_BLOCK
    chunk = (block * (1_000_000 // len(block) + 1)).encode("utf-8")
    written = 0
    with path.open("wb") as fh:
        while written < size:
            part = chunk[: size - written]
            fh.write(part)
            written += len(part)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    expectations = write_corpus(out)
    print(f"{len(expectations)} files written under {out}")
