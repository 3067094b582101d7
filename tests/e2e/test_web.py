"""`refrains serve` on the seed corpus, driven in Debian's headless Chromium.

Screenshots of every page are written to $REFRAINS_SCREENSHOTS when it is set
(``REFRAINS_SCREENSHOTS=docs/screenshots``), else to a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.web.harness import browser, serve

pytestmark = pytest.mark.slow

FRENCH_QUERY = ("Selon le Centre national de réponse aux urgences informatiques, environ 52 000 serveurs situés "
                "à l'étranger contrôlaient 5,31 millions d'ordinateurs en Chine")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    tmp = tmp_path_factory.mktemp("web")
    db = tmp / "seeds.db"
    res = subprocess.run([sys.executable, "-m", "refrains", "analyze", str(seeds), "--db", str(db), "-q"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert res.returncode == 0, res.stderr
    shots = Path(os.environ.get("REFRAINS_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with serve(db, ROOT) as base, browser() as b:
        ctx = b.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        yield {"base": base, "page": page, "shots": shots, "dialogs": dialogs, "tmp": tmp}
        ctx.close()


def api(site: dict[str, Any], path: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(site["base"] + path, timeout=60) as res:
        return json.loads(res.read().decode())


def doc_id(site: dict[str, Any], prefix: str) -> str:
    return str(api(site, f"/api/documents/{prefix}")["id"])


def shot(site: dict[str, Any], name: str) -> None:
    site["page"].screenshot(path=str(site["shots"] / f"{name}.png"), full_page=True)


def test_click_through_story_document_side_by_side_point(site: dict[str, Any]) -> None:
    page, base = site["page"], site["base"]
    page.goto(base + "/")
    assert page.locator("section.story").count() == 3
    assert page.locator("#stories-timeline circle").count() == 3
    shot(site, "stories")
    first = page.locator("section.story").first  # the July 2020 story: en + fr
    assert first.locator("table.bylang th").all_inner_texts() == ["EN", "FR"] or \
        [t.lower() for t in first.locator("table.bylang th").all_inner_texts()] == ["en", "fr"]
    first.locator("a.doc", has_text="001_").click()
    page.wait_for_url(re.compile(r"/documents/d"))
    assert "Q&A from Spokesperson" in page.locator("#doc-title").inner_text()
    assert page.locator("#doc-text mark.point").count() >= 5
    assert page.locator("#copies .link.translation").count() == 1
    assert page.locator("#removed details").count() >= 1
    shot(site, "document")

    page.locator("#copies .link.translation a.sbs").click()
    page.wait_for_url(re.compile(r"/compare\?"))
    rows = page.locator("#sbs tbody tr")
    assert rows.count() == 18
    assert page.locator("#sbs tr.unmatched_a, #sbs tr.unmatched_b").count() == 0, "every sentence is paired"
    assert page.locator("#n-unmatched-a").inner_text() == "0" and page.locator("#n-unmatched-b").inner_text() == "0"
    shot(site, "side-by-side-translation")

    page.go_back()
    page.locator("#points .pt a").first.click()
    page.wait_for_url(re.compile(r"/points/p"))
    assert page.locator("#point-timeline circle.occ").count() >= 2
    assert page.locator("#point-timeline circle.first-ring").count() == 1
    assert page.locator("#occurrences tbody tr").count() >= 2


def test_side_by_side_of_a_rewrite_marks_what_it_added(site: dict[str, Any]) -> None:
    page = site["page"]
    page.goto(site["base"] + "/compare?a=001&b=000")
    added = " ".join(page.locator("#sbs tr.unmatched_b td.sb").all_inner_texts())
    assert "later indicted two Chinese nationals" in added
    assert "Li Xiaoyu and Dong Jiazhi" in added
    dropped = " ".join(page.locator("#sbs tr.unmatched_a td.sa").all_inner_texts())
    assert "Cyberspace should not become a new battlefield" in dropped
    assert "derivative" in page.locator("#cmp-summary").inner_text()
    shot(site, "side-by-side-rewrite")


def test_cncert_talking_point_shows_003_and_004_on_a_timeline(site: dict[str, Any]) -> None:
    d3, d4 = doc_id(site, "003"), doc_id(site, "004")
    points = api(site, "/api/points?limit=500")["items"]
    cncert = [p for p in points if {d3, d4} <= set(p["documents"]) and re.search(r"52,000|5\.31", p["label"])]
    assert cncert, [p["label"] for p in points]
    page = site["page"]
    page.goto(site["base"] + f"/points/{cncert[0]['id']}")
    on_timeline = {c.get_attribute("data-doc") for c in page.locator("#point-timeline circle.occ").all()}
    assert {d3, d4} <= on_timeline
    assert page.locator("#point-timeline circle.first-ring").count() == 1
    assert {c.get_attribute("data-doc") for c in page.locator("#point-graph circle.node").all()} >= {d3, d4}
    assert page.locator("#point-graph line.edge").count() == len(cncert[0]["documents"]) - 1
    langs = set(page.locator("#occurrences tbody tr td:nth-child(2)").all_inner_texts())
    assert {"en", "zh"} <= langs
    shot(site, "talking-point")


def test_cross_lingual_search_finds_the_chinese_sentence(site: dict[str, Any]) -> None:
    page = site["page"]
    page.goto(site["base"] + "/documents")
    assert page.locator("#documents tbody tr").count() == 5
    shot(site, "documents")
    page.fill("#search-q", FRENCH_QUERY)
    page.press("#search-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    hits = page.locator("#semantic-hits li")
    top = [(h.get_attribute("data-language"), h.get_attribute("data-doc")) for h in hits.all()[:5]]
    assert ("zh", doc_id(site, "003")) in top, top
    assert "531万" in page.locator("#semantic-hits li[data-language=zh]").first.inner_text()
    shot(site, "search")


EVIL = {
    "title": "Evil <script>window.__xss='title';alert('title')</script><img src=x onerror=\"window.__xss='img'\">",
    "source": "<b onmouseover=\"window.__xss='source'\">Evil outlet</b>",
    "url": "javascript:window.__xss='url'",
    "date": "2020-07-27",
    "text": ("A report <script>window.__xss='text';alert('text')</script> with <img src=x onerror=alert('img')>.\n"
             "We have repeatedly emphasized that China has never posed any threat to Belgium.\n"
             "PRISM and a series of other events in the past have shown that the United States has been "
             "conducting cyber theft on a scale larger than any other country.\n"
             "<svg onload=alert('svg')></svg> and onerror=alert(2) end here."),
}


def test_script_in_an_uploaded_document_shows_as_text_everywhere(site: dict[str, Any]) -> None:
    page, base = site["page"], site["base"]
    evil = site["tmp"] / "evil.json"
    evil.write_text(json.dumps(EVIL), encoding="utf-8")
    page.goto(base + "/upload")
    shot(site, "upload")
    page.set_input_files("#files", str(evil))
    page.locator("form.upload button").click()
    page.wait_for_url(re.compile(r"/documents/d"), timeout=120_000)
    evil_id = page.url.rsplit("/", 1)[-1]
    detail = api(site, f"/api/documents/{evil_id}")
    assert "<script>" in detail["text"] or "onerror=" in detail["text"], "the payload must reach the store"
    assert "<script>" in page.locator("#doc-title").inner_text()
    assert page.locator("#doc-title script, #doc-text script, #doc-text img, #doc-title img").count() == 0
    shot(site, "xss-document")

    pages = ["/", "/documents", f"/documents/{evil_id}", f"/compare?a={evil_id}&b=001",
             f"/compare?a=001&b={evil_id}", "/search?q=onerror&mode=all", "/points"]
    if detail["story"]:
        pages.append(f"/stories/{detail['story']}")
    pages += [f"/points/{p['id']}" for p in detail["points"]]
    for url in pages:
        page.goto(base + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", url
        assert page.locator("main script, main img, main [onerror], main [onload], main [onmouseover]").count() == 0, url
        assert page.locator("a[href^='javascript:']").count() == 0, url
    assert site["dialogs"] == [], site["dialogs"]
    assert "Evil" in page.content()
