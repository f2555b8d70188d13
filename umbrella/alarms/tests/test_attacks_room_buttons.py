"""Adversarial tests of the room-button press endpoint (issue 15, finding 10).

Threat: anyone on the internet can call ``POST /api/v1/alarms/device/<key>``
with made-up keys, as fast as they like. The press limit must not be
flushed by such a flood, and the flood must not reach the rate-limit cache
where the sign-in lockout counters live.
"""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.test import Client
from django.urls import reverse

from umbrella.alarms import actions
from umbrella.alarms.api import DEVICE_PRESSES_PER_MINUTE
from umbrella.core.ratelimit import rate_cache
from umbrella.testing import PERSONA_PASSWORD

FLOOD = 450  # the in-memory default cache keeps 300 entries


def _press(client, key):
    return client.post(f"/api/v1/alarms/device/{key}")


def _flood(client):
    for number in range(FLOOD):
        assert _press(client, f"fake-key-{number}").status_code == 404


def _rate_cache_rows() -> int:
    cache = rate_cache()
    assert isinstance(cache, DatabaseCache), "without Redis the counters live in the database"
    with connection.cursor() as cursor:
        table = cache._table  # type: ignore[attr-defined]  # private, so not in the stubs
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def test_the_press_limit_holds_through_a_flood_of_made_up_keys(
    client, establishment, published, t0
):
    """Finding 10. Before the fix the press counter lived in the in-memory
    default cache: 450 presses of made-up keys evicted it (the cache culls its
    oldest entries past 300) and the button could be pressed again at once."""
    _button, key = actions.create_room_button(establishment, "Room 3", t0)
    with time_machine.travel(t0, tick=False):
        for _ in range(DEVICE_PRESSES_PER_MINUTE):
            assert _press(client, key).status_code in (200, 201)
        assert _press(client, key).status_code == 429
        _flood(client)
        assert _press(client, key).status_code == 429
    # The limit is per minute: a minute on, the button works again.
    with time_machine.travel(t0 + timedelta(seconds=61), tick=False):
        assert _press(client, key).status_code in (200, 201)


def test_made_up_keys_leave_nothing_in_the_rate_limit_cache(client, worker):
    """Finding 10. Counting each made-up key in the rate-limit cache would let a
    flood fill it until it culls, and the database cache culls the lowest keys
    first: the sign-in lockout counters (``accounts:pair:…``). A key that is
    nobody's button is answered 404 without being counted."""
    login = reverse("accounts:login")
    right = {"username": "worker", "password": PERSONA_PASSWORD}
    for _ in range(10):
        client.post(login, {"username": "worker", "password": "wrong"})
    assert client.post(login, right).status_code == 429
    before = _rate_cache_rows()
    _flood(Client(REMOTE_ADDR="203.0.113.50"))
    assert _rate_cache_rows() == before
    assert client.post(login, right).status_code == 429
