"""GET /api/v1/alarms/stream: SSE format, replay, heartbeat and who sees what."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient

from umbrella.notify.tests.helpers import Stream, publish_committed
from umbrella.testing import api_token_for, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/alarms/stream"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(user)}"}


def as_headers(meta: dict) -> dict:
    """Turn test-client META keys (HTTP_LAST_EVENT_ID) into header names for AsyncClient."""
    return {key.removeprefix("HTTP_").replace("_", "-"): value for key, value in meta.items()}


async def get(meta: dict, cookies=None, **params):
    client = AsyncClient()
    if cookies is not None:
        client.cookies = cookies
    return await client.get(URL, params, headers=as_headers(meta))


async def open_stream(headers: dict, cookies=None, **params) -> Stream:
    response = await get(headers, cookies, **params)
    assert response.status_code == 200, response.content
    stream = Stream(response)
    first = await stream.next()
    assert first == {"retry": "3000"}  # subscribed from here on
    return stream


def test_a_live_event_has_id_type_and_json_data(worker, responder):
    headers = bearer(responder)

    async def scenario():
        stream = await open_stream(headers)
        assert stream.response["Content-Type"] == "text/event-stream"
        assert stream.response["Cache-Control"] == "no-cache"
        assert stream.response["X-Accel-Buffering"] == "no"
        event = await sync_to_async(publish_committed)(worker, [responder], alarm_id=7)
        frame = await stream.next_event()
        await stream.close()
        return event, frame

    event, frame = async_to_sync(scenario)()
    assert frame["id"] == str(event.id)
    assert frame["event"] == "alarm.raised"
    assert frame["json"]["alarm"]["id"] == 7
    assert frame["json"]["alarm"]["status"] == "raised"
    assert frame["json"]["alarm"]["source"] == "app"
    assert "raised_at" in frame["json"]["alarm"]
    assert frame["json"]["tier"] == 1


def test_last_event_id_replays_stored_events_then_goes_live(worker, responder):
    first = publish_committed(worker, [responder], alarm_id=1)
    second = publish_committed(worker, [responder], alarm_id=2)
    third = publish_committed(worker, [responder], alarm_id=3)
    headers = {**bearer(responder), "HTTP_LAST_EVENT_ID": str(first.id)}

    async def scenario():
        stream = await open_stream(headers)
        replayed = [await stream.next_event(), await stream.next_event()]
        live = await sync_to_async(publish_committed)(worker, [responder], alarm_id=4)
        frame = await stream.next_event()
        await stream.close()
        return replayed, live, frame

    replayed, live, frame = async_to_sync(scenario)()
    assert [f["id"] for f in replayed] == [str(second.id), str(third.id)]
    assert frame["id"] == str(live.id)


def test_the_query_parameter_works_like_the_header(worker, responder):
    first = publish_committed(worker, [responder], alarm_id=1)
    second = publish_committed(worker, [responder], alarm_id=2)
    headers = bearer(responder)

    async def scenario():
        stream = await open_stream(headers, last_event_id=str(first.id))
        frame = await stream.next_event()
        await stream.close()
        return frame

    assert async_to_sync(scenario)()["id"] == str(second.id)


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
        stream = await open_stream({**headers, "HTTP_LAST_EVENT_ID": frame["id"]})
        frames = [await stream.next_event(), await stream.next_event()]
        await stream.close()
        return frames

    frames = async_to_sync(reconnect)()
    assert [f["id"] for f in frames] == [str(e.id) for e in missed]
    assert [f["json"]["alarm"]["id"] for f in frames] == [2, 3]


def test_an_event_published_during_replay_is_sent_once(worker, responder):
    first = publish_committed(worker, [responder], alarm_id=1)
    headers = {**bearer(responder), "HTTP_LAST_EVENT_ID": "0"}

    async def scenario():
        stream = await open_stream(headers)
        # The live copy of this event is queued while the replay may also
        # read it from the database; it must come out exactly once.
        second = await sync_to_async(publish_committed)(worker, [responder], alarm_id=2)
        frames = [await stream.next_event(), await stream.next_event()]
        assert await stream.nothing_for(0.3)
        return second, frames

    second, frames = async_to_sync(scenario)()
    assert [f["id"] for f in frames] == [str(first.id), str(second.id)]


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
    headers = {
        name: bearer(user)
        for name, user in {"worker": worker, "outsider": outsider, "police": police}.items()
    }

    async def scenario():
        streams = {name: await open_stream(h) for name, h in headers.items()}
        await sync_to_async(publish_committed)(worker, [responder], alarm_id=5)
        owner_frame = await streams["worker"].next_event()
        assert await streams["outsider"].nothing_for(0.3)
        # The police see an alarm only when the worker opted in and alarms
        # made them a recipient; here they are not one.
        assert await streams["police"].nothing_for(0.1)
        return owner_frame

    assert async_to_sync(scenario)()["json"]["alarm"]["id"] == 5


def test_replay_never_includes_other_peoples_events(worker, responder, outsider, outreach):
    publish_committed(outsider, [outreach], alarm_id=9)
    mine = publish_committed(worker, [responder], alarm_id=1)
    headers = {**bearer(responder), "HTTP_LAST_EVENT_ID": "0"}

    async def scenario():
        stream = await open_stream(headers)
        frame = await stream.next_event()
        assert await stream.nothing_for(0.2)
        return frame

    assert async_to_sync(scenario)()["id"] == str(mine.id)


def test_a_concealed_duress_alarm_does_not_reach_its_owner(worker, responder):
    headers = bearer(worker)

    async def scenario():
        stream = await open_stream({**headers, "HTTP_LAST_EVENT_ID": "0"})
        await sync_to_async(publish_committed)(None, [responder], alarm_id=3)
        return await stream.nothing_for(0.3)

    assert async_to_sync(scenario)()


def test_unauthenticated_is_401_json(client, responder):
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer umb_made_up"},
        {"HTTP_AUTHORIZATION": "Basic cmVzcG9uZGVyOng="},
    ):
        response = async_to_sync(get)(headers)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_a_session_works_for_eventsource(client, worker, responder):
    sign_in(client, responder)  # passes 2FA as the console's browser would have

    async def scenario():
        stream = await open_stream({}, client.cookies)
        await sync_to_async(publish_committed)(worker, [responder], alarm_id=8)
        frame = await stream.next_event()
        await stream.close()
        return frame

    assert async_to_sync(scenario)()["json"]["alarm"]["id"] == 8


def test_a_staff_session_without_two_step_verification_is_refused(client, responder):
    client.force_login(responder)  # signed in, but not past TOTP
    response = async_to_sync(get)({}, client.cookies)
    assert response.status_code == 401


def test_a_malformed_last_event_id_is_422(responder):
    headers = {**bearer(responder), "HTTP_LAST_EVENT_ID": "abc"}
    response = async_to_sync(get)(headers)
    assert response.status_code == 422
    assert response.json()["detail"]
