"""A room button's device key is its credential: it never reaches a log line.

In process: Django's "Not Found: <path>" warning (``django.request``). With a
real web server started as ``manage.py serve`` starts it: uvicorn's access
log and Django's warning, in the process's own output.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from umbrella.alarms import actions
from umbrella.alarms.log_filters import mask_device_keys
from umbrella.alarms.tests.test_faults import shared_env, sqlite_template  # noqa: F401 -- fixtures
from umbrella.core.management.commands.serve import web_command

UNKNOWN_KEY = "UnknownDeviceKey-Secret_0123456789abcdef"


def test_masking_keeps_the_path_and_drops_the_key():
    assert mask_device_keys(f"Not Found: /api/v1/alarms/device/{UNKNOWN_KEY}") == (
        "Not Found: /api/v1/alarms/device/[device key]"
    )
    line = f'"POST /api/v1/alarms/device/{UNKNOWN_KEY}?x=1 HTTP/1.1" 404'
    assert mask_device_keys(line) == '"POST /api/v1/alarms/device/[device key]?x=1 HTTP/1.1" 404'
    assert mask_device_keys("GET /api/v1/alarms/12") == "GET /api/v1/alarms/12"


@pytest.mark.django_db
def test_an_unknown_keys_404_logs_no_key(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.post(f"/api/v1/alarms/device/{UNKNOWN_KEY}")
    assert response.status_code == 404
    assert UNKNOWN_KEY not in caplog.text
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /api/v1/alarms/device/[device key]"


@pytest.mark.django_db
def test_a_known_keys_press_logs_no_key(client, caplog, establishment, published, t0):
    _button, key = actions.create_room_button(establishment, "Room 5", t0)
    with caplog.at_level(logging.DEBUG):
        for _ in range(22):  # past the rate limit: 429 is logged too
            client.post(f"/api/v1/alarms/device/{key}")
    assert any(r.name == "django.request" for r in caplog.records)  # the 429s
    assert key not in caplog.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str) -> int:
    request = urllib.request.Request(url, method="POST", data=b"")  # noqa: S310 -- loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_the_served_web_process_logs_no_key(shared_env, tmp_path):  # noqa: F811
    port = _free_port()
    log = tmp_path / "web.log"
    with open(log, "wb") as out:
        web = subprocess.Popen(  # noqa: S603 -- serve's own argv
            web_command(host="127.0.0.1", port=port),
            cwd=settings.BASE_DIR,
            env={**shared_env, "LOG_LEVEL": "INFO"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90  # a loaded machine takes a while to import
        while "Application startup complete" not in log.read_text(errors="replace"):
            assert web.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        assert _post(f"http://127.0.0.1:{port}/api/v1/alarms/device/{UNKNOWN_KEY}") == 404
        deadline = time.monotonic() + 10
        while "umbrella.access" not in log.read_text(errors="replace"):  # the access line
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
    finally:
        web.terminate()
        web.wait(timeout=10)
    output = log.read_text(errors="replace")
    assert UNKNOWN_KEY not in output
    # Both lines are there, masked: the access log is kept, not switched off.
    assert "Not Found: /api/v1/alarms/device/[device key]" in output
    # serve's own access log (umbrella.access: method, masked path, status, duration).
    assert "umbrella.access: POST /api/v1/alarms/device/[device key] 404 " in output
