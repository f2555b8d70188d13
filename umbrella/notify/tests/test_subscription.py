"""A stream's inbox: items in order, a waiting stream woken, a timed-out wait harmless;
the hub's one heartbeat timer puts a keepalive only in inboxes quiet for a heartbeat."""

import asyncio
import time

from umbrella.notify.fanout import KEEPALIVE, Hub, Subscription


def test_items_come_out_in_order_and_a_waiting_stream_is_woken():
    async def scenario():
        inbox = Subscription(7)
        inbox.put((1, "a"))
        first = await inbox.get()
        waiting = asyncio.ensure_future(inbox.get())
        await asyncio.sleep(0)
        assert not waiting.done()
        inbox.put((2, "b"))
        inbox.put((3, "c"))
        return first, await waiting, await inbox.get(), inbox.size()

    assert asyncio.run(scenario()) == ((1, "a"), (2, "b"), (3, "c"), 0)


def test_a_wait_cut_by_a_timeout_loses_nothing_put_afterwards():
    async def scenario():
        inbox = Subscription(7)
        try:
            async with asyncio.timeout(0.01):
                await inbox.get()
        except TimeoutError:
            timed_out = True
        inbox.put((4, "d"))
        return timed_out, await inbox.get()

    assert asyncio.run(scenario()) == (True, (4, "d"))


def test_the_heartbeat_timer_reaches_only_the_quiet_empty_inboxes():
    async def scenario():
        hub = Hub()
        quiet, busy, waiting = (Subscription(user_id) for user_id in (1, 2, 3))
        # As hub.subscribe registers them, without starting the hub's tasks.
        hub.by_user = {1: {quiet}, 2: {busy}, 3: {waiting}}
        long_ago = time.monotonic() - 60
        quiet.last_put = waiting.last_put = long_ago
        waiting.put((5, "e"))  # not empty: its stream has something to send already
        waiting.last_put = long_ago
        sent = hub.send_keepalives(time.monotonic() - 15)
        return sent, quiet.pop(), busy.size(), waiting.pop(), waiting.size()

    assert asyncio.run(scenario()) == (1, KEEPALIVE, 0, (5, "e"), 0)


def test_a_keepalive_wakes_a_waiting_stream_and_counts_as_sent():
    async def scenario():
        hub = Hub()
        inbox = Subscription(1)
        hub.by_user = {1: {inbox}}
        inbox.last_put = time.monotonic() - 60
        waiting = asyncio.ensure_future(inbox.get())
        await asyncio.sleep(0)
        hub.send_keepalives(time.monotonic() - 15)
        got = await waiting
        # Just sent: the next tick leaves it alone.
        again = hub.send_keepalives(time.monotonic() - 15)
        return got, again

    assert asyncio.run(scenario()) == (KEEPALIVE, 0)
