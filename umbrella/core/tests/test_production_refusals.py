"""UMBRELLA_ENV=production refuses to start on what only suits a local install,
naming the variable; with the documented production environment it starts and
``check --deploy --fail-level WARNING`` passes."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

# The production environment docs/deployment.md documents (with stand-in values).
PRODUCTION = {
    "UMBRELLA_ENV": "production",
    "DEBUG": "0",
    "SECRET_KEY": "k3-" + "x9Qz" * 12,
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "umbrella.example",
    "CSRF_TRUSTED_ORIGINS": "https://umbrella.example",
    "SITE_URL": "https://umbrella.example",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "EMAIL_URL": "smtp://umbrella:s3cr%40t@mail.example:587",
    "SMS_PROVIDER": "twilio",
    "TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef",
    "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
    "TWILIO_FROM": "+3228880000",
    "VAPID_PUBLIC_KEY": "BPub" + "A" * 83,
    "VAPID_PRIVATE_KEY": "priv" + "B" * 39,
    "TRUSTED_PROXY_COUNT": "1",
}


def run(tmp_path, code, **changes):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and not k.endswith("_FILE") and k not in ("EMAIL_BACKEND",)
    }
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="umbrella.settings")
    env["UMBRELLA_VAR_DIR"] = str(tmp_path / "var")
    env.pop("DATABASE_URL", None)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, *code], env=env, capture_output=True, text=True,
        cwd=settings.BASE_DIR, timeout=120,
    )  # fmt: skip


SETUP = ["-c", "import django; django.setup(); print('started')"]


def test_the_documented_production_environment_starts(tmp_path):
    result = run(tmp_path, SETUP)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    result = run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SMS_PROVIDER": "console"}, "SMS_PROVIDER=console"),
        ({"SMS_PROVIDER": None}, "SMS_PROVIDER=console"),
        ({"TWILIO_AUTH_TOKEN": "change-me"}, "TWILIO_AUTH_TOKEN"),
        ({"EMAIL_URL": "console:"}, "EMAIL_URL"),
        ({"EMAIL_URL": None}, "EMAIL_URL"),
        ({"EMAIL_URL": "smtp://u:p@mail.example:25?tls=0"}, "EMAIL_URL turns TLS off"),
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "change-me-" + "x" * 30}, "SECRET_KEY"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS is not set"),
        ({"VAPID_PRIVATE_KEY": None, "VAPID_PUBLIC_KEY": None}, "VAPID_PRIVATE_KEY"),
        ({"SITE_URL": "http://umbrella.example"}, "SITE_URL"),
        ({"SECURE_SSL_REDIRECT": "0"}, "SECURE_SSL_REDIRECT"),
        ({"SECURE_HSTS_SECONDS": None}, "SECURE_HSTS_SECONDS"),
        ({"SESSION_COOKIE_SECURE": "0"}, "SESSION_COOKIE_SECURE"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"DEBUG": "1"}, "DEBUG"),
    ],
)
def test_production_refuses_an_unsafe_setting_and_names_it(tmp_path, changes, named):
    result = run(tmp_path, SETUP, **changes)
    assert result.returncode != 0
    assert "UMBRELLA_ENV=production refuses to start" in result.stderr
    assert named in result.stderr


def test_check_deploy_fails_in_production_with_a_console_provider(tmp_path):
    result = run(
        tmp_path,
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SMS_PROVIDER="console",
    )
    assert result.returncode != 0
    assert "SMS_PROVIDER=console" in result.stderr


def test_production_refuses_the_keys_a_local_install_generated_into_var(tmp_path):
    # A local start generates them; copying them into production's
    # environment is still "generated on the fly".
    local = run(tmp_path, SETUP, UMBRELLA_ENV=None, SECRET_KEY=None, FIELD_ENCRYPTION_KEYS=None)
    assert local.returncode == 0, local.stderr
    var = tmp_path / "var"
    result = run(
        tmp_path,
        SETUP,
        SECRET_KEY_FILE=str(var / "secret_key"),
        SECRET_KEY=None,
        FIELD_ENCRYPTION_KEYS=(var / "field_encryption_keys").read_text().strip(),
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_a_local_install_starts_with_console_providers_and_debug_off(tmp_path):
    result = run(
        tmp_path,
        ["-c", "import django; django.setup(); from django.conf import settings as s; "
               "print(s.DEBUG, s.SMS_PROVIDER, s.EMAIL_BACKEND)"],
        **{name: None for name in PRODUCTION},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "console", "umbrella.notify.mail.ConsoleEmailBackend"]
