"""Fan-out of committed events to the streams held by this process.

One broadcast per event goes to a single channel-layer group
(``umbrella.events``). Each web process runs ONE subscriber (the ``Hub``,
started by the first stream) that joins that group once and hands each event
to the in-process queues of the streams whose person may see it. So 2,000
open streams cost one group membership, not 2,000, and an event's SSE text is
serialised once per process, not once per stream.

Under the channel layer the hub also polls the database for events with an id
past its cursor: Redis pub/sub drops messages while a connection is down, and
the in-memory layer cannot carry events published by the worker process.
Event ids commit in order (``actions._serialise_event_ids``), so a cursor is
enough to find what the layer missed; the hub de-duplicates by id.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import weakref
from collections import OrderedDict, deque

from asgiref.sync import async_to_sync, sync_to_async
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
RECENT_IDS = 10_000
SSE_CACHE_SIZE = 4096
CLOSE = (0, "")  # sentinel put on a queue to end its stream


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


_sse_cache: OrderedDict[int, str] = OrderedDict()


def sse_text(event_id: int, event_type: str, payload: dict) -> str:
    """Return the SSE frame of an event, serialised once per process."""
    text = _sse_cache.get(event_id)
    if text is None:
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        # json.dumps escapes newlines, so the data stays on one line.
        text = f"id: {event_id}\nevent: {event_type}\ndata: {data}\n\n"
        _sse_cache[event_id] = text
        if len(_sse_cache) > SSE_CACHE_SIZE:
            _sse_cache.popitem(last=False)
    return text


class Subscription:
    """One stream's inbox: the events queued for it, and the stream waiting on them.

    Lighter than ``asyncio.Queue`` (which carries three deques and an Event):
    a process holds one per open stream, 5,000 or more. The deque exists only
    while events wait in it: an empty deque still holds a 64-slot block
    (~630 bytes), and almost every inbox is empty almost all the time
    (tracemalloc with 2,000 open streams: 760 bytes of the ~14 KB a stream cost).
    """

    __slots__ = ("user_id", "items", "_waiter")

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.items: deque[tuple[int, str]] | None = None
        self._waiter: asyncio.Future | None = None

    def put(self, item: tuple[int, str]) -> None:
        if self.items is None:
            self.items = deque()
        self.items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def size(self) -> int:
        return len(self.items) if self.items is not None else 0

    async def get(self) -> tuple[int, str]:
        """Return the next item, waiting for one (cancellable, e.g. by a timeout)."""
        while not self.items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        item = self.items.popleft()
        if not self.items:
            self.items = None
        return item


class Hub:
    """The one channel-layer subscriber of an event loop (one per web process)."""

    def __init__(self) -> None:
        self.by_user: dict[int, set[Subscription]] = {}
        self.recent: OrderedDict[int, None] = OrderedDict()
        self.tasks: list[asyncio.Task] = []
        self.joined = asyncio.Event()
        # Set once the poll knows where it starts: events after that are its to catch.
        self.polling = asyncio.Event()

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

    def dispatch(self, message: dict) -> int:
        """Queue one event for every stream allowed to see it; return how many."""
        event_id = int(message["id"])
        if event_id in self.recent:
            return 0
        self.recent[event_id] = None
        if len(self.recent) > RECENT_IDS:
            self.recent.popitem(last=False)
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

    def _start(self) -> None:
        if self.tasks:
            return
        loop = asyncio.get_running_loop()
        # A fresh context: the first stream's request context (and its
        # per-request sync thread) ends long before this process does.
        for coroutine in (self._listen(), self._poll()):
            self.tasks.append(loop.create_task(coroutine, context=contextvars.Context()))

    async def _listen(self) -> None:
        layer = get_channel_layer()
        while True:
            try:
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
                        self.dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("event subscriber lost the channel layer; rejoining in 1 s")
                await asyncio.sleep(1)

    async def _poll(self) -> None:
        interval = conf.poll_seconds()
        if interval <= 0:
            return
        cursor = None
        while True:
            try:
                if cursor is None:
                    cursor = await sync_to_async(_latest_event_id)()
                    self.polling.set()
                await asyncio.sleep(interval)
                for message in await sync_to_async(_events_since)(cursor):
                    self.dispatch(message)
                    cursor = message["id"]
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("event poll failed; trying again")
                await asyncio.sleep(interval)


def _latest_event_id() -> int:
    close_old_connections()
    return queries.latest_event_id()


def _events_since(cursor: int) -> list[dict]:
    close_old_connections()
    return queries.events_since(cursor)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """Return this event loop's hub (one per web process; one per loop in tests)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub()
    return found
