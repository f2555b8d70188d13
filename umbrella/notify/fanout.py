"""Fan-out of committed events to the streams held by this process.

One broadcast per event goes to a single channel-layer group
(``umbrella.events``). Each web process runs ONE subscriber (the ``Hub``,
started by the first stream) that joins that group once and hands each event
to the in-process queues of the streams whose person may see it. So 2,000
open streams cost one group membership, not 2,000, and an event's SSE text is
serialised once per process, not once per stream.

The hub hands events to the streams in id order, whatever order they arrive
in. Event ids commit in order (``actions._serialise_event_ids``), but two
processes' broadcasts do not arrive in that order: node B's own event comes
through its local layer, the worker's escalation through Redis, and 467 may
arrive before 465. A client that received 467 first and reconnected at once
would send ``Last-Event-ID: 467`` and never be replayed 465. So the hub keeps
a watermark (every event at or below it has been handed out) and, when an
event arrives past the next id, first reads the events in between from the
database: 467 is committed, so everything below it is too, and that read is
complete. The late copy of 465 is then below the watermark and dropped.

Under the channel layer the hub also polls the database for events past its
watermark: Redis pub/sub drops messages while a connection is down, and the
in-memory layer cannot carry events published by the worker process.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import threading
import time
import weakref
from collections import deque

from asgiref.sync import async_to_sync, sync_to_async
from cachetools import LRUCache, cached
from channels.layers import get_channel_layer
from django.db import close_old_connections

from umbrella.notify import conf, queries

logger = logging.getLogger(__name__)

GROUP = "umbrella.events"
MESSAGE_TYPE = "notify.event"
# A stream whose client does not read falls this far behind, then is closed:
# its client reconnects with Last-Event-ID and replays from the database.
QUEUE_LIMIT = 1000
# The in-memory layer forgets group members after a day (group_expiry).
GROUP_REFRESH_SECONDS = 3600.0
# Events read from the database per query when the hub catches up.
CATCH_UP_BATCH = 200
SSE_CACHE_SIZE = 4096
CLOSE = (0, "")  # sentinel put on a queue to end its stream
KEEPALIVE = (0, ": keepalive\n\n")  # put on a queue that was quiet for a heartbeat
# The heartbeat timer looks for quiet streams this many times per heartbeat:
# each stream's keepalive comes 1 to 1 1/15 heartbeats after its last item,
# so they stay spread over time as the streams' connections were.
KEEPALIVE_TICKS = 15


def event_message(
    event_id: int, event_type: str, *, owner_id: int | None, recipient_ids: list[int], payload: dict
) -> dict:
    """Return the channel-layer message for one event (payload included: no DB read per stream)."""
    return {
        "type": MESSAGE_TYPE,
        "id": event_id,
        "event_type": event_type,
        "owner": owner_id,
        "recipients": list(recipient_ids),
        "payload": payload,
    }


def broadcast(message: dict) -> None:
    """Send one event to every web process. Called by ``transaction.on_commit``."""
    try:
        async_to_sync(get_channel_layer().group_send)(GROUP, message)
    except Exception:
        # The event is stored; each process's poll will deliver it a little later.
        logger.exception("broadcast of event %s failed", message.get("id"))


# Kept per event id (an event's type and payload never change). Locked: the
# event loop hands events out and the pool's threads replay them.
@cached(
    LRUCache(maxsize=SSE_CACHE_SIZE),
    key=lambda event_id, event_type, payload: event_id,
    lock=threading.Lock(),
)
def sse_text(event_id: int, event_type: str, payload: dict) -> str:
    """Return the SSE frame of an event, serialised once per process."""
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    # json.dumps escapes newlines, so the data stays on one line.
    return f"id: {event_id}\nevent: {event_type}\ndata: {data}\n\n"


class Subscription:
    """One stream's inbox: the events queued for it, and the stream waiting on them.

    Lighter than ``asyncio.Queue`` (which carries three deques and an Event):
    a process holds one per open stream, 5,000 or more. The deque exists only
    while events wait in it: an empty deque still holds a 64-slot block
    (~630 bytes), and almost every inbox is empty almost all the time
    (tracemalloc with 2,000 open streams: 760 bytes of the ~14 KB a stream cost).
    ``last_put`` (monotonic) lets the hub's one heartbeat timer find the quiet
    inboxes: no timer per stream.
    """

    __slots__ = ("user_id", "items", "_waiter", "last_put")

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.items: deque[tuple[int, str]] | None = None
        self._waiter: asyncio.Future | None = None
        self.last_put = time.monotonic()

    def put(self, item: tuple[int, str]) -> None:
        if self.items is None:
            self.items = deque()
        self.items.append(item)
        self.last_put = time.monotonic()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def close(self, _done: object = None) -> None:
        """End the stream (a done-callback: the client went away)."""
        self.put(CLOSE)

    def size(self) -> int:
        return len(self.items) if self.items is not None else 0

    def wait(self) -> asyncio.Future:
        """Return a future that completes when an item is put (await it while the inbox is empty).

        Awaited straight from the stream's generator: no coroutine per wait.
        """
        waiter = self._waiter
        if waiter is None or waiter.done():
            waiter = self._waiter = asyncio.get_running_loop().create_future()
        return waiter

    def pop(self) -> tuple[int, str]:
        """Return the oldest item; the inbox must not be empty."""
        assert self.items is not None  # noqa: S101 - callers wait until it is not
        item = self.items.popleft()
        if not self.items:
            self.items = None
        return item

    async def get(self) -> tuple[int, str]:
        """Return the next item, waiting for one (cancellable, e.g. by a timeout)."""
        try:
            while not self.items:
                await self.wait()
        finally:
            self._waiter = None
        return self.pop()


class Hub:
    """The one channel-layer subscriber of an event loop (one per web process)."""

    def __init__(self) -> None:
        self.by_user: dict[int, set[Subscription]] = {}
        self.tasks: list[asyncio.Task] = []
        # Set once the hub knows its watermark and has joined the group.
        self.joined = asyncio.Event()
        # Every event with an id at or below this was handed to the streams
        # (or was rolled back, or committed before the hub started).
        self.delivered_up_to: int | None = None
        # One delivery at a time: the live path and the poll both catch up.
        self._order = asyncio.Lock()

    def subscribe(self, user_id: int) -> Subscription:
        self._start()
        subscription = Subscription(user_id)
        self.by_user.setdefault(user_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscriptions = self.by_user.get(subscription.user_id)
        if subscriptions is not None:
            subscriptions.discard(subscription)
            if not subscriptions:
                del self.by_user[subscription.user_id]

    def stream_count(self) -> int:
        return sum(len(subs) for subs in self.by_user.values())

    async def deliver(self, message: dict) -> int:
        """Hand one live event to the streams, after any stored event below it; return how many.

        An event past the next id means one in between is still on its way
        (or was rolled back): it is committed, since this one is, so it is
        read from the database and handed out first.
        """
        async with self._order:
            event_id = int(message["id"])
            if self.delivered_up_to is not None and event_id > self.delivered_up_to + 1:
                try:
                    await self._catch_up(below=event_id)
                except Exception:
                    # Handing this one out now would step past the missing
                    # ones for good; the poll delivers them all, in order.
                    logger.exception("catching up before event %s failed; the poll will", event_id)
                    return 0
            return self.dispatch(message)

    def dispatch(self, message: dict) -> int:
        """Queue one event for every stream allowed to see it; return how many.

        Callers hand events out in id order (``deliver``, the poll): one at or
        below the watermark was handed out already.
        """
        event_id = int(message["id"])
        if self.delivered_up_to is not None and event_id <= self.delivered_up_to:
            return 0
        self.delivered_up_to = event_id
        item = (event_id, sse_text(event_id, message["event_type"], message["payload"]))
        delivered = 0
        for user_id in {message["owner"], *message["recipients"]}:
            for subscription in list(self.by_user.get(user_id, ())):
                if subscription.size() >= QUEUE_LIMIT:
                    self.unsubscribe(subscription)
                    subscription.put(CLOSE)
                    continue
                subscription.put(item)
                delivered += 1
        return delivered

    async def _catch_up(self, below: int | None = None) -> None:
        """Hand out, in id order, the stored events past the watermark (and below ``below``)."""
        while True:
            if self.delivered_up_to is None:
                return  # no watermark yet: the hub reads it before it hands anything out
            messages = await sync_to_async(_events_since)(self.delivered_up_to, CATCH_UP_BATCH)
            for message in messages:
                if below is not None and message["id"] >= below:
                    return
                self.dispatch(message)
            if len(messages) < CATCH_UP_BATCH:
                return

    def _start(self) -> None:
        if self.tasks:
            return
        loop = asyncio.get_running_loop()
        # A fresh context: the first stream's request context (and its
        # per-request sync thread) ends long before this process does.
        for coroutine in (self._listen(), self._poll(), self._keep_alive()):
            self.tasks.append(loop.create_task(coroutine, context=contextvars.Context()))

    async def _listen(self) -> None:
        layer = get_channel_layer()
        while True:
            try:
                if self.delivered_up_to is None:
                    # Read BEFORE joining: an event committed in between then
                    # arrives past the next id, and the catch-up reads it.
                    self.delivered_up_to = await sync_to_async(_latest_event_id)()
                channel = await layer.new_channel()
                await layer.group_add(GROUP, channel)
                self.joined.set()
                while True:
                    try:
                        async with asyncio.timeout(GROUP_REFRESH_SECONDS):
                            message = await layer.receive(channel)
                    except TimeoutError:
                        await layer.group_add(GROUP, channel)
                        continue
                    if message.get("type") == MESSAGE_TYPE:
                        await self.deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("event subscriber lost the channel layer; rejoining in 1 s")
                await asyncio.sleep(1)

    def send_keepalives(self, quiet_since: float) -> int:
        """Queue a keepalive for every empty inbox with nothing put since ``quiet_since``."""
        sent = 0
        for subscriptions in self.by_user.values():
            for subscription in subscriptions:
                if subscription.items is None and subscription.last_put <= quiet_since:
                    subscription.put(KEEPALIVE)
                    sent += 1
        return sent

    async def _keep_alive(self) -> None:
        """The process's one heartbeat timer (an ``asyncio.timeout`` per stream and wait cost
        ~750 bytes a stream)."""
        while True:
            every = conf.heartbeat_seconds()
            await asyncio.sleep(max(every / KEEPALIVE_TICKS, 0.01))
            try:
                self.send_keepalives(time.monotonic() - every)
            except Exception:
                logger.exception("keepalives failed; trying again")

    async def _poll(self) -> None:
        interval = conf.poll_seconds()
        if interval <= 0:
            return
        await self.joined.wait()
        while True:
            try:
                await asyncio.sleep(interval)
                async with self._order:
                    await self._catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("event poll failed; trying again")
                await asyncio.sleep(interval)


def _latest_event_id() -> int:
    close_old_connections()
    return queries.latest_event_id()


def _events_since(cursor: int, limit: int) -> list[dict]:
    close_old_connections()
    return queries.events_since(cursor, limit)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """Return this event loop's hub (one per web process; one per loop in tests)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub()
    return found
