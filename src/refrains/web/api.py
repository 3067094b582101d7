"""The JSON API (``/api/...``): thin routes over :mod:`refrains.web.queries`.

Pydantic models live here only, to describe the HTTP edge in the OpenAPI schema
(``/openapi.json``). Listing endpoints take ``offset`` and ``limit`` (1..500).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Header, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, Field

from refrains.errors import RefrainsError
from refrains.web import queries
from refrains.web.app import WebState
from refrains.web.upload import UploadRejected, check_name, ingest_files

router = APIRouter(prefix="/api", tags=["api"])

Offset = Annotated[int, Query(ge=0, description="index of the first item")]
Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT, description="items per page (1..500)")]


def web(request: Request) -> WebState:
    """The application's state (store, settings, lock)."""
    state: WebState = request.app.state.web
    return state


State = Annotated[WebState, Depends(web)]


# -- models -----------------------------------------------------------------------------------
class DocumentSummary(BaseModel):
    id: str
    title: str
    language: str
    date: str | None = None
    source: str | None = None
    outlet: str
    url: str | None = None
    path: str
    name: str
    story: str | None = None


class PageMeta(BaseModel):
    total: int
    offset: int
    limit: int
    next_offset: int | None = Field(None, description="offset of the next page; null on the last")


class DocumentPage(PageMeta):
    items: list[DocumentSummary]


class LinkView(BaseModel):
    other: dict[str, Any]
    relation: str = Field(description="duplicate, translation, derivative, same_story or shared_points")
    direction: str = Field(description="'derived from', 'source of' (derivative) or 'both ways'")
    score: float
    is_copy: bool
    pairs: int = Field(description="aligned sentence pairs in the evidence")
    coverage: dict[str, float]
    source: str
    target: str


class PointRef(BaseModel):
    id: str
    label: str
    sentences: list[int]
    documents: int
    languages: list[str]
    first_document: str
    first_here: bool


class Removed(BaseModel):
    text: str
    reason: str


class SentenceOut(BaseModel):
    index: int
    start: int
    end: int
    text: str
    language: str


class DocumentDetail(DocumentSummary):
    title_full: str | None = None
    text: str = Field(description="the cleaned text")
    date_source: str | None = None
    encoding: str
    sentences: list[SentenceOut]
    links: list[LinkView]
    points: list[PointRef]
    removed: list[Removed] = Field(description="page furniture taken out by cleaning, and why")
    facts: list[dict[str, Any]]


class StoryOut(BaseModel):
    id: str
    title: str
    first_seen: str | None = None
    last_seen: str | None = None
    languages: list[str]
    documents: list[str]
    size: int
    outlets: list[str]
    by_language: list[dict[str, Any]]


class StoryPage(PageMeta):
    items: list[StoryOut]


class PointSummary(BaseModel):
    id: str
    label: str
    documents: list[str]
    languages: list[str]
    first_seen: str | None = None
    first_document: str
    occurrences: int


class PointPage(PageMeta):
    items: list[PointSummary]


class OccurrenceOut(BaseModel):
    document: str
    sentence: int
    text: str
    language: str
    date: str | None = None
    first: bool


class GraphEdge(BaseModel):
    source: str
    target: str
    relation: str = Field(description="the copy relation joining them, or 'first appearance'")
    via_copy: bool
    undated: bool = Field(description="either end has no date: the direction is a guess")


class PointDetail(BaseModel):
    id: str
    label: str
    documents: list[str]
    languages: list[str]
    first_seen: str | None = None
    first_document: str
    occurrences: list[OccurrenceOut]
    spread: list[dict[str, Any]]
    edges: list[GraphEdge] = Field(description="which document took the point from which (see the page)")


class PairOut(BaseModel):
    a: int
    b: int
    cosine: float
    margin: float | None = None
    by: Literal["meaning", "position"]


class CompareOut(BaseModel):
    a: dict[str, Any]
    b: dict[str, Any]
    relation: dict[str, Any] | None = None
    pairs: list[PairOut]
    unmatched_a: list[int] = Field(description="sentences of a with no counterpart in b (what b dropped)")
    unmatched_b: list[int] = Field(description="sentences of b with no counterpart in a (what b added)")
    dropped: list[PairOut] = Field(description="positional pairs not trusted (the documents do not align "
                                               "as a translation)")
    n_a: int
    n_b: int
    coverage_a: float
    coverage_b: float
    monotonic: float
    translation_like: bool
    by_position: int


class SearchHit(BaseModel):
    document: dict[str, Any]
    sentence: int
    text: str
    language: str
    score: float | None = Field(None, description="cosine (semantic hits)")


class SearchOut(BaseModel):
    query: str
    mode: str
    text: list[SearchHit] = Field(description="sentences containing the query as written")
    semantic: list[SearchHit] = Field(description="sentences closest in meaning, in any language")


class UploadOut(BaseModel):
    added: list[str]
    existing: list[str]
    errors: list[dict[str, str]]
    documents: int


# -- routes -----------------------------------------------------------------------------------
@router.get("/health", summary="liveness and store size")
def health(state: State) -> dict[str, Any]:
    return {"ok": True, "documents": state.store().count_documents(), "writes_need_token": bool(state.token)}


@router.get("/documents", response_model=DocumentPage, summary="documents, filtered and paginated")
def documents(state: State, offset: Offset = 0, limit: Limit = 50,
              language: Annotated[str | None, Query(max_length=20, description="language code, e.g. fr")] = None,
              source: Annotated[str | None, Query(max_length=200, description="outlet")] = None,
              story: Annotated[str | None, Query(max_length=64, description="story id")] = None,
              since: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                                                 description="first date, YYYY[-MM[-DD]]")] = None,
              until: Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                                                 description="last date, YYYY[-MM[-DD]]")] = None,
              ) -> dict[str, Any]:
    return queries.list_documents(state.store(), language=language, source=source, story=story, since=since,
                                  until=until, offset=offset, limit=limit, catalog=state.catalog).as_dict()


@router.get("/documents/{doc:path}", response_model=DocumentDetail, summary="one document: text, links, points")
def document(state: State, doc: str) -> dict[str, Any]:
    found = queries.document_detail(state.store(), doc)
    if found is None:
        raise HTTPException(404, f"{doc}: no document with this id, unique id prefix or path")
    return found


@router.post("/documents", response_model=UploadOut, status_code=201,
             summary="ingest uploaded files (.txt .md .html .json .jsonl .csv); needs the token if set")
def upload(state: State, files: Annotated[list[UploadFile], File(description="one or more files")],
           authorization: Annotated[str | None, Header()] = None,
           x_refrains_token: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    given = x_refrains_token or (authorization[7:] if authorization and authorization.startswith("Bearer ") else None)
    if not state.check_token(given):
        raise HTTPException(401, "writes need the server's token: send 'Authorization: Bearer TOKEN'",
                            headers={"WWW-Authenticate": "Bearer"})
    payload = []
    for f in files:
        try:
            check_name(f.filename or "")
        except UploadRejected as exc:
            raise HTTPException(415, str(exc)) from exc
        payload.append((f.filename or "upload.txt", f.file.read()))
    if not state.write_lock.acquire(timeout=300):
        raise HTTPException(503, "another upload is being analysed; try again shortly")
    try:
        return ingest_files(state, payload).as_dict()
    except RefrainsError as exc:
        raise HTTPException(400, str(exc)) from exc
    finally:
        state.write_lock.release()


@router.get("/stories", response_model=StoryPage, summary="stories over time, paginated")
def stories(state: State, offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
    return queries.list_stories(state.store(), offset, limit, state.catalog).as_dict()


@router.get("/stories/{story}", response_model=StoryOut, summary="one story with its documents by language")
def story(state: State, story: str) -> dict[str, Any]:
    found = queries.story_detail(state.store(), story)
    if found is None:
        raise HTTPException(404, f"{story}: no story with this id")
    return found


@router.get("/points", response_model=PointPage, summary="talking points, most widespread first")
def points(state: State, offset: Offset = 0, limit: Limit = 50,
           language: Annotated[str | None, Query(max_length=20)] = None,
           document: Annotated[str | None, Query(max_length=64, description="document id or prefix")] = None,
           ) -> dict[str, Any]:
    return queries.list_points(state.store(), language=language, document=document, offset=offset,
                               limit=limit).as_dict()


@router.get("/points/{point}", response_model=PointDetail, summary="a talking point with every occurrence")
def point(state: State, point: str) -> dict[str, Any]:
    found = queries.point_detail(state.store(), point)
    if found is None:
        raise HTTPException(404, f"{point}: no talking point with this id")
    found["edges"] = found["graph"]["edges"]
    return found


@router.get("/compare", response_model=CompareOut, summary="sentence alignment of two documents")
def compare(state: State, a: Annotated[str, Query(min_length=1, max_length=300, description="document a")],
            b: Annotated[str, Query(min_length=1, max_length=300, description="document b")]) -> dict[str, Any]:
    found = queries.compare(state.store(), a, b, state.settings.link.align)
    if found is None:
        raise HTTPException(404, f"no document {a!r} or {b!r} (ids, unique id prefixes or paths)")
    return found


@router.get("/search", response_model=SearchOut, summary="full-text and cross-lingual semantic search")
def search(state: State, q: Annotated[str, Query(min_length=1, max_length=1000, description="query")],
           mode: Annotated[Literal["all", "text", "semantic"], Query()] = "all",
           limit: Annotated[int, Query(ge=1, le=100)] = 20,
           language: Annotated[str | None, Query(max_length=20, description="only hits in this language")] = None,
           ) -> dict[str, Any]:
    return queries.search(state.store(), state.index, q, mode, limit, language)
