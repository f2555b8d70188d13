"""The stream as served in production: umbrella.asgi routes it to a plain ASGI app.

Same contract as test_stream.py (which drives the Django view through the
test client); here through ``umbrella.asgi.application`` with an ASGI
communicator. Transactional: the app reads on its own pool of threads. (A publish racing
the replay is tested through the view, which shares ``views.event_stream``:
with the shared-cache in-memory SQLite of the tests, two threads writing and
reading at once get "table is locked" rather than waiting.)
"""

import asyncio
import json
import threading

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.test import Client

from umbrella.asgi import application
from umbrella.notify import fanout
from umbrella.notify.tests.helpers import parse_frame, publish_committed
from umbrella.testing import api_token_for, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/alarms/stream"


def scope(headers: dict, query: str = "", method: str = "GET") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": URL,
        "raw_path": URL.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_for(user)}"}


def cookie_header(cookies) -> dict:
    return {"Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items())}


class AsgiStream:
    def __init__(self, headers: dict, query: str = "", method: str = "GET") -> None:
        self.app = ApplicationCommunicator(application, scope(headers, query, method))
        self.status = None
        self.headers: dict[str, str] = {}
        self.buffer = ""

    async def start(self) -> None:
        await self.app.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await self.app.receive_output(5)
        assert start["type"] == "http.response.start"
        self.status = start["status"]
        self.headers = {k.decode(): v.decode() for k, v in start["headers"]}

    async def body(self) -> bytes:
        """The whole body of a response that ends (401, 422, 405)."""
        chunks = []
        while True:
            message = await self.app.receive_output(5)
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    async def next(self, timeout: float = 5.0) -> dict:
        while "\n\n" not in self.buffer:
            # Not receive_output(timeout): it cancels the app on a timeout.
            async with asyncio.timeout(timeout):
                message = await self.app.output_queue.get()
            assert message["type"] == "http.response.body"
            assert message.get("more_body"), "the stream ended"
            self.buffer += message["body"].decode()
        frame, self.buffer = self.buffer.split("\n\n", 1)
        return parse_frame(frame + "\n\n")

    async def next_event(self, timeout: float = 5.0) -> dict:
        while True:
            frame = await self.next(timeout)
            if "id" in frame:
                return frame

    async def nothing_for(self, seconds: float) -> bool:
        try:
            frame = await self.next_event(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected event {frame}")

    async def close(self) -> None:
        await self.app.send_input({"type": "http.disconnect"})
        await self.app.wait(5)


async def open_stream(headers: dict, query: str = "") -> AsgiStream:
    stream = AsgiStream(headers, query)
    await stream.start()
    assert stream.status == 200
    assert await stream.next() == {"retry": "3000"}
    return stream


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
