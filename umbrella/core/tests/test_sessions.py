"""Sessions end after SESSION_IDLE_SECONDS without a request (umbrella/core/sessions.py).

A phone left signed in on a table must not stay a key to her alarms and her
circle: a session idle one second less than the limit stays, one idle longer
is signed out; for a sex worker and for a staff member (whose two-step
verification ends with it).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_otp import DEVICE_ID_SESSION_KEY

from umbrella.core.sessions import LAST_SEEN_KEY, WRITE_EVERY_SECONDS
from umbrella.testing import sign_in

T0 = datetime(2026, 3, 14, 22, 30, tzinfo=ZoneInfo("Europe/Brussels"))
HOME = "/en/accounts/"


def _signed_in(client) -> bool:
    response = client.get(HOME)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
        return False
    assert response.status_code == 200
    return True


@pytest.fixture(params=["worker", "staff"])
def person(request, personas):
    return getattr(personas, request.param)


@pytest.mark.parametrize("idle", [12 * 3600, 15 * 60])
def test_a_session_idle_one_second_less_stays_and_one_idle_longer_ends(
    client, settings, person, idle
):
    settings.SESSION_IDLE_SECONDS = idle
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, person)
        assert _signed_in(client)  # the first request marks the time
        assert client.session[LAST_SEEN_KEY] == int(T0.timestamp())

        clock.shift(timedelta(seconds=idle - 1))
        assert _signed_in(client)  # stays, and counts from now again

        clock.shift(timedelta(seconds=idle - 1))
        assert _signed_in(client)

        clock.shift(timedelta(seconds=idle + 1))
        assert not _signed_in(client)
        assert "_auth_user_id" not in client.session
        assert DEVICE_ID_SESSION_KEY not in client.session
        # Signed out for good: going back in time does not bring the session back.
        clock.shift(timedelta(seconds=-(idle + 1)))
        assert not _signed_in(client)


def test_the_default_idle_time_is_twelve_hours(settings):
    assert settings.SESSION_IDLE_SECONDS == 12 * 3600


def test_the_last_request_is_written_at_most_once_a_minute(client, worker):
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, worker)
        assert _signed_in(client)
        first = client.session[LAST_SEEN_KEY]
        clock.shift(timedelta(seconds=WRITE_EVERY_SECONDS - 1))
        assert _signed_in(client)
        assert client.session[LAST_SEEN_KEY] == first  # no write for a busy page
        clock.shift(timedelta(seconds=1))
        assert _signed_in(client)
        assert client.session[LAST_SEEN_KEY] == first + WRITE_EVERY_SECONDS
