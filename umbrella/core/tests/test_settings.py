"""The settings module refuses unsafe production configurations.

Each case imports the settings in a fresh interpreter, as a server start would.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import timezone

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _start(**env):
    full = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "UMBRELLA_ENV")}
    full.update(env, DJANGO_SETTINGS_MODULE="umbrella.settings")
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", CHECK],
        env=full,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


@pytest.mark.parametrize("secret", ["change-me", settings.DEV_SECRET_KEY, "short-but-real"])
def test_debug_off_refuses_a_placeholder_secret_key(secret):
    result = _start(DEBUG="0", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder or too short" in result.stderr


def test_debug_off_starts_with_a_real_secret_key():
    result = _start(DEBUG="0", SECRET_KEY="k3-" + "x9Qz" * 12)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_debug_is_off_by_default_and_the_secrets_are_generated_once_into_var(tmp_path):
    var = tmp_path / "var"
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.SECRET_KEY, settings.FIELD_ENCRYPTION_KEYS[0])"
    )
    runs = []
    for _ in range(2):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECRET_KEY"))}
        env.pop("FIELD_ENCRYPTION_KEYS", None)
        env.pop("DATABASE_URL", None)
        env.update(DJANGO_SETTINGS_MODULE="umbrella.settings", UMBRELLA_VAR_DIR=str(var))
        result = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True,
            cwd=settings.BASE_DIR, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        runs.append(result.stdout.split())
    assert runs[0] == runs[1]  # generated once, then read back
    debug, secret_key, field_key = runs[0]
    assert debug == "False" and len(secret_key) >= 50
    assert (var / "secret_key").read_text().strip() == secret_key
    assert (var / "field_encryption_keys").read_text().strip() == field_key
    assert var.stat().st_mode & 0o777 == 0o700
    for name in ("secret_key", "field_encryption_keys", "umbrella.sqlite3"):
        assert (var / name).stat().st_mode & 0o777 == 0o600, name


def test_a_bad_boolean_fails_loudly():
    result = _start(DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_a_bad_redis_url_fails_loudly():
    result = _start(REDIS_URL="http://127.0.0.1:6379")
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_a_bad_redis_prefix_fails_loudly():
    result = _start(REDIS_PREFIX="two words")
    assert result.returncode != 0
    assert "REDIS_PREFIX='two words'" in result.stderr


@pytest.mark.django_db
def test_the_home_page_speaks_the_seven_languages(client):
    for code in ("nl", "fr", "en", "ro", "bg", "es", "pt"):
        page = client.get(f"/{code}/")
        assert page.status_code == 200, code
        assert page["Content-Language"] == code
        assert f'<html lang="{code}"' in page.content.decode()


def test_times_are_told_in_brussels_time_summer_and_winter():
    # Stored in UTC; shown as a person in Brussels reads a clock (CET, then CEST).
    winter = timezone.localtime(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    summer = timezone.localtime(datetime(2026, 7, 15, 12, 0, tzinfo=UTC))
    assert (winter.hour, summer.hour) == (13, 14)


def test_the_default_sqlite_database_runs_in_wal_mode(tmp_path):
    probe = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(DJANGO_SETTINGS_MODULE="umbrella.settings", SQLITE_PATH=str(tmp_path / "u.db"))
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def _site_url(**env) -> str:
    full = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    full.update(env, DJANGO_SETTINGS_MODULE="umbrella.settings")
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        env=full,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_site_address_follows_the_port_make_serve_uses():
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert _site_url(PORT="8123", SITE_URL="https://umbrella.example") == "https://umbrella.example"


@pytest.mark.django_db
def test_the_sqlite_pass_runs_on_a_file_in_wal_mode_as_make_run_does():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("The PostgreSQL pass runs on PostgreSQL.")
    assert not connection.is_in_memory_db()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
