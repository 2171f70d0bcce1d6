"""gunicorn's settings for GovHall: `gunicorn -c python:govhall.config.gunicorn govhall.config.wsgi`.

`govhall demo` and bench/submit.py start the server with these; docs/operations.md explains the choice, and
docs/configuration.md lists the environment variables declared here (through govhall.config.env, no Django).
Threaded workers keep connections alive (a reverse proxy or an API client reuses them) and overlap a
request's database waits with another request's Python work; a few processes use the cores.
"""

from __future__ import annotations

import os

from govhall.config.env import config as _setting  # not `config`: gunicorn reads that name as its -c option

_GROUP = "Web server (gunicorn)"
bind = _setting("WEB_BIND", "127.0.0.1:8000", group=_GROUP, help="address and port gunicorn listens on")
workers = _setting(
    "WEB_WORKERS",
    (os.cpu_count() or 1) + 1,
    group=_GROUP,
    doc_default="CPU cores + 1",
    help="gunicorn worker processes",
)
worker_class = "gthread"
threads = _setting(
    "WEB_THREADS",
    4,
    group=_GROUP,
    help="threads per worker process; with PostgreSQL allow `WEB_WORKERS × WEB_THREADS` connections, "
    "plus the workers'",
)
keepalive = 30  # seconds an idle keep-alive connection stays open
timeout = 60
limit_request_line = 0  # long search and filter query strings
# The application, and below every module a request reaches, is imported once in the master before the
# workers fork: no request waits for imports (SpiffWorkflow alone loads its XML schemas at import), and
# the workers share that memory. Nothing here opens a database connection, so none is shared.
preload_app = True


def when_ready(server: object) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every API and page module
