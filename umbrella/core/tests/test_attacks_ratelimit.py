"""Adversarial tests of the rate-limit cache itself (issue 15, findings 10 and 11).

Threat: a client that waits a little between bursts. A counter must live
exactly as long as its window, however often it was counted: Django's
generic ``incr()``, which the database cache uses, writes the counter back
with the cache's default timeout (300 s), so before the fix a counter of an
hour, a day or 15 minutes was forgotten five minutes after its last count,
and a pause of five minutes gave a fresh allowance of sign-in guesses,
sign-ups, contact codes or feedback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import _get_window, get_usage

from umbrella.core import ratelimit


def test_a_counter_lives_its_whole_window_however_often_it_counts(db):
    """Before the fix the second count set the hour's counter to expire in 300 s."""
    now = timezone.now()
    with time_machine.travel(now, tick=False) as traveller:
        assert [ratelimit.hit("test:hour", 3600) for _ in range(3)] == [1, 2, 3]
        traveller.shift(timedelta(minutes=10))
        assert ratelimit.hit("test:hour", 3600) == 4
        traveller.shift(timedelta(minutes=51))
        assert ratelimit.hit("test:hour", 3600) == 1


def test_a_counter_ends_with_its_window(db):
    """Before the fix a one-minute counter counted on for five minutes after its last count."""
    now = timezone.now()
    with time_machine.travel(now, tick=False) as traveller:
        assert [ratelimit.hit("test:minute", 60) for _ in range(3)] == [1, 2, 3]
        traveller.shift(timedelta(seconds=61))
        assert ratelimit.hit("test:minute", 60) == 1


def _window_start(value: str, period: int) -> datetime:
    """The first second of django-ratelimit's current fixed window for ``value``."""
    end = _get_window(value, period)  # its windows end at a second that depends on the key
    return datetime.fromtimestamp(end - period + 1, tz=UTC)


def test_django_ratelimits_counters_keep_their_window_too(rf, db):
    """django-ratelimit (sign-in windows, sign-ups, contact codes, feedback)
    counts with the same ``incr()``: 30 sign-ups an hour must stay 30 after a
    pause of six minutes inside the hour."""
    request = rf.post("/")

    def usage(increment):
        return get_usage(
            request,
            group="test.signup",
            key=lambda g, r: "client",
            rate="30/h",
            increment=increment,
        )

    with time_machine.travel(_window_start("client", 3600), tick=False) as traveller:
        for _ in range(30):
            usage(increment=True)
        traveller.shift(timedelta(minutes=6))
        assert usage(increment=False)["count"] == 30


def test_a_client_spraying_names_waits_out_the_whole_window(personas, rf):
    """Finding 11 (per client). Ten failed sign-ins from one client, each for
    another name, then a pause of six minutes: the client's 15-minute window
    still holds. Before the fix the pause emptied it."""
    address = "203.0.113.60"
    login = reverse("accounts:login")
    client = Client(REMOTE_ADDR=address)
    names = [person.username for person in personas.all()] + ["nobody-1", "nobody-2"]
    key = ratelimit.client_key(rf.post("/", REMOTE_ADDR=address), "accounts.login")
    with time_machine.travel(_window_start(key, 15 * 60), tick=False) as traveller:
        for name in names[:10]:
            assert client.post(login, {"username": name, "password": "guess"}).status_code == 200
        assert client.post(login, {"username": names[10], "password": "x"}).status_code == 429
        traveller.shift(timedelta(minutes=6))
        assert client.post(login, {"username": names[10], "password": "x"}).status_code == 429
