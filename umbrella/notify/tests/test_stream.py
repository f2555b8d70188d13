"""GET /api/v1/alarms/stream: SSE format, replay, heartbeat and who sees what.

Through the stream's one entry point, as served in production:
``umbrella.asgi.application`` routes the path to the plain ASGI app of
``notify/stream.py``, driven here with an ASGI communicator. Transactional:
the app reads on its own pool of threads.
"""

import asyncio
import json
import threading

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client

from umbrella.notify import fanout
from umbrella.notify import stream as stream_app
from umbrella.notify.tests.helpers import (
    AsgiStream,
    bearer,
    cookie_header,
    open_stream,
    publish_committed,
)
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_project_application_serves_the_stream_with_its_headers(worker, responder):
    headers = bearer(responder)

    async def scenario():
        stream = await open_stream(headers)
        event = await sync_to_async(publish_committed)(worker, [responder], alarm_id=7)
        frame = await stream.next_event()
        await stream.close()
        return stream.headers, event, frame

    response_headers, event, frame = async_to_sync(scenario)()
    assert response_headers["content-type"] == "text/event-stream"
    assert response_headers["cache-control"] == "no-cache"
    assert response_headers["x-accel-buffering"] == "no"
    assert "default-src 'self'" in response_headers["content-security-policy"]
    assert response_headers["x-content-type-options"] == "nosniff"
    assert response_headers["x-frame-options"] == "DENY"
    assert frame["id"] == str(event.id)
    assert frame["event"] == "alarm.raised"
    assert frame["json"]["alarm"]["id"] == 7
    assert frame["json"]["alarm"]["status"] == "raised"
    assert frame["json"]["alarm"]["source"] == "app"
    assert "raised_at" in frame["json"]["alarm"]
    assert frame["json"]["tier"] == 1


def test_last_event_id_header_and_parameter_replay_then_go_live(worker, responder):
    first = publish_committed(worker, [responder], alarm_id=1)
    second = publish_committed(worker, [responder], alarm_id=2)
    third = publish_committed(worker, [responder], alarm_id=3)
    headers = bearer(responder)

    async def scenario():
        stream = await open_stream({**headers, "Last-Event-ID": str(first.id)})
        replayed = [await stream.next_event(), await stream.next_event()]
        live = await sync_to_async(publish_committed)(worker, [responder], alarm_id=4)
        frame = await stream.next_event()
        await stream.close()
        by_parameter = await open_stream(headers, f"last_event_id={second.id}")
        from_parameter = await by_parameter.next_event()
        await by_parameter.close()
        return replayed, live, frame, from_parameter

    replayed, live, frame, from_parameter = async_to_sync(scenario)()
    assert [f["id"] for f in replayed] == [str(second.id), str(third.id)]
    assert frame["id"] == str(live.id)
    assert from_parameter["id"] == str(third.id)


def test_heartbeat_comment_when_idle(settings, responder):
    settings.NOTIFY_HEARTBEAT_SECONDS = 0.05
    headers = bearer(responder)

    async def scenario():
        stream = await open_stream(headers)
        frame = await stream.next(timeout=2)
        await stream.close()
        return frame

    assert async_to_sync(scenario)() == {"comment": "keepalive"}


def test_the_owner_sees_her_alarm_and_others_see_nothing(worker, responder, outsider, police):
    people = {"worker": worker, "outsider": outsider, "police": police}
    headers = {name: bearer(user) for name, user in people.items()}

    async def scenario():
        streams = {name: await open_stream(h) for name, h in headers.items()}
        await sync_to_async(publish_committed)(worker, [responder], alarm_id=5)
        owner_frame = await streams["worker"].next_event()
        assert await streams["outsider"].nothing_for(0.3)
        assert await streams["police"].nothing_for(0.1)
        for stream in streams.values():
            await stream.close()
        return owner_frame

    assert async_to_sync(scenario)()["json"]["alarm"]["id"] == 5


def test_unauthenticated_is_401_json(responder):
    async def scenario(headers):
        stream = AsgiStream(headers)
        await stream.start()
        return stream.status, stream.headers, json.loads(await stream.body())

    for headers in (
        {},
        {"Authorization": "Bearer umb_made_up"},
        {"Authorization": "Basic cmVzcG9uZGVyOng="},
    ):
        status, response_headers, body = async_to_sync(scenario)(headers)
        assert status == 401
        assert response_headers["content-type"] == "application/json"
        assert response_headers["www-authenticate"] == "Bearer"
        assert body["detail"]


def test_a_verified_session_works_and_an_unverified_staff_session_is_401(client, worker, responder):
    sign_in(client, responder)  # passes 2FA as the console's browser would have
    verified = cookie_header(client.cookies)
    other = Client()
    other.force_login(responder)  # signed in, but not past TOTP
    unverified = cookie_header(other.cookies)

    async def scenario():
        refused = AsgiStream(unverified)
        await refused.start()
        await refused.body()
        stream = await open_stream(verified)
        await sync_to_async(publish_committed)(worker, [responder], alarm_id=8)
        frame = await stream.next_event()
        await stream.close()
        return refused.status, frame

    refused_status, frame = async_to_sync(scenario)()
    assert refused_status == 401
    assert frame["json"]["alarm"]["id"] == 8


def test_a_malformed_last_event_id_is_422_and_other_methods_405(responder):
    headers = bearer(responder)

    async def scenario():
        bad = AsgiStream({**headers, "Last-Event-ID": "abc"})
        await bad.start()
        body = json.loads(await bad.body())
        post = AsgiStream(headers, method="POST")
        await post.start()
        post_body = json.loads(await post.body())
        return bad.status, body, post.status, post.headers, post_body

    status, body, post_status, post_headers, post_body = async_to_sync(scenario)()
    assert status == 422
    assert body["detail"]
    assert post_status == 405
    assert post_headers["allow"] == "GET, HEAD"
    assert post_body["detail"]


def test_head_answers_the_stream_headers_without_a_stream(responder):
    headers = bearer(responder)

    async def scenario():
        head = AsgiStream(headers, method="HEAD")
        await head.start()
        body = await head.body()
        anonymous = AsgiStream({}, method="HEAD")
        await anonymous.start()
        await anonymous.body()
        return head.status, head.headers, body, anonymous.status, anonymous.headers

    status, headers, body, anonymous_status, anonymous_headers = async_to_sync(scenario)()
    assert status == 200
    assert headers["content-type"] == "text/event-stream"
    assert body == b""
    assert anonymous_status == 401
    assert anonymous_headers["www-authenticate"] == "Bearer"


def test_open_streams_hold_no_thread_and_a_disconnect_unsubscribes(responder):
    headers = bearer(responder)

    async def scenario():
        first = await open_stream(headers)  # starts the hub and the pool
        before = threading.active_count()
        streams = [first] + [await open_stream(headers) for _ in range(29)]
        during = threading.active_count()
        count_open = fanout.hub().stream_count()
        for stream in streams:
            await stream.close()
        await asyncio.sleep(0)
        return before, during, count_open, fanout.hub().stream_count()

    before, during, count_open, count_closed = async_to_sync(scenario)()
    assert count_open == 30
    assert during - before <= 4  # the shared pool may still be starting threads
    assert count_closed == 0


def test_replay_after_a_restart_comes_from_the_database(worker, responder):
    """Events stored while no process held a stream are replayed on a new connection."""
    headers = bearer(responder)

    async def first_connection():
        stream = await open_stream(headers)
        event = await sync_to_async(publish_committed)(worker, [responder], alarm_id=1)
        frame = await stream.next_event()
        await stream.close()
        return event, frame

    # Each async_to_sync call is a new event loop with a new hub: a restart.
    event, frame = async_to_sync(first_connection)()
    missed = [publish_committed(worker, [responder], alarm_id=n) for n in (2, 3)]

    async def reconnect():
        stream = await open_stream({**headers, "Last-Event-ID": frame["id"]})
        frames = [await stream.next_event(), await stream.next_event()]
        await stream.close()
        return frames

    frames = async_to_sync(reconnect)()
    assert [f["id"] for f in frames] == [str(e.id) for e in missed]
    assert [f["json"]["alarm"]["id"] for f in frames] == [2, 3]


def test_an_event_published_during_replay_is_sent_once(monkeypatch, worker, responder):
    first = publish_committed(worker, [responder], alarm_id=1)
    headers = {**bearer(responder), "Last-Event-ID": "0"}
    # The replay reads in the test's own thread, not the app's pool: with the
    # tests' shared-cache in-memory SQLite, a read in one thread while another
    # writes gets "table is locked" rather than waiting.
    monkeypatch.setattr(stream_app, "_replay_in_pool", sync_to_async(stream_app.replay_frames))

    async def scenario():
        opened = await open_stream(headers)
        # The live copy of this event is queued while the replay may also
        # read it from the database; it must come out exactly once.
        second = await sync_to_async(publish_committed)(worker, [responder], alarm_id=2)
        frames = [await opened.next_event(), await opened.next_event()]
        assert await opened.nothing_for(0.3)
        await opened.close()
        return second, frames

    second, frames = async_to_sync(scenario)()
    assert [f["id"] for f in frames] == [str(first.id), str(second.id)]


def test_replay_never_includes_other_peoples_events(worker, responder, outsider, outreach):
    publish_committed(outsider, [outreach], alarm_id=9)
    mine = publish_committed(worker, [responder], alarm_id=1)
    headers = {**bearer(responder), "Last-Event-ID": "0"}

    async def scenario():
        stream = await open_stream(headers)
        frame = await stream.next_event()
        assert await stream.nothing_for(0.2)
        await stream.close()
        return frame

    assert async_to_sync(scenario)()["id"] == str(mine.id)


def test_a_concealed_duress_alarm_does_not_reach_its_owner(worker, responder):
    headers = bearer(worker)

    async def scenario():
        stream = await open_stream({**headers, "Last-Event-ID": "0"})
        await sync_to_async(publish_committed)(None, [responder], alarm_id=3)
        quiet = await stream.nothing_for(0.3)
        await stream.close()
        return quiet

    assert async_to_sync(scenario)()


def test_an_event_is_framed_once_and_the_frames_kept_are_bounded():
    first = fanout.sse_text(1, "alarm.raised", {"alarm": {"id": 1, "note": "a\nb"}})
    assert first == 'id: 1\nevent: alarm.raised\ndata: {"alarm":{"id":1,"note":"a\\nb"}}\n\n'
    # The same event again, from a replay: the frame kept, not a second serialisation.
    assert fanout.sse_text(1, "alarm.raised", {"changed": True}) is first
    for event_id in range(2, fanout.SSE_CACHE_SIZE + 1):  # full
        fanout.sse_text(event_id, "alarm.raised", {})
    fanout.sse_text(1, "alarm.raised", {})  # 1 is asked again: 2 is now the oldest
    fanout.sse_text(fanout.SSE_CACHE_SIZE + 1, "alarm.raised", {})
    kept = fanout.sse_text.cache
    assert len(kept) == fanout.SSE_CACHE_SIZE
    assert 1 in kept and 2 not in kept and 3 in kept
