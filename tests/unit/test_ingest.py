"""Ingest: every format, every encoding, bad records among good ones, refusals, order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refrains.errors import DecodeError, EmptyDocumentError, InputError
from refrains.ingest import DEFAULT_MAX_BYTES, FieldMap, iter_documents
from refrains.ingest.encodings import decode, normalize, repair_mojibake
from refrains.models import RawDocument
from tests.conftest import SEEDS, seed_text

TRADITIONAL = "中華民國的網路安全問題引起各界關注，政府表示將加強防護措施。\n數位發展部昨日說明。\n"
JAPANESE = "日本政府は、中国のハッカーによるサイバー攻撃について懸念を表明した。\n"
KOREAN = "한국 정부는 중국 해커들의 사이버 공격에 대해 우려를 표명했다.\n"
RUSSIAN = "Правительство Бельгии обвинило китайских хакеров в кибератаках.\n"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the project")


def items(*paths: Path | str, **kw: object) -> list[RawDocument | InputError]:
    return list(iter_documents(paths, **kw))  # type: ignore[arg-type]


def docs(*paths: Path | str, **kw: object) -> list[RawDocument]:
    out = items(*paths, **kw)
    assert all(isinstance(d, RawDocument) for d in out), out
    return out  # type: ignore[return-value]


def expected(text: str) -> str:
    return normalize(text)


# -- encodings ---------------------------------------------------------------------------------
@needs_seeds
@pytest.mark.parametrize("codec", ["gbk", "gb18030", "utf-16-le", "utf-16-be", "utf-16", "utf-32",
                                   "utf-8-sig"])
def test_chinese_seed_round_trips(codec: str) -> None:
    text = normalize(seed_text("003")).replace("\xa0", " ")  # GBK has no no-break space
    out, _ = decode(text.encode(codec), "003.txt")
    assert out == text


@needs_seeds
@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_short_chinese_lines_round_trip(codec: str) -> None:
    lines = [ln for ln in normalize(seed_text("003")).replace("\xa0", " ").split("\n") if ln.strip()]
    for line in lines:
        for n in (4, 10, 30):
            assert decode(line[:n].encode(codec), "x.txt")[0] == line[:n]


@needs_seeds
@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
@pytest.mark.parametrize("codec", ["cp1252", "utf-16-le", "utf-16-be", "utf-16"])
def test_western_seeds_round_trip(prefix: str, codec: str) -> None:
    text = normalize(seed_text(prefix))
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        pytest.skip(f"seed {prefix} has characters outside {codec}")
    assert decode(data, "x.txt")[0] == text


@pytest.mark.parametrize(("text", "codec", "family"), [
    (TRADITIONAL, "big5", {"cp950"}),
    (TRADITIONAL[:9], "big5", {"cp950"}),
    ("網路安全", "big5", {"cp950"}),
    (JAPANESE, "shift_jis", {"cp932"}),
    (JAPANESE[:12], "shift_jis", {"cp932"}),
    (JAPANESE, "euc_jp", {"euc_jp", "euc_jis_2004"}),
    (KOREAN, "euc_kr", {"cp949"}),
    (RUSSIAN, "cp1251", {"cp1251"}),
    ("Ελλάδα και Ευρώπη", "cp1253", {"cp1253"}),
    ("zażółć gęślą jaźń", "cp1250", {"cp1250"}),
    ("naïve résumé, €100 – «très» Größe", "cp1252", {"cp1252"}),
    ("café", "latin-1", {"cp1252"}),
])
def test_legacy_codepages(text: str, codec: str, family: set[str]) -> None:
    out, encoding = decode(text.encode(codec), "x.txt")
    assert out == text
    assert encoding in family


def test_bom_wins_and_is_dropped() -> None:
    assert decode("\ufeffabc".encode("utf-8"), "x") == ("abc", "utf-8-sig")
    assert decode("abc".encode("utf-16"), "x")[0] == "abc"
    assert decode("abc".encode("utf-32"), "x")[0] == "abc"


def test_normalisation() -> None:
    assert decode(b"a\r\nb\rcd\x07e\tf\x0cg", "x")[0] == "a\nb\ncde\tf\ng"
    assert normalize("a\x00b\u2028c\ufeff") == "ab\nc"
    assert decode("e\u0301".encode(), "x")[0] == "\u00e9"  # NFC


@pytest.mark.parametrize(("bad", "good"), [
    ("cafÃ©", "café"),
    ("Ã‰tat, dÃ©jÃ\xa0 vu â€“ â€œquotedâ€\x9d", "État, déjà vu – “quoted”"),
    ("ÃƒÂ©", "é"),  # mangled twice
])
def test_mojibake_repaired(bad: str, good: str) -> None:
    assert decode(bad.encode(), "x")[0] == good


@pytest.mark.parametrize("text", ["Ãlvaro, São Paulo", "Â", "ÃÃÃ", "naïve © 2020"])
def test_mojibake_repair_leaves_real_text_alone(text: str) -> None:
    assert repair_mojibake(text) == text


@pytest.mark.parametrize(("data", "what"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
    (b"\x7fELF\x02\x01\x01" + bytes(64), "ELF executable"),
    (b"\x1f\x8b\x08\x00" + bytes(16), "gzip archive"),
    (b"abc\x00\x01\x02\x03\xff\xfe\x00\x00\x10", "NUL bytes"),
])
def test_binary_refused(data: bytes, what: str) -> None:
    with pytest.raises(DecodeError) as err:
        decode(data, "x.txt")
    assert what in err.value.reason
    assert "refrains reads text, HTML, JSON, JSONL and CSV" in err.value.reason


# -- formats ---------------------------------------------------------------------------------------
def test_text_formats(tmp_path: Path) -> None:
    for ext in ("txt", "md", "text"):
        (tmp_path / f"a.{ext}").write_text("Hello world.\r\n", encoding="utf-8")
    out = docs(tmp_path)
    assert [Path(d.path).name for d in out] == ["a.md", "a.text", "a.txt"]
    assert {d.text for d in out} == {"Hello world.\n"}
    assert all(d.title is None and d.date is None and d.source is None and d.record is None for d in out)


def test_html_keeps_source_and_reads_meta(tmp_path: Path) -> None:
    html = ("<html><head><meta charset='gbk'><title>网络安全 | 新华网</title>"
            "<meta property='og:title' content='网络安全'>"
            "<meta property='og:site_name' content='新华网'>"
            "<meta property='article:published_time' content='2020-07-19T10:00:00+08:00'>"
            "<link rel='canonical' href='https://example.cn/a.html'></head>"
            "<body><article><p>据新华社报道，网络安全是全球性问题。</p></article></body></html>")
    (tmp_path / "a.html").write_bytes(html.encode("gbk"))
    (d,) = docs(tmp_path / "a.html")
    assert d.is_html and d.text == html and d.encoding == "gb18030"
    assert d.title == "网络安全"
    assert d.date == "2020-07-19"
    assert d.url == "https://example.cn/a.html"
    assert d.source == "新华网"


def test_html_time_element(tmp_path: Path) -> None:
    (tmp_path / "b.htm").write_text("<html><head><title>T</title></head><body><article>"
                                    "<time datetime='2021-03-04'>4 March</time><p>Text.</p>"
                                    "</article></body></html>", encoding="utf-8")
    (d,) = docs(tmp_path / "b.htm")
    assert d.date == "2021-03-04" and d.title == "T"


def test_json_shapes(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"content": "A.", "headline": "H", "outlet": "X"}))
    (tmp_path / "list.json").write_text(json.dumps([{"text": "B."}, {"body": "C.", "published": "2020-01-02"}]))
    (tmp_path / "wrapped.json").write_text(json.dumps({"documents": [{"article": "D.", "timestamp": 1595116800}]}))
    out = docs(tmp_path)
    by_text = {d.text: d for d in out}
    assert [d.path.rsplit("/", 1)[1] for d in out] == ["list.json", "list.json", "one.json", "wrapped.json"]
    assert by_text["A."].title == "H" and by_text["A."].source == "X" and by_text["A."].record is None
    assert by_text["C."].date == "2020-01-02" and by_text["C."].record == "item 2"
    assert by_text["D."].date == "2020-07-19T00:00:00Z"


def test_json_bad_records_among_good(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([{"text": "ok"}, {"title": "no text", "id": 3}, 7, {"text": " "}]))
    out = items(tmp_path / "a.json")
    assert isinstance(out[0], RawDocument)
    assert isinstance(out[1], InputError) and "item 2" in str(out[1]) and "'title', 'id'" in out[1].reason
    assert isinstance(out[2], InputError) and "expected a JSON object, got a number" in out[2].reason
    assert isinstance(out[3], EmptyDocumentError)


def test_invalid_json(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"text": "x",}')
    (err,) = items(tmp_path / "a.json")
    assert isinstance(err, InputError) and "invalid JSON at line 1" in err.reason


def test_jsonl_bad_line_does_not_stop_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "one"}\n\n{"text": "two"\n[1]\n{"text": "three", "site": "S"}\n')
    out = items(tmp_path / "a.jsonl")
    assert [type(x).__name__ for x in out] == ["RawDocument", "InputError", "InputError", "RawDocument"]
    assert out[0].record == "line 1" and out[3].record == "line 5"  # type: ignore[union-attr]
    assert str(out[1]).startswith(f"{tmp_path / 'a.jsonl'}:line 3: invalid JSON")
    assert out[3].source == "S"  # type: ignore[union-attr]


def test_csv_and_tsv(tmp_path: Path) -> None:
    big = "word " * 40_000  # 200 kB: over the csv module's default field limit
    (tmp_path / "a.csv").write_text(f'Title,Text,Date\nT1,"Line one\nline two",2020-01-01\nT2,{big},\n',
                                    encoding="utf-8")
    (tmp_path / "b.tsv").write_text("text\tsource\nhello\tX\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("title;content\nT;semicolons\n", encoding="utf-8")
    out = docs(tmp_path)
    assert [(d.record, d.title) for d in out] == [("row 2", "T1"), ("row 3", "T2"), ("row 2", None), ("row 2", "T")]
    assert out[0].text == "Line one\nline two" and out[0].date == "2020-01-01"
    assert out[1].text == big and out[1].date is None
    assert out[2].source == "X"


def test_csv_ragged_rows_and_missing_column(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("title,text\nA,one\nB,two,extra\nC\nD,four,\n", encoding="utf-8")
    out = items(tmp_path / "a.csv")
    assert [type(x).__name__ for x in out] == ["RawDocument", "InputError", "InputError", "RawDocument"]
    assert "row 3" in str(out[1]) and "has 3 fields but the header has 2" in str(out[1])
    assert "row 4" in str(out[2])
    (tmp_path / "b.csv").write_text("headline,summary\nA,b\n", encoding="utf-8")
    (err,) = items(tmp_path / "b.csv")
    assert isinstance(err, InputError) and "'headline', 'summary'" in err.reason and "FieldMap" in err.reason


def test_custom_field_map(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"story": "S.", "when": "2020", "text": "not this"}\n')
    fields = FieldMap(text="story", text_alternates=(), date="when")
    (d,) = docs(tmp_path / "a.jsonl", fields=fields)
    assert d.text == "S." and d.date == "2020"


# -- refusals ---------------------------------------------------------------------------------
def test_unsupported_binary_empty_oversized(tmp_path: Path) -> None:
    (tmp_path / "a.xyz").write_text("hello")
    (tmp_path / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / "c.txt").write_bytes(b"")
    (tmp_path / "d.txt").write_text("  \n\t\n")
    (tmp_path / "e.txt").write_text("x" * 2000)
    a, b, c, d, e = items(tmp_path, max_bytes=1000)
    assert a.reason == "unsupported file type '.xyz'; refrains reads .txt .md .html .json .jsonl .csv"  # type: ignore[union-attr]
    assert isinstance(b, DecodeError) and "PNG image" in b.reason
    assert isinstance(c, EmptyDocumentError) and c.reason == "file is empty"
    assert isinstance(d, EmptyDocumentError) and "file is empty" in d.reason
    assert isinstance(e, InputError) and "--max-bytes" in e.reason and "1000 bytes" in e.reason
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_oversized_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "big.txt").write_text("x" * 5000)

    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr("builtins.open", refuse)
    (err,) = items(tmp_path / "big.txt", max_bytes=100)
    assert "limit" in err.reason  # type: ignore[union-attr]


def test_missing_path() -> None:
    (err,) = items("/no/such/file.txt")
    assert isinstance(err, InputError) and err.reason == "no such file or directory"


# -- walking ----------------------------------------------------------------------------------
def test_order_is_deterministic_and_hidden_skipped(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/z.txt", "a/b/c.txt", "c d é.txt", "中文.txt", ".hidden.txt", ".git/x.txt", "a/.h/y.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"text of {rel}", encoding="utf-8")
    first = [d.path for d in docs(tmp_path)]
    assert first == [str(tmp_path / r) for r in ["a/b/c.txt", "a/z.txt", "b.txt", "c d é.txt", "中文.txt"]]
    assert [d.path for d in docs(tmp_path)] == first
    assert docs(tmp_path / "c d é.txt")[0].text == "text of c d é.txt"
    assert docs(tmp_path / ".hidden.txt")[0].path == str(tmp_path / ".hidden.txt")  # named explicitly
