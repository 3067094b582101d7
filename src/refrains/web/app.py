"""The web application: JSON API under ``/api``, HTML pages everywhere else, one process.

``create_app(db)`` builds it; ``refrains serve`` runs it with uvicorn. Reads use one
SQLite connection per worker thread (WAL lets them read while a write goes on); every
write (an upload) goes through one lock, so there is only ever one writer.

Security, by default:

- document text is untrusted: templates autoescape it, and a Content-Security-Policy
  forbids inline and foreign scripts as a second line of defence;
- writes need the token (``Authorization: Bearer TOKEN`` or ``X-Refrains-Token``) when
  one is set, and one must be set to listen beyond localhost (see ``cli/serve.py``);
- cross-site form posts are refused (``Origin`` must match the host);
- request bodies are capped (``max_upload`` bytes, 413 above).
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from refrains.config import Settings, load_settings
from refrains.errors import ConfigError
from refrains.store import SERVER_SCHEMES, Store, open_store
from refrains.web.catalog import Catalog
from refrains.web.queries import SemanticIndex

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@dataclass
class WebState:
    """What every request may need: where the store is, its settings, the write lock, the search index
    and the list of documents kept between requests."""

    db: str
    settings: Settings
    token: str | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    uploads: Path | None = None
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    index: SemanticIndex = field(default_factory=SemanticIndex)
    catalog: Catalog = field(default_factory=Catalog)
    _local: threading.local = field(default_factory=threading.local)

    def store(self) -> Store:
        """This thread's read connection to the store."""
        st: Store | None = getattr(self._local, "store", None)
        if st is None:
            st = open_store(self.db)
            self._local.store = st
        return st

    def warm(self) -> None:
        """Read the document list and the search index now, so that a large store's first page
        and first search answer at once (``refrains serve`` runs this in a background thread)."""
        try:
            self.catalog.documents(self.store())
            self.index.warm(self.store())
        except Exception:  # a request meets, and reports, the same problem
            logger.warning("could not read the document list and search index ahead of requests", exc_info=True)

    def check_token(self, given: str | None) -> bool:
        """Whether a write is allowed with the token ``given`` (always, when the server has none)."""
        if not self.token:
            return True
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413, before they fill memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return msg

        async def tracked(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    import json

    body = json.dumps({"detail": f"request body over the upload limit of {limit} bytes; "
                                 "send smaller files or start the server with a larger --max-upload-mib"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_app(db: str | Path, *, token: str | None = None, max_upload: int = DEFAULT_MAX_UPLOAD,
               settings: Settings | None = None, uploads: str | Path | None = None) -> Any:
    """The FastAPI application serving the store at ``db``.

    Args:
        db: an existing store file (made by ``refrains analyze``), or a ``postgresql://`` URL.
        token: required on every write when given.
        max_upload: the largest request body accepted, in bytes.
        settings: pipeline settings for uploads (default: ``load_settings()``).
        uploads: where uploaded files are kept (default: ``<db>-uploads`` beside the store file;
            ``<database>-uploads`` in the working directory for a PostgreSQL store).

    Examples:
        >>> app = create_app("refrains.db")          # doctest: +SKIP
        >>> app.openapi()["info"]["title"]           # doctest: +SKIP
        'refrains'
    """
    try:
        from fastapi import FastAPI, Request
        from fastapi.exceptions import RequestValidationError
        from fastapi.responses import JSONResponse
        from fastapi.staticfiles import StaticFiles
        from starlette.exceptions import HTTPException as StarletteHTTPException
    except ImportError as exc:  # pragma: no cover - declared dependencies
        from refrains.errors import RefrainsError

        raise RefrainsError("the web server needs fastapi, uvicorn, jinja2 and python-multipart: "
                            "pip install -e . (they are dependencies of refrains)") from exc

    from refrains import __version__
    from refrains.web import api, views

    path = Path(db)
    server = str(db).startswith(SERVER_SCHEMES)  # a PostgreSQL URL: no file to check, none to put uploads beside
    if not server and str(db) != ":memory:" and not path.exists():
        raise ConfigError(f"{db}: no such store; create one with `refrains analyze PATH --db {db}`")
    if uploads:
        upload_dir = Path(uploads)
    elif server:
        upload_dir = Path((urlsplit(str(db)).path.strip("/") or "refrains") + "-uploads")
    else:
        upload_dir = path.with_name(path.stem + "-uploads")
    state = WebState(str(db), settings or load_settings(), token or None, max_upload, upload_dir)
    state.store()  # fail now, not on the first request, if the file is not a store

    app = FastAPI(title="refrains", version=__version__, docs_url=None, redoc_url=None,
                  description="Copies, translations, stories and talking points across languages, "
                              "with sentence-aligned evidence. Writes need the server's token when it has one.")
    app.state.web = state

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            host = request.headers.get("host", "")
            if origin and origin != "null" and origin.split("://", 1)[-1] != host:
                return JSONResponse({"detail": "cross-origin writes are refused"}, status_code=403)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Any:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
                    for e in exc.errors()]
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": "; ".join(problems), "errors": problems}, status_code=422)
        return views.error_page(request, 422, "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if request.url.path.startswith("/api") or request.url.path.startswith("/static"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return views.error_page(request, exc.status_code, str(exc.detail))

    app.include_router(api.router)
    app.include_router(views.router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    app.add_middleware(BodyLimit, limit=max_upload)
    return app


__all__ = ["DEFAULT_MAX_UPLOAD", "LOCAL_HOSTS", "BodyLimit", "WebState", "create_app"]
