"""No log line carries a client's address, behind a proxy or not; path secrets are masked."""

import asyncio
import logging

import pytest

from umbrella.core.front import Front, forwarded_client
from umbrella.core.log_filters import AddressMask, JsonFormatter

CLIENT = "203.0.113.77"


async def ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def serve_once(path, headers=()):
    scope = {
        "type": "http", "method": "POST", "path": path, "scheme": "http",
        "client": ("127.0.0.1", 50000), "headers": list(headers), "query_string": b"",
    }  # fmt: skip
    seen = {}

    async def app(scope, receive, send):
        seen["client"] = scope["client"]
        await ok_app(scope, receive, send)

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        pass

    asyncio.run(Front(app)(scope, receive, send))
    return seen["client"]


def test_the_access_log_has_method_path_status_duration_and_no_address(caplog, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    xff = [(b"x-forwarded-for", f"{CLIENT}".encode())]
    with caplog.at_level(logging.INFO, logger="umbrella.access"):
        for path in ("/api/v1/alarms", "/en/reports/new/", "/en/accounts/login/",
                     "/en/accounts/recover/"):  # fmt: skip
            assert serve_once(path, xff)[0] == CLIENT  # the limits still see the client
    lines = [r.getMessage() for r in caplog.records if r.name == "umbrella.access"]
    assert len(lines) == 4
    assert lines[0].startswith("POST /api/v1/alarms 200 ")
    assert all(CLIENT not in line and "127.0.0.1" not in line for line in lines)


def test_without_trusted_proxies_x_forwarded_for_is_ignored():
    scope = {"type": "http", "client": ("198.51.100.1", 1), "scheme": "http",
             "headers": [(b"x-forwarded-for", b"1.2.3.4")]}  # fmt: skip
    assert forwarded_client(scope, 0)[0] == ("198.51.100.1", 1)
    # A client cannot push its own address past the one proxy that is trusted.
    scope["headers"] = [(b"x-forwarded-for", b"6.6.6.6, 198.51.100.9")]
    assert forwarded_client(scope, 1)[0] == ("198.51.100.9", 0)


def test_uvicorns_lines_lose_the_address_on_the_handler():
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        (f"{CLIENT}:51234", "POST", "/api/v1/alarms", "1.1", 201), None,
    )  # fmt: skip
    AddressMask().filter(record)
    assert CLIENT not in record.getMessage()
    assert '[address] - "POST /api/v1/alarms HTTP/1.1" 201' == record.getMessage()


def test_json_lines_are_one_object_each():
    import json

    record = logging.LogRecord("umbrella.access", logging.INFO, "f", 1, "GET %s", ("/x",), None)
    record.status = 200
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "GET /x" and entry["status"] == 200 and entry["level"] == "INFO"


def test_the_calendar_feed_and_invitation_tokens_are_masked(caplog):
    import django.apps  # noqa: F401 - the apps' ready() installed the filters

    logger = logging.getLogger("umbrella.access")
    with caplog.at_level(logging.INFO, logger="umbrella.access"):
        logger.info("%s %s", "GET", "/en/platform/calendar/s3cretFeedTok.ics")
        logger.info("%s %s", "GET", "/en/training/invitations/s3cretInvite/")
    assert "s3cret" not in caplog.text
    assert "[token]" in caplog.text


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        # A dual-stack server reports an IPv4 client as an IPv4-mapped IPv6 address.
        ("client ::ffff:10.0.0.1 sent", "client [address] sent"),
        ("[::ffff:203.0.113.7]:51234 - GET", "[address] - GET"),
        ("::FFFF:203.0.113.7:51234 - GET", "[address] - GET"),
        ("(::ffff:a00:1)", "([address])"),
        ("64:ff9b::192.0.2.33", "[address]"),
        ("[2001:db8::1]:8000 and fe80::1%eth0", "[address] and [address]"),
        # Punctuation next to an address does not hide it.
        ("refused from 203.0.113.7.", "refused from [address]."),
        ("client:203.0.113.7, 198.51.100.2:443:x", "client:[address], [address]:x"),
        ('{"ip": "203.0.113.7"}', '{"ip": "[address]"}'),
        # Not addresses: times, versions, durations.
        ("2026-12-06 05:39:54,922 at 12:30:45", "2026-12-06 05:39:54,922 at 12:30:45"),
        ("version 1.2.3.4.5 took 12.5ms", "version 1.2.3.4.5 took 12.5ms"),
        ("Foo::bar ff:ff:ff:ff:ff:ff", "Foo::bar ff:ff:ff:ff:ff:ff"),
    ],
)
def test_the_address_mask_catches_every_form_of_address(line, masked):
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, line, None, None)
    AddressMask().filter(record)
    assert record.getMessage() == masked


def test_json_extra_fields_are_masked_too():
    import json

    record = logging.LogRecord("x", logging.INFO, "f", 1, "peer", None, None)
    record.peer = "::ffff:203.0.113.7"
    AddressMask().filter(record)
    assert json.loads(JsonFormatter().format(record))["peer"] == "[address]"
