"""Encryption at rest: ciphertext in the database, key rotation, refusal without a key."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from umbrella.alarms import actions
from umbrella.alarms.models import Alarm, Source
from umbrella.core import crypto

NOTE = "client in a red car, plate 1-ABC-234"


def raw_row(alarm):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT latitude, longitude, note FROM alarms_alarm WHERE id = %s", [alarm.pk]
        )
        return cursor.fetchone()


@pytest.fixture
def nobody_told(monkeypatch):
    from umbrella.alarms import events

    monkeypatch.setattr(events, "notify_publish", lambda: lambda *a, **k: None)


def test_the_database_holds_ciphertext_only(personas, nobody_told):
    alarm = actions.raise_alarm(
        personas.worker, Source.APP, personas.worker.date_joined, lat=50.8466, lon=4.3528, note=NOTE
    )
    lat, lon, note = raw_row(alarm)
    for value in (lat, lon, note):
        assert value.startswith("gAAAAA")  # a Fernet token
    assert "50.8466" not in lat and "4.3528" not in lon and "red car" not in note
    again = Alarm.objects.get(pk=alarm.pk)
    assert (again.latitude, again.longitude, again.note) == (50.8466, 4.3528, NOTE)


def test_rotation_re_encrypts_every_row_with_the_new_key(personas, nobody_told, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = (old,)
    alarm = actions.raise_alarm(
        personas.worker, Source.APP, personas.worker.date_joined, lat=50.85, lon=4.35, note=NOTE
    )
    before = raw_row(alarm)
    settings.FIELD_ENCRYPTION_KEYS = (new, old)
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    after = raw_row(alarm)
    assert all(a != b for a, b in zip(before, after, strict=True))
    settings.FIELD_ENCRYPTION_KEYS = (new,)  # the old key is gone
    again = Alarm.objects.get(pk=alarm.pk)
    assert (again.latitude, again.note) == (50.85, NOTE)
    assert Fernet(new.encode()).decrypt(after[2].encode()).decode() == NOTE


def test_a_value_no_key_opens_reads_as_none(personas, nobody_told, settings):
    settings.FIELD_ENCRYPTION_KEYS = (Fernet.generate_key().decode(),)
    alarm = actions.raise_alarm(personas.worker, Source.APP, personas.worker.date_joined, note=NOTE)
    settings.FIELD_ENCRYPTION_KEYS = (Fernet.generate_key().decode(),)
    assert Alarm.objects.get(pk=alarm.pk).note is None


def test_without_a_key_it_refuses(settings):
    settings.FIELD_ENCRYPTION_KEYS = ()
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ("not-a-key",)
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        crypto.encrypt("x")
