"""Idempotency-Key on POST /api/v1/alarms and /api/v1/checkins: a resent press is one alarm."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import timezone

from umbrella.alarms import actions, events
from umbrella.alarms.models import Alarm, CheckIn, IdempotencyKey
from umbrella.alarms.tasks import erase_old_locations
from umbrella.alarms.tests.conftest import set_accepted_circle
from umbrella.notify.models import Event
from umbrella.testing import api_token_for, auth_header, make_personas

ALARMS = "/api/v1/alarms"
CHECKINS = "/api/v1/checkins"
KEY = "6f1c3b0e-2d4a-4b8e-9a51-0c7d2e4f8a90"


def post(client, url, user, key=None, body=None, headers=None):
    extra = dict(headers or auth_header(user))
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, body or {}, content_type="application/json", **extra)


@pytest.mark.django_db
def test_the_same_key_answers_the_first_alarm_and_creates_nothing(
    client, personas, circle, published
):
    headers = auth_header(personas.worker)
    first = post(client, ALARMS, personas.worker, KEY, headers=headers)
    assert first.status_code == 201, first.content
    again = post(client, ALARMS, personas.worker, KEY, headers=headers)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Alarm.objects.count() == 1
    assert published.types() == [events.RAISED]
    # Another press is another key: another alarm.
    other = post(client, ALARMS, personas.worker, "another-press", headers=headers)
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_keys_are_stored_hashed_and_scoped_to_their_owner(client, personas, circle, published):
    mine = post(client, ALARMS, personas.worker, KEY)
    theirs = post(client, ALARMS, personas.outsider, KEY)
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    rows = list(IdempotencyKey.objects.values_list("owner", "key_hash"))
    assert len(rows) == 2
    assert all(KEY not in digest and len(digest) == 64 for _owner, digest in rows)


@pytest.mark.django_db
def test_a_key_is_remembered_for_24_hours_then_purged(client, personas, circle, published):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        first = post(client, ALARMS, personas.worker, KEY).json()
    window = timedelta(hours=24)
    with time_machine.travel(start + window - timedelta(seconds=1), tick=False):
        assert post(client, ALARMS, personas.worker, KEY).json()["id"] == first["id"]
    with time_machine.travel(start + window, tick=False):
        late = post(client, ALARMS, personas.worker, KEY)
    assert late.status_code == 201 and late.json()["id"] != first["id"]
    assert IdempotencyKey.objects.count() == 1
    # The retention job forgets keys 24 hours old, and only those.
    relaunched = start + window
    assert erase_old_locations(relaunched + window - timedelta(seconds=1)) is False
    assert IdempotencyKey.objects.count() == 1
    assert erase_old_locations(relaunched + window) is True
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 101, "tab\there", "é-key", "line\nbreak"])
def test_a_malformed_key_answers_422(client, personas, circle, published, key):
    for url in (ALARMS, CHECKINS):
        response = post(client, url, personas.worker, key, body={"minutes": 30})
        assert response.status_code == 422, (url, key)
        assert "Idempotency-Key" in response.json()["detail"]
    assert not Alarm.objects.exists() and not CheckIn.objects.exists()


@pytest.mark.django_db
def test_keys_of_1_and_100_characters_are_accepted(client, personas, circle, published):
    assert post(client, ALARMS, personas.worker, "a").status_code == 201
    assert post(client, ALARMS, personas.worker, "~" * 100).status_code == 201


@pytest.mark.django_db
def test_checkins_are_started_once_per_key(client, personas, circle, published):
    headers = auth_header(personas.worker)
    first = post(client, CHECKINS, personas.worker, KEY, {"minutes": 30}, headers)
    assert first.status_code == 201
    again = post(client, CHECKINS, personas.worker, KEY, {"minutes": 30}, headers)
    # The same check-in, field for field; only "now" (the server's clock at each answer) moves.
    assert again.status_code == 200
    assert {**again.json(), "now": None} == {**first.json(), "now": None}
    assert CheckIn.objects.count() == 1
    # The same key on the alarms endpoint is another request.
    assert post(client, ALARMS, personas.worker, KEY, headers=headers).status_code == 201


@pytest.mark.django_db
def test_a_race_lost_on_the_unique_key_answers_the_winner(personas, circle, published, monkeypatch):
    # The second request did not see the first one's key (not committed yet
    # when it looked); its insert then fails on the unique constraint and it
    # answers the alarm the first one raised.
    from umbrella.alarms.actions import idempotency

    winner = actions.run_once(
        personas.worker, "alarm", KEY, timezone.now(), lambda record: raise_for(personas, record)
    )[0]
    real = idempotency._earlier
    calls = []

    def blind_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(idempotency, "_earlier", blind_first)
    alarm, created = actions.run_once(
        personas.worker, "alarm", KEY, timezone.now(), lambda record: raise_for(personas, record)
    )
    assert (alarm.pk, created) == (winner.pk, False)
    assert Alarm.objects.count() == 1


def raise_for(personas, record):
    return actions.raise_alarm(personas.worker, "app", timezone.now(), idempotency_key=record)


@pytest.fixture
def racing_db(tmp_path, django_db_blocker):
    """Yield a function that points the calling thread at a database threads can share.

    PostgreSQL: the test database. SQLite: a migrated temporary file, as in
    production (WAL, IMMEDIATE transactions); the shared in-memory test
    database answers concurrent writers "table is locked" instead of waiting.
    """
    original = connections["default"]
    if original.vendor != "sqlite":
        yield lambda: None
        return
    settings_dict = {**original.settings_dict, "NAME": str(tmp_path / "race.sqlite3")}

    def connect():
        connections["default"] = original.__class__(settings_dict, "default")

    connect()
    try:
        with django_db_blocker.unblock():
            call_command("migrate", verbosity=0)
        yield connect
    finally:
        connections["default"].close()
        connections["default"] = original


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_raise_one_alarm(racing_db):
    personas = make_personas()
    set_accepted_circle(
        personas.worker,
        [actions.TierSpec("people", 60, ["responder"])],
        timezone.now(),
        police_opt_in=False,
    )
    token = api_token_for(personas.worker)
    barrier = threading.Barrier(2)
    answers = []

    def press():
        racing_db()
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                ALARMS,
                {},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY=KEY,
            )
            answers.append((response.status_code, response.json()["id"]))
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(status for status, _ in answers) == [200, 201]
    assert len({alarm_id for _, alarm_id in answers}) == 1
    assert Alarm.objects.count() == 1
    assert Event.objects.filter(event_type=events.RAISED).count() == 1
