"""The public Open311 reads as a plain ASGI app, in front of Django's handler.

``umbrella/asgi.py`` routes ``GET /open311/v2/requests.{json,xml}`` and
``GET /open311/v2/requests/<id>.{json,xml}`` here. These are the platform's
busiest public answers (integrators and dashboards poll them), the same for
everyone, and they need nothing of what Django's middlewares do for a page:
no session, sign-in, CSRF, language negotiation (``locale`` picks the
language) or messages. Run through the handler, those middlewares cost
each request several hops between the event loop and a thread, more CPU
than the answer itself (``docs/reports.md``, figures).

What the handler does that matters here is done here too:

- the ``Host`` header is checked against ``ALLOWED_HOSTS`` (a bad one goes
  on to Django, which answers its 400);
- the answer is the views' own (``views._requests``,
  ``views._request_detail``), run on a small pool of threads that keep
  their database connections healthy, as the handler would (``_in_pool``);
- the site's security headers are added (``core.middleware.security_headers``);
- an unexpected error is logged and answers 500 in the spec's error shape.

Answers with status 200 are cached (``REPORTS_OPEN311_CACHE_SECONDS``,
default 10) under the version of the public data that every action bumps
when it commits (``actions.common.public_data_changed``), read *before* the
data: an entry never holds data older than its version. A cached answer is
served after one trip to the pool (the cache may be Redis) and no database
query. POST, HEAD and anything else go to Django.
"""

from __future__ import annotations

import io
import logging
import re
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connection
from django.utils import translation
from django.utils.translation import gettext as _

from umbrella.core.middleware import security_headers
from umbrella.reports.actions.common import PUBLIC_VERSION_KEY, public_version
from umbrella.reports.open311 import answers, views

logger = logging.getLogger(__name__)

# As Django's <str:...> converters in urls.py: no slash in a part.
PATH = re.compile(r"^/open311/v2/requests(?:/(?P<request_id>[^/]+))?\.(?P<fmt>[^/]+)$")
THREADS = 4
_pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="open311")


def _match(scope):
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    match = PATH.match(scope["path"])
    if match is None or match["fmt"] not in answers.CONTENT_TYPES:
        return None
    return match


def wants_public_read(scope) -> bool:
    return _match(scope) is not None


def cache_seconds() -> int:
    return settings.REPORTS_OPEN311_CACHE_SECONDS


def _in_pool(function):
    """Run ``function`` on the pool's threads, keeping their database connections healthy.

    As Django's handler does, a connection is closed after a request, and
    with it goes any broken state; PostgreSQL's come back from the pool
    quickly. A SQLite connection is kept open in its thread while it works:
    opening one costs more than the answer (the WAL pragmas, and a page
    cache that starts empty), and the pool has a fixed few threads.
    """

    def call(*args):
        try:
            return function(*args)
        finally:
            if connection.vendor != "sqlite" or connection.errors_occurred:
                close_old_connections()

    return sync_to_async(call, thread_sensitive=False, executor=_pool)


def _lookup(request: ASGIRequest, fmt: str) -> tuple[int, bytes] | None:
    if not cache_seconds():
        return None
    version = cache.get(PUBLIC_VERSION_KEY) or 0
    return cache.get(views.cache_key(request, fmt, answers.locale_of(request), version))


def _answer(request: ASGIRequest, fmt: str, request_id: str | None) -> tuple[int, bytes]:
    version = public_version()  # before the data: see the module's docstring
    try:
        if request_id is None:
            response = views._requests(request, fmt=fmt)
        else:
            response = views._request_detail(request, request_id, fmt=fmt)
    except Exception:
        logger.exception("Open311 read failed: %s", request.path)
        with translation.override(answers.locale_of(request)):
            error = answers.Open311Error(500, _("The request could not be served."))
            return 500, answers.error_response(error, fmt).content
    body = response.content
    if response.status_code == 200 and cache_seconds():
        key = views.cache_key(request, fmt, answers.locale_of(request), version)
        cache.set(key, (200, body), cache_seconds())
    return response.status_code, body


_lookup_in_pool = _in_pool(_lookup)
_answer_in_pool = _in_pool(_answer)


async def public_read_app(scope, receive, send, django_app) -> None:
    """ASGI app for the public Open311 reads; ``django_app`` serves what it does not."""
    match = _match(scope)
    request = ASGIRequest(scope, io.BytesIO())
    try:
        request.get_host()
    except DisallowedHost:
        await django_app(scope, receive, send)
        return
    fmt = match["fmt"]
    hit = await _lookup_in_pool(request, fmt)
    status, body = (
        hit if hit is not None else await _answer_in_pool(request, fmt, match["request_id"])
    )
    headers = [
        (b"content-type", answers.CONTENT_TYPES[fmt].encode()),
        (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"),
        *security_headers(),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
