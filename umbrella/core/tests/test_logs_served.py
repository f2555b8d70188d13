"""No client address in the log of the real server (issue 14 point 3, issue 15 point 6).

``manage.py serve`` runs as an operator runs it (web process, worker, the
log on its output, ``LOG_LEVEL=debug`` so that every logger speaks), behind
one trusted proxy. A report, an alarm raise through the API with a worker's
token, a sign-in and an account recovery attempt are each made from
127.0.0.1, once with ``X-Forwarded-For: 203.0.113.7`` and once without. No
line of the output may carry either address (nor ::1), while the access log
keeps one line per request: method, path with its secrets masked, status,
duration.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings

# Real processes on a SQLite file of their own: the engine of the run never
# reaches them, so `make test` runs this module once (its SQLite pass).
pytestmark = pytest.mark.own_database

MANAGE = str(settings.BASE_DIR / "manage.py")
PASSWORD = "served-logs-pass-123"
PROXIED = "203.0.113.7"
# The addresses a request from this machine arrives with, in every spelling.
LOCAL = ("127.0.0.1", "::1", "::ffff:127.0.0.1")
FOLLOW_UP_SECRET = "SECRETFOLLOWUPCODE"
DEVICE_SECRET = "SECRETDEVICEKEY0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One client with cookies, talking HTTP/1.1 to the served port over loopback."""

    def __init__(self, port: int, forwarded_for: str | None):
        self.port = port
        self.forwarded_for = forwarded_for
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None):
        connection = http.client.HTTPConnection("localhost", self.port, timeout=30)
        sent = {"Host": "localhost", **(headers or {})}
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict):
            body = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text

    def form(self, path: str, fields: dict) -> tuple[int, str]:
        """GET the page for its CSRF cookie, then POST the form."""
        status, _ = self.request("GET", path)
        assert status == 200, (path, status)
        fields = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}
        return self.request("POST", path, fields, {"Referer": f"http://localhost{path}"})

    def api(self, method: str, path: str, payload: dict, token: str | None = None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, text = self.request(method, path, json.dumps(payload), headers)
        return status, (json.loads(text) if text.startswith("{") else text)


def _run(env, *args):
    done = subprocess.run(  # noqa: S603
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A served install with the Brussels data, the report routing and the demo accounts."""
    var = tmp_path_factory.mktemp("var")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DEBUG", "UMBRELLA_ENV")
    }
    env.update(UMBRELLA_VAR_DIR=str(var), TRUSTED_PROXY_COUNT="1", LOG_LEVEL="debug")
    _run(env, "migrate", "-v0")
    _run(env, "load_brussels")
    _run(env, "load_reports")
    _run(env, "demo", "--password", PASSWORD)
    port = _free_port()
    log_path = var / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, MANAGE, "serve", "--host", "localhost", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            give_up = time.monotonic() + 120
            while time.monotonic() < give_up:
                try:
                    if Browser(port, None).request("GET", "/healthz/live")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.5)
            else:
                pytest.fail(f"serve did not answer in 120 s:\n{log_path.read_text()}")
            yield port, log_path
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _journey(port: int, forwarded_for: str | None) -> list[tuple[str, str, int]]:
    """Report, alarm, sign-in and recovery; return (method, path, status) of each request
    whose access line must be in the log."""
    done = []
    browser = Browser(port, forwarded_for)

    # A report, without an account.
    status, page = browser.request("GET", "/en/reports/new/")
    select = page[page.index('name="category"') :]
    option = re.search(r'<option value="([a-z_]+)"', select)
    assert option is not None, "the report form offers a category"
    category = option.group(1)
    status, page = browser.form(
        "/en/reports/new/",
        {
            "category": category,
            "lat": "50.8530",
            "lon": "4.3720",
            "description": "Broken street light at the corner for a week.",
            "reporter_kind": "resident",
            "email": "",
        },
    )
    assert status == 302, re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', page)
    done.append(("POST", "/en/reports/new/", 302))
    # Its follow-up page: the code in the path is a secret.
    status, _ = browser.request("GET", f"/en/reports/follow-up/{FOLLOW_UP_SECRET}/")
    done.append(("GET", "/en/reports/follow-up/", status))

    # An alarm raised through the API with the worker's token.
    status, body = browser.api(
        "POST", "/api/v1/auth/token", {"username": "demo-worker", "password": PASSWORD}
    )
    assert status == 200, body
    status, body = browser.api(
        "POST", "/api/v1/alarms", {"lat": 50.853, "lon": 4.372, "note": "room 4"}, body["token"]
    )
    assert status == 201, body
    done.append(("POST", "/api/v1/alarms", 201))
    # A room button's key is a secret too.
    status, _ = browser.api("POST", f"/api/v1/alarms/device/{DEVICE_SECRET}", {})
    done.append(("POST", "/api/v1/alarms/device/", status))

    # A sign-in, and an account recovery attempt with a wrong code.
    status, _ = browser.form(
        "/en/accounts/login/", {"username": "demo-resident", "password": PASSWORD}
    )
    assert status == 302, status
    done.append(("POST", "/en/accounts/login/", 302))
    status, _ = Browser(port, forwarded_for).form(
        "/en/accounts/recover/",
        {
            "chosen_name": "demo-worker",
            "code": "abcd-efgh-jkmn-pqrt",
            "passphrase": "a new passphrase 123",
            "passphrase_again": "a new passphrase 123",
        },
    )
    assert status == 200, status  # refused, on the form
    done.append(("POST", "/en/accounts/recover/", 200))
    return done


def test_no_line_of_the_served_log_carries_a_client_address(served):
    port, log_path = served
    requests = _journey(port, PROXIED) + _journey(port, None)
    time.sleep(3)  # the worker's deliveries and the last access lines
    log = log_path.read_text()
    lines = log.splitlines()

    leaks = [line for line in lines if any(address in line for address in (PROXIED, *LOCAL))]
    assert leaks == []

    access = [line for line in lines if " umbrella.access: " in line]
    for method, path, status in requests:
        pattern = re.compile(
            rf" umbrella\.access: {method} {re.escape(path)}.* {status} \d+\.\dms$"
        )
        assert any(pattern.search(line) for line in access), (method, path, status)
    # One access log: uvicorn's own (which names the client) is silent.
    assert " uvicorn.access: " not in log
    # Secrets in paths are masked, in the access lines and in django.request's.
    assert FOLLOW_UP_SECRET not in log and DEVICE_SECRET not in log
    assert "Not Found: /en/reports/follow-up/[code]/" in log
