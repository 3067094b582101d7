"""``refrains serve``: the JSON API and the web UI of a store, in one process.

Examples::

    refrains serve --db refrains.db                       # http://127.0.0.1:8000
    REFRAINS_TOKEN=s3cret refrains serve --host 0.0.0.0   # beyond localhost: writes need the token
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from typing import Any

from refrains.errors import RefrainsError
from refrains.store import redact


def check_exposure(host: str, token: str | None) -> None:
    """Refuse to listen beyond localhost without a token (writes would be open to anyone).

    Examples:
        >>> check_exposure("127.0.0.1", None)
        >>> check_exposure("0.0.0.0", None)
        Traceback (most recent call last):
        ...
        refrains.errors.RefrainsError: listening on 0.0.0.0 makes uploads open to the network; give --token TOKEN (or set REFRAINS_TOKEN), or serve on 127.0.0.1
    """
    from refrains.web.app import LOCAL_HOSTS

    if host not in LOCAL_HOSTS and not token:
        raise RefrainsError(f"listening on {host} makes uploads open to the network; give --token TOKEN "
                            "(or set REFRAINS_TOKEN), or serve on 127.0.0.1")


def cmd_serve(args: argparse.Namespace) -> int:
    """Validate the options and run the server until interrupted."""
    from refrains.config import load_settings
    from refrains.web.app import create_app

    token = args.token or os.environ.get("REFRAINS_TOKEN") or None
    check_exposure(args.host, token)
    if not 0 < args.max_upload_mib <= 1024:
        raise RefrainsError("--max-upload-mib must be between 1 and 1024")
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise RefrainsError("the server needs uvicorn: pip install uvicorn") from exc
    app = create_app(args.db, token=token, max_upload=int(args.max_upload_mib * 1024 * 1024),
                     settings=load_settings(args.config))
    print(f"refrains: serving {redact(args.db)} on http://{args.host}:{args.port}/ "
          f"(writes {'need the token' if token else 'open to this machine only'}; Ctrl-C stops)",
          file=sys.stderr, flush=True)
    # a large store's document list and search index are read while the server starts listening
    threading.Thread(target=app.state.web.warm, name="refrains-warm", daemon=True).start()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=args.log_level == "debug")
    return 0


def add_serve_parser(sub: Any, default_db: str) -> None:
    """Register ``serve`` on the subcommand parsers of ``refrains``."""
    v = sub.add_parser("serve", help="serve the JSON API and the web UI of a store",
                       epilog="Example: refrains serve --db refrains.db --port 8000")
    v.add_argument("--db", default=default_db, help=f"store file (default {default_db})")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    v.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    v.add_argument("--token", help="token required for writes (default: $REFRAINS_TOKEN); required beyond localhost")
    v.add_argument("--max-upload-mib", type=float, default=20, help="largest upload in MiB (default 20)")
    v.add_argument("--config", help="settings file (TOML) for analysing uploads")
    v.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    v.set_defaults(func=cmd_serve)
