"""The responders' live stream: ``GET /api/v1/alarms/stream`` (Server-Sent Events).

A plain async Django view rather than a django-ninja route: the response is
an endless async generator, and browsers' EventSource authenticates with the
session cookie (it cannot set headers), while apps send a bearer token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from umbrella.accounts.auth import release_connection, stream_user
from umbrella.core import metrics
from umbrella.notify import conf, fanout, queries

logger = logging.getLogger(__name__)

# Tells EventSource to reconnect after 3 s rather than its default, and
# flushes the response headers at once.
RETRY_FRAME = "retry: 3000\n\n"
KEEPALIVE_FRAME = fanout.KEEPALIVE[1]
JOIN_TIMEOUT_SECONDS = 5.0


def last_event_id(request: HttpRequest) -> tuple[int | None, bool]:
    """Return (Last-Event-ID, valid) from the header or the ``last_event_id`` parameter."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if raw is None or raw.strip() == "":
        return None, True
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 19:
        return None, False
    return int(raw), True


@require_GET
async def alarm_stream(request: HttpRequest):
    """Stream the alarm events the person may see: replay after Last-Event-ID, then live."""
    user = await sync_to_async(stream_user)(request)
    if user is None:
        refused = JsonResponse(
            {"detail": _("Authentication required: send a valid bearer token or sign in.")},
            status=401,
        )
        refused["WWW-Authenticate"] = "Bearer"
        return refused
    last_id, valid = last_event_id(request)
    if not valid:
        return JsonResponse(
            {"detail": _("Last-Event-ID must be a whole number, an event id from this stream.")},
            status=422,
        )
    response = StreamingHttpResponse(
        event_stream(user.pk, last_id, sync_to_async(replay_frames)),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    # nginx would otherwise buffer the stream and deliver events in bursts.
    response["X-Accel-Buffering"] = "no"
    return response


def replay_frames(
    user_id: int, after_id: int, limit: int, *, release: bool = True
) -> list[tuple[int, str]]:
    """Return the SSE frames of up to ``limit`` stored events after ``after_id`` (sync ORM)."""
    try:
        return [
            (event_id, fanout.sse_text(event_id, event_type, payload))
            for event_id, event_type, payload in queries.replay_events(user_id, after_id, limit)
        ]
    finally:
        if release:
            release_connection()


async def event_stream(
    user_id: int,
    last_id: int | None,
    replay: Callable[[int, int, int], Awaitable[list[tuple[int, str]]]],
    *,
    stop: asyncio.Future | None = None,
) -> AsyncGenerator[str, None]:
    """Yield the stream's SSE text: ``retry:``, the replay, then live events and keepalives.

    ``replay(user_id, after_id, limit)`` reads stored frames off the event
    loop (the Django view's per-request thread, or the ASGI app's shared
    pool). When ``stop`` completes (the client went away) the stream ends.
    Shared by the Django view and the ASGI app (``stream.py``).
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
