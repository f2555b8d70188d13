"""The responders' live stream as a plain ASGI app, outside Django's request handler.

``umbrella/asgi.py`` routes ``GET /api/v1/alarms/stream`` here before the
Django application. Django's ``ASGIHandler`` runs every request in a
``ThreadSensitiveContext``: each sync middleware (and each ``sync_to_async``)
then gets a thread of its own that lives until the response ends — for a
stream, hours. 2,000 open streams meant 2,000 OS threads and ~375 MB.

Here an open stream holds no thread and no database connection: the
authentication and the replay run on a small shared pool of threads
(``DB_THREADS``), and the rest runs on the event loop (``event_stream``). Per
stream: this coroutine, one task that waits for the client to go away, and
one queue in the process's ``Hub``. This is the stream's one entry point: no
Django view serves the path (the tests drive this app through
``umbrella.asgi.application``).

The rules (docs/api.md):

- bearer token, or the session cookie run through Django's own session,
  authentication and django-otp code, so a staff session that has not passed
  two-step verification is refused (``auth.stream_user``); ``401`` JSON
  otherwise;
- ``Last-Event-ID`` header or ``last_event_id`` parameter, ``422`` when it is
  not a whole number;
- ``retry:`` first, then ``id:/event:/data:`` frames and ``: keepalive``;
- ``Cache-Control: no-cache``, ``X-Accel-Buffering: no`` and the site's
  security headers;
- the ``Host`` header is checked against ``ALLOWED_HOSTS`` (a bad one goes on
  to Django, which answers its 400).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.utils import translation
from django.utils.translation import gettext as _

from umbrella.accounts.auth import stream_user
from umbrella.core import metrics
from umbrella.core.middleware import security_headers
from umbrella.notify import conf, fanout, queries

logger = logging.getLogger(__name__)

PATH = "/api/v1/alarms/stream"
# The route the request metrics count the stream under (no URL pattern names it: core/metrics.py).
ROUTE = PATH.removeprefix("/")
# Tells EventSource to reconnect after 3 s rather than its default, and
# flushes the response headers at once.
RETRY_FRAME = "retry: 3000\n\n"
KEEPALIVE_FRAME = fanout.KEEPALIVE[1]
JOIN_TIMEOUT_SECONDS = 5.0
# Threads for the stream's database work (sign-in and replay). Bounded, so a
# reconnect storm after a restart queues here instead of opening one
# database connection per stream.
DB_THREADS = 4
_db_pool = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="notify-stream-db")


def _in_pool(function):
    """Run ``function`` on the stream's shared threads; keep their connections healthy."""

    def call(*args):
        close_old_connections()
        try:
            return function(*args)
        finally:
            close_old_connections()

    return sync_to_async(call, thread_sensitive=False, executor=_db_pool)


def _authenticate(request: ASGIRequest) -> tuple[int | None, str]:
    """Return (user id or None, the language for messages) for a stream request."""
    user = stream_user(request)
    language = translation.get_language_from_request(request, check_path=False)
    return (user.pk if user is not None else None), language


def last_event_id(request: ASGIRequest) -> tuple[int | None, bool]:
    """Return (Last-Event-ID, valid) from the header or the ``last_event_id`` parameter."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if raw is None or raw.strip() == "":
        return None, True
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 19:
        return None, False
    return int(raw), True


def replay_frames(user_id: int, after_id: int, limit: int) -> list[tuple[int, str]]:
    """Return the SSE frames of up to ``limit`` stored events after ``after_id`` (sync ORM)."""
    return [
        (event_id, fanout.sse_text(event_id, event_type, payload))
        for event_id, event_type, payload in queries.replay_events(user_id, after_id, limit)
    ]


_authenticate_in_pool = _in_pool(_authenticate)
_replay_in_pool = _in_pool(replay_frames)


def _headers(extra: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [*extra, *security_headers()]


def _stream_headers() -> list[tuple[bytes, bytes]]:
    return _headers(
        [
            (b"content-type", b"text/event-stream"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),
        ]
    )


async def _send_json(send, status: int, detail: str, extra=()) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": _headers(headers)})
    await send({"type": "http.response.body", "body": body})


def _message(language: str, text_id: str) -> str:
    with translation.override(language):
        if text_id == "401":
            return _("Authentication required: send a valid bearer token or sign in.")
        if text_id == "405":
            return _("This address does not accept this method.")
        return _("Last-Event-ID must be a whole number, an event id from this stream.")


async def _wait_for_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def event_stream(
    user_id: int,
    last_id: int | None,
    replay: Callable[[int, int, int], Awaitable[list[tuple[int, str]]]],
    *,
    stop: asyncio.Future | None = None,
) -> AsyncGenerator[str, None]:
    """Yield the stream's SSE text: ``retry:``, the replay, then live events and keepalives.

    ``replay(user_id, after_id, limit)`` reads stored frames off the event
    loop (the app's shared pool). When ``stop`` completes (the client went
    away) the stream ends.
    """
    hub = fanout.hub()
    # Subscribe BEFORE reading the replay: an event committed in between is
    # then both replayed and queued, and the queued copy is skipped below —
    # never lost.
    subscription = hub.subscribe(user_id)
    metrics.stream_opened()
    if stop is not None:
        stop.add_done_callback(subscription.close)
    try:
        try:
            async with asyncio.timeout(JOIN_TIMEOUT_SECONDS):
                await hub.joined.wait()
        except TimeoutError:
            logger.warning("stream started before the channel layer answered; polling covers it")
        yield RETRY_FRAME

        # The hub hands live events out in id order (fanout.Hub.deliver), so
        # one id is all a stream keeps: the last it sent.
        sent_up_to = 0
        if last_id is not None:
            sent_up_to = last_id
            batch_size = conf.replay_batch()
            while True:
                batch = await replay(user_id, sent_up_to, batch_size)
                for event_id, text in batch:
                    yield text
                    sent_up_to = event_id
                if len(batch) < batch_size:
                    break

        # Keepalives come through the inbox too: the hub's one timer queues
        # one on every inbox quiet for a heartbeat (fanout.Hub.send_keepalives).
        while True:
            while subscription.items is None:
                await subscription.wait()
            item = subscription.pop()
            if item == fanout.CLOSE:
                return
            if stop is not None and stop.done():
                return
            if item == fanout.KEEPALIVE:
                yield KEEPALIVE_FRAME
                continue
            event_id, text = item
            # Skip what the replay already sent: an event committed while the
            # replay read is both replayed and queued.
            if event_id <= sent_up_to:
                continue
            sent_up_to = event_id
            yield text
    finally:
        hub.unsubscribe(subscription)
        metrics.stream_closed()


async def alarm_stream_app(scope, receive, send, django_app) -> None:
    """ASGI app for ``GET /api/v1/alarms/stream``; ``django_app`` answers a host not allowed."""
    scope[metrics.ROUTE_KEY] = ROUTE
    request = ASGIRequest(scope, io.BytesIO())
    try:
        # As the Open311 front does: Django's handler checks Host against
        # ALLOWED_HOSTS for every other request and answers a bad one with its
        # 400 (JSON under /api/v1/). Without it the stream answered any Host.
        request.get_host()
    except DisallowedHost:
        await django_app(scope, receive, send)
        return
    if scope["method"] not in ("GET", "HEAD"):
        await _send_json(
            send,
            HTTPStatus.METHOD_NOT_ALLOWED,
            _message(settings.LANGUAGE_CODE, "405"),
            [(b"allow", b"GET, HEAD")],
        )
        return
    user_id, language = await _authenticate_in_pool(request)
    if user_id is None:
        await _send_json(send, 401, _message(language, "401"), [(b"www-authenticate", b"Bearer")])
        return
    last_id, valid = last_event_id(request)
    if not valid:
        await _send_json(send, 422, _message(language, "422"))
        return
    del request  # nothing of the request is kept for the life of the stream
    if scope["method"] == "HEAD":
        # The stream's headers, without the stream (HEAD works wherever GET does).
        await send({"type": "http.response.start", "status": 200, "headers": _stream_headers()})
        await send({"type": "http.response.body", "body": b""})
        return

    # The client going away ends the stream at once (uvicorn drops writes to
    # a closed connection silently): this one task per stream waits for it.
    disconnected = asyncio.ensure_future(_wait_for_disconnect(receive))
    events = event_stream(user_id, last_id, _replay_in_pool, stop=disconnected)
    try:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": _stream_headers(),
            }
        )
        async for text in events:
            await send({"type": "http.response.body", "body": text.encode(), "more_body": True})
        if not disconnected.done():
            await send({"type": "http.response.body", "body": b""})
    finally:
        await events.aclose()
        disconnected.cancel()


def wants_stream(scope) -> bool:
    return scope["type"] == "http" and scope["path"] == PATH
