"""HTML pages: thin routes that call :mod:`refrains.web.queries` and render a template.

Templates autoescape everything (document text is untrusted input scraped from the web);
no template marks anything ``|safe``, and a unit test keeps it so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from refrains import __version__
from refrains.web import queries
from refrains.web.api import State
from refrains.web.upload import UploadRejected, check_name, ingest_files

TEMPLATES = Path(__file__).parent / "templates"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.globals.update(version=__version__, urlencode=urlencode)
_env.filters["day"] = lambda v: (v or "")[:10] or "undated"
_env.filters["pct"] = lambda v: f"{100 * float(v or 0):.0f}%"
templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; every page gets the writes-need-token flag for its forms."""
    state = request.app.state.web
    context.setdefault("needs_token", bool(state.token))
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An HTML error page (the API answers JSON instead)."""
    return render(request, "error.html", status=status, status_code=status, message=message, title="Error")


@router.get("/", response_class=HTMLResponse)
def home(request: Request, state: State) -> HTMLResponse:
    page = queries.list_stories(state.store(), 0, queries.MAX_LIMIT, state.catalog)
    stories = page.items
    return render(request, "stories.html", title="Stories over time", stories=stories,
                  plot=queries.stories_timeline(stories), total=page.total,
                  documents=state.store().count_documents())


@router.get("/stories/{story}", response_class=HTMLResponse)
def story(request: Request, state: State, story: str) -> HTMLResponse:
    found = queries.story_detail(state.store(), story)
    if found is None:
        raise HTTPException(404, f"{story}: no story with this id")
    return render(request, "story.html", title=found["title"] or found["id"], story=found)


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, state: State, offset: Annotated[int, Query(ge=0)] = 0,
              limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 50,
              language: Annotated[str | None, Query(max_length=20)] = None,
              source: Annotated[str | None, Query(max_length=200)] = None,
              story: Annotated[str | None, Query(max_length=64)] = None) -> HTMLResponse:
    page = queries.list_documents(state.store(), language=language or None, source=source or None,
                                  story=story or None, offset=offset, limit=limit, catalog=state.catalog)
    filters = {k: v for k, v in {"language": language, "source": source, "story": story}.items() if v}
    return render(request, "documents.html", title="Documents", page=page.as_dict(), filters=filters,
                  facets=queries.facets(state.store(), state.catalog))


@router.get("/documents/{doc:path}", response_class=HTMLResponse)
def document(request: Request, state: State, doc: str) -> HTMLResponse:
    found = queries.document_detail(state.store(), doc)
    if found is None:
        raise HTTPException(404, f"{doc}: no document with this id, unique id prefix or path")
    return render(request, "document.html", title=found["title"], doc=found)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, state: State, a: Annotated[str, Query(min_length=1, max_length=300)],
            b: Annotated[str, Query(min_length=1, max_length=300)]) -> HTMLResponse:
    found = queries.compare(state.store(), a, b, state.settings.link.align)
    if found is None:
        raise HTTPException(404, f"no document {a!r} or {b!r}")
    return render(request, "compare.html", title="Side by side", cmp=found)


@router.get("/points", response_class=HTMLResponse)
def points(request: Request, state: State, offset: Annotated[int, Query(ge=0)] = 0,
           limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 50,
           language: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    page = queries.list_points(state.store(), language=language or None, offset=offset, limit=limit)
    return render(request, "points.html", title="Talking points", page=page.as_dict(), language=language or "")


@router.get("/points/{point}", response_class=HTMLResponse)
def point(request: Request, state: State, point: str) -> HTMLResponse:
    found = queries.point_detail(state.store(), point)
    if found is None:
        raise HTTPException(404, f"{point}: no talking point with this id")
    return render(request, "point.html", title=found["label"], point=found)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, state: State, q: Annotated[str, Query(max_length=1000)] = "",
           mode: Annotated[str, Query(pattern="^(all|text|semantic)$")] = "all") -> HTMLResponse:
    result = queries.search(state.store(), state.index, q, mode, 20) if q.strip() else None
    return render(request, "search.html", title="Search", q=q, mode=mode, result=result)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request) -> HTMLResponse:
    return render(request, "upload.html", title="Add documents", result=None, error=None)


@router.post("/upload", response_class=HTMLResponse)
def upload(request: Request, state: State, files: list[UploadFile],
           token: Annotated[str | None, Form()] = None) -> Any:
    if not state.check_token(token):
        return render(request, "upload.html", status=401, title="Add documents", result=None,
                      error="wrong or missing token: this server needs its token for writes")
    try:
        payload = [(f.filename or "upload.txt", f.file.read()) for f in files if check_name(f.filename or "")]
    except UploadRejected as exc:
        return render(request, "upload.html", status=415, title="Add documents", result=None, error=str(exc))
    if not state.write_lock.acquire(timeout=300):
        raise HTTPException(503, "another upload is being analysed; try again shortly")
    try:
        result = ingest_files(state, payload)
    finally:
        state.write_lock.release()
    if len(result.added) == 1 and not result.errors:
        return RedirectResponse(f"/documents/{result.added[0]}", status_code=303)
    return render(request, "upload.html", title="Add documents", result=result.as_dict(), error=None)
