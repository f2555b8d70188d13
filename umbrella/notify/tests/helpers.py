"""Helpers for notify tests: publish an event and commit it, open the stream, read its frames."""

from __future__ import annotations

import asyncio
import json

from asgiref.testing import ApplicationCommunicator
from django.test import TestCase
from django.utils import timezone

from umbrella.notify import actions
from umbrella.testing import api_token_for


def alarm_payload(alarm_id: int, *, tier: int = 1, status: str = "raised") -> dict:
    return {
        "alarm": {
            "id": alarm_id,
            "status": status,
            "source": "app",
            "raised_at": timezone.now().isoformat(),
        },
        "tier": tier,
    }


def publish_committed(
    owner, recipients, *, alarm_id=1, event_type="alarm.raised", tier=1, offline=True
):
    """Publish as an action would and run its on-commit callbacks (the fan-out)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.publish(
            event_type,
            alarm_id=alarm_id,
            owner_id=owner.pk if owner else None,
            payload=alarm_payload(alarm_id, tier=tier),
            recipient_ids=[r.pk for r in recipients],
            tier=tier,
            notify_offline=offline,
        )


def parse_frame(chunk: bytes | str) -> dict:
    """Parse one SSE frame into its fields ({"comment": ...} for a comment line)."""
    text = chunk.decode() if isinstance(chunk, bytes) else chunk
    fields: dict = {}
    for line in text.strip("\n").split("\n"):
        if line.startswith(":"):
            fields["comment"] = line[1:].strip()
        else:
            name, _, value = line.partition(": ")
            fields[name] = value
    if "data" in fields:
        fields["json"] = json.loads(fields["data"])
    return fields


URL = "/api/v1/alarms/stream"


def scope(headers: dict, query: str = "", method: str = "GET") -> dict:
    """Return the ASGI scope of a request for the stream, as uvicorn would make it."""
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
    """A request to the stream through the project's ASGI application (its one entry
    point, as served in production), read frame by frame."""

    def __init__(self, headers: dict, query: str = "", method: str = "GET") -> None:
        from umbrella.asgi import application

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
        """Return the next frame that is an event (skip comments and retry)."""
        while True:
            frame = await self.next(timeout)
            if "id" in frame:
                return frame

    async def nothing_for(self, seconds: float) -> bool:
        """Answer whether no event arrived within ``seconds``."""
        try:
            frame = await self.next_event(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected event {frame}")

    async def close(self) -> None:
        await self.app.send_input({"type": "http.disconnect"})
        await self.app.wait(5)


async def open_stream(headers: dict, query: str = "", *, timeout: float = 5.0) -> AsgiStream:
    """Open a stream and read its first frame (``retry:``: subscribed from here on)."""
    stream = AsgiStream(headers, query)
    await stream.start()
    assert stream.status == 200
    assert await stream.next(timeout) == {"retry": "3000"}
    return stream
