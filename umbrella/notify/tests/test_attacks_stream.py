"""The live stream checks Host like every other request (issue 15, finding 20).

The stream is served by a plain ASGI app in front of Django's handler, which
is where ALLOWED_HOSTS is checked for every other request. Without its own
check, a page on an attacker's name that resolves to the server (DNS
rebinding) could open the stream with a responder's cookie.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from umbrella.asgi import application
from umbrella.notify.tests.helpers import bearer, scope

pytestmark = pytest.mark.django_db(transaction=True)


def answer(headers: dict) -> tuple[int, dict, bytes]:
    async def run():
        app = ApplicationCommunicator(application, scope(headers))
        await app.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await app.receive_output(5)
        body = b""
        while True:
            message = await app.receive_output(5)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await app.wait(1)
        return start["status"], {k.lower(): v for k, v in start["headers"]}, body

    return async_to_sync(run)()


@pytest.mark.parametrize("host", ["evil.example", "testserver.evil.example", "127.0.0.1.nip.io"])
def test_a_host_not_allowed_gets_djangos_400_in_json(responder, host):
    status, headers, body = answer({**bearer(responder), "Host": host})
    assert status == 400
    assert headers[b"content-type"].startswith(b"application/json")
    assert json.loads(body)["detail"]
    assert b"retry:" not in body
