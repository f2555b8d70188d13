"""uvicorn's httptools protocol with lighter per-connection queues (umbrella/core/webserver.py).

The queues keep their behaviour: pipelined requests come out oldest first, an
event wakes its waiters, and a waiter already queued is never dropped.
"""

import asyncio

from umbrella.core.webserver import LeanHttpToolsProtocol, _lighten, _Pipeline, config


def test_the_web_process_runs_the_lean_protocol_and_no_websocket_library():
    served = config(access_log=False)
    assert served.http is LeanHttpToolsProtocol
    assert served.ws == "none"


def test_the_pipeline_hands_out_the_oldest_request_first():
    pipeline = _Pipeline()
    assert not pipeline
    pipeline.appendleft("first")
    pipeline.appendleft("second")
    assert pipeline
    assert [pipeline.pop(), pipeline.pop()] == ["first", "second"]


def test_a_lightened_event_wakes_its_waiters_and_keeps_one_already_waiting():
    async def scenario():
        event = asyncio.Event()
        _lighten(event)
        assert event._waiters == []
        waiting = asyncio.ensure_future(event.wait())
        await asyncio.sleep(0)
        _lighten(event)  # a no-op while someone waits
        event.set()
        woken = await asyncio.wait_for(waiting, 1)
        return woken, len(event._waiters)

    assert asyncio.run(scenario()) == (True, 0)


def test_a_deque_with_a_waiter_is_left_alone():
    async def scenario():
        event = asyncio.Event()
        waiting = asyncio.ensure_future(event.wait())
        await asyncio.sleep(0)
        _lighten(event)
        kept = type(event._waiters).__name__
        event.set()
        await asyncio.wait_for(waiting, 1)
        return kept

    assert asyncio.run(scenario()) == "deque"


def test_malloc_arenas_are_capped_where_malloc_is_glibc():
    import platform

    from umbrella.core.runtime import limit_malloc_arenas

    assert limit_malloc_arenas() is (platform.libc_ver()[0] == "glibc")
