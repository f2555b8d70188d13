"""manage.py backup and restore: an encrypted archive that restores into an empty install.

The round trips run real commands in fresh processes, as an operator would: a
demo with an alarm (its note and location encrypted) is backed up, restored
into a new directory (SQLite) or a new database (PostgreSQL), and the note is
read back through the model by a process that only has the restored keys.
"""

import io
import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from umbrella.core.sealed import (
    CHUNK,
    BackupError,
    DecryptingReader,
    EncryptingWriter,
)

PASSPHRASE = "correct horse battery staple, twice"
NOTE = "Room 12, blue door: he has a knife"
LAT, LON = 50.8466, 4.3528
# Magic, scrypt parameters, salt and key check.
HEAD = 16 + 3 + 16 + 16


# --- The encrypted stream ----------------------------------------------------------


def seal(data: bytes, passphrase=PASSPHRASE) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, passphrase, log_n=10)  # cheap scrypt for the test
    for start in range(0, len(data), 70_000):
        writer.write(data[start : start + 70_000])
    writer.close()
    return out.getvalue()


def unseal(sealed: bytes, passphrase=PASSPHRASE) -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), passphrase)
    return reader.read()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 12345])
def test_the_stream_gives_back_exactly_what_it_was_given(size):
    data = os.urandom(size)
    sealed = seal(data)
    assert unseal(sealed) == data
    # No plaintext in the archive: a run of 16 random bytes or more turns up in
    # ciphertext by chance with odds near 2**-128 (a single byte would often).
    assert size < 16 or data[:64] not in sealed


def test_two_archives_of_the_same_data_share_no_bytes_beyond_the_magic():
    data = b"the same plaintext " * 100
    first, second = seal(data), seal(data)
    assert first[:19] == second[:19]  # magic and scrypt's parameters
    assert first[19:35] != second[19:35]  # a fresh salt, so a fresh key


def test_a_wrong_passphrase_is_named_as_such_before_any_data_is_read():
    sealed = seal(b"secret " * 1000)
    with pytest.raises(BackupError, match="Wrong passphrase"):
        DecryptingReader(io.BytesIO(sealed), "not the passphrase at all")


@pytest.mark.parametrize("where", [0.3, 0.6, -20])
def test_a_changed_byte_anywhere_in_the_data_fails_its_chunk(where):
    sealed = bytearray(seal(os.urandom(3 * CHUNK)))
    position = int(len(sealed) * where) if where > 0 else len(sealed) + where
    sealed[position] ^= 0x01
    with pytest.raises(BackupError, match="damaged or was altered"):
        unseal(bytes(sealed))


def test_an_archive_cut_short_or_with_data_added_is_refused():
    sealed = seal(os.urandom(2 * CHUNK + 10))
    with pytest.raises(BackupError, match="incomplete"):
        unseal(sealed[: HEAD + 4 + CHUNK + 16])  # header and the first chunk only
    with pytest.raises(BackupError, match="after its last chunk"):
        unseal(sealed + b"x")
    with pytest.raises(BackupError, match="not an Umbrella backup"):
        unseal(b"PK\x03\x04 a zip file" + sealed[20:])


def test_chunks_cannot_be_reordered_or_dropped():
    sealed = seal(os.urandom(3 * CHUNK))
    head, body = sealed[:HEAD], sealed[HEAD:]
    record = 4 + CHUNK + 16
    first, second, rest = body[:record], body[record : 2 * record], body[2 * record :]
    with pytest.raises(BackupError, match="damaged or was altered"):
        unseal(head + second + first + rest)
    with pytest.raises(BackupError, match="damaged or was altered"):
        unseal(head + second + rest)


# --- The commands' refusals ------------------------------------------------------


def test_backup_and_restore_refuse_to_run_without_a_passphrase(tmp_path, settings):
    settings.BACKUP_PASSPHRASE = ""
    for command in ("backup", "restore"):
        with pytest.raises(CommandError, match="BACKUP_PASSPHRASE is not set"):
            call_command(command, str(tmp_path / "archive"))
    settings.BACKUP_PASSPHRASE = "short"
    with pytest.raises(CommandError, match="shorter than 16 characters"):
        call_command("backup", str(tmp_path / "archive"))
    assert not (tmp_path / "archive").exists()


@pytest.mark.django_db
def test_restore_refuses_an_install_that_is_not_empty(tmp_path, settings):
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    archive = tmp_path / "archive"
    archive.write_bytes(b"anything")
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(archive))


# --- Round trips in real processes -------------------------------------------------

MANAGE = str(settings.BASE_DIR / "manage.py")

# A fresh SQLite install: the demo, demo-worker's alarm with a note and a
# location, a media file; then the backup.
MAKE_AND_BACK_UP = """
import django, json, sys
django.setup()
from django.core.management import call_command
from django.utils import timezone
from umbrella.accounts.models import User
from umbrella.alarms.actions.alarms import raise_alarm
from django.conf import settings
from umbrella.notify.vapid import ensure_keys
call_command("migrate", verbosity=0)
ensure_keys()  # as manage.py deploy does
call_command("demo", password="demo-password-for-the-test", stdout=open("/dev/null", "w"))
alarm = raise_alarm(User.objects.get(username="demo-worker"), "app", timezone.now(),
                    lat=%(lat)r, lon=%(lon)r, accuracy=8.0, note=%(note)r, is_test=True)
photo = settings.MEDIA_ROOT / "reports" / "photo.jpg"
photo.parent.mkdir(parents=True, exist_ok=True)
photo.write_bytes(b"not really a jpeg")
call_command("backup", sys.argv[1])
print(json.dumps({"alarm": alarm.pk}))
"""

# Reads the alarm back through the model: with the restored keys only.
READ_BACK = """
import django, json
django.setup()
from umbrella.alarms.models import Alarm
from django.conf import settings
alarm = Alarm.objects.get(pk=%(pk)d)
photo = settings.MEDIA_ROOT / "reports" / "photo.jpg"
print(json.dumps({"note": alarm.note, "lat": alarm.latitude, "lon": alarm.longitude,
                  "users": alarm.owner.username, "photo": photo.read_text()}))
"""

# Restores into this (empty) install: first a wrong passphrase and a tampered
# copy (each refused with nothing written), then the real thing.
RESTORE = """
import django, json, sys
from pathlib import Path
django.setup()
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

def state():
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    media = Path(settings.MEDIA_ROOT)
    return {"tables": len(tables), "media": media.exists() and any(media.iterdir()),
            "keys": Path(settings.FIELD_ENCRYPTION_KEYS_GENERATED_FILE).read_text()}

archive = Path(sys.argv[1])
before = state()
refusals = []
with override_settings(BACKUP_PASSPHRASE="a wrong passphrase, long enough"):
    try:
        call_command("restore", str(archive))
    except CommandError as error:
        refusals.append(str(error))
tampered = archive.with_name("tampered")
data = bytearray(archive.read_bytes())
data[len(data) // 2] ^= 0x40
tampered.write_bytes(bytes(data))
try:
    call_command("restore", str(tampered))
except CommandError as error:
    refusals.append(str(error))
after_refusals = state()
call_command("restore", str(archive))
print(json.dumps({"refusals": refusals, "unchanged": before == after_refusals}))
"""


def run(script: str, env: dict, *args: str) -> dict:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *args],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def base_env(**extra) -> dict:
    own = ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "FIELD_ENCRYPTION_KEYS", "SECRET_KEY",
           "VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_FILE", "MEDIA_ROOT")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in own}
    env.update(DJANGO_SETTINGS_MODULE="umbrella.settings", BACKUP_PASSPHRASE=PASSPHRASE, **extra)
    return env


@pytest.mark.own_database
def test_a_demo_with_an_alarm_restores_into_a_fresh_directory_and_its_note_reads_back(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    archive = tmp_path / "umbrella.backup"
    made = run(MAKE_AND_BACK_UP % {"lat": LAT, "lon": LON, "note": NOTE},
               base_env(UMBRELLA_VAR_DIR=str(source)), str(archive))  # fmt: skip
    assert archive.stat().st_mode & 0o777 == 0o600
    sealed = archive.read_bytes()
    assert NOTE.encode() not in sealed and b"demo-worker" not in sealed
    assert (source / "field_encryption_keys").read_bytes() not in sealed

    restored = run(RESTORE, base_env(UMBRELLA_VAR_DIR=str(target)), str(archive))
    assert restored["unchanged"], "a refused restore wrote something"
    assert "Wrong passphrase" in restored["refusals"][0]
    assert "damaged or was altered" in restored["refusals"][1]
    for name in ("field_encryption_keys", "secret_key", "vapid.json"):
        assert (target / name).read_text().strip() == (source / name).read_text().strip(), name
        assert (target / name).stat().st_mode & 0o777 == 0o600

    read = run(READ_BACK % {"pk": made["alarm"]}, base_env(UMBRELLA_VAR_DIR=str(target)))
    assert read == {"note": NOTE, "lat": LAT, "lon": LON, "users": "demo-worker",
                    "photo": "not really a jpeg"}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_database_restores_into_a_fresh_database_and_the_note_reads_back(
    tmp_path, settings, worker
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore: the PostgreSQL pass runs this (SQLite: above).")
    import psycopg

    from umbrella.alarms.actions.alarms import raise_alarm

    settings.BACKUP_PASSPHRASE = PASSPHRASE
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "reports").mkdir(parents=True)
    (tmp_path / "media" / "reports" / "photo.jpg").write_bytes(b"not really a jpeg")
    alarm = raise_alarm(worker, "app", timezone.now(), lat=LAT, lon=LON, note=NOTE)
    archive = tmp_path / "umbrella.backup"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert NOTE.encode() not in archive.read_bytes()

    db = connection.settings_dict
    user = f"{db['USER']}@" if db["USER"] else ""
    server = f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"ops_restore_{secrets.token_hex(4)}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        target = tmp_path / "target"
        env = base_env(UMBRELLA_VAR_DIR=str(target), DATABASE_URL=f"{server}/{name}")
        if db["PASSWORD"]:
            env["PGPASSWORD"] = db["PASSWORD"]
        restored = run(RESTORE, env, str(archive))
        assert restored["unchanged"], "a refused restore wrote something"
        assert "Wrong passphrase" in restored["refusals"][0]
        assert "damaged or was altered" in restored["refusals"][1]
        read = run(READ_BACK % {"pk": alarm.pk}, env)
        assert read == {"note": NOTE, "lat": LAT, "lon": LON, "users": worker.username,
                        "photo": "not really a jpeg"}  # fmt: skip
        keys = (target / "field_encryption_keys").read_text().strip().split(",")
        assert keys[0] == settings.FIELD_ENCRYPTION_KEYS[0]
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
