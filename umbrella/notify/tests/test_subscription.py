"""A stream's inbox: items in order, a waiting stream woken, a timed-out wait harmless."""

import asyncio

from umbrella.notify.fanout import Subscription


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
