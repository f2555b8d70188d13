"""Refuse to start a production install on a configuration that only suits a local one.

``UMBRELLA_ENV=production`` (set by the deployment docs) turns these local
conveniences into errors, each naming the variable to set:

- console SMS, voice or e-mail: alarms would be written to a log, not sent;
- secrets missing, placeholders, or generated into ``var/`` on the fly (each
  node would have its own, and a lost ``var/`` loses every encrypted field);
- HTTPS incomplete: the site's address, the redirect, HSTS, secure cookies.
- staff sign-in through OpenID Connect half configured, or over plain http.

Called at the end of ``umbrella/settings/__init__.py`` with its namespace, so every entry
point (``serve``, the worker, ``manage.py``, a bare uvicorn) refuses alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PLACEHOLDERS = {"", "change-me", "changeme", "secret", "placeholder", "xxx", "todo", "example"}
CONSOLE_EMAIL_BACKENDS = {
    "umbrella.notify.mail.ConsoleEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "testserver", "*"}


def _is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered in PLACEHOLDERS or "insecure" in lowered or "change" in lowered


def _generated(value: str, path: Path) -> bool:
    try:
        return value.strip() == path.read_text(encoding="utf-8").strip()
    except OSError:
        return False


def problems(s: dict, configured: Callable[[str], bool]) -> list[str]:
    """Return one sentence per unsafe setting in the settings namespace ``s``."""
    found = []
    if s["DEBUG"]:
        found.append("DEBUG is on: set DEBUG=0 (debug pages show settings and source).")

    # Secrets.
    if not configured("SECRET_KEY") or _generated(s["SECRET_KEY"], s["SECRET_KEY_GENERATED_FILE"]):
        found.append(
            "SECRET_KEY is not set (the key generated into var/ is for a local install): "
            "set SECRET_KEY or SECRET_KEY_FILE."
        )
    elif _is_placeholder(s["SECRET_KEY"]) or len(s["SECRET_KEY"]) < 32:
        found.append("SECRET_KEY is a placeholder or shorter than 32 characters.")
    keys = ",".join(s["FIELD_ENCRYPTION_KEYS"])
    if not configured("FIELD_ENCRYPTION_KEYS") or _generated(
        keys, s["FIELD_ENCRYPTION_KEYS_GENERATED_FILE"]
    ):
        found.append(
            "FIELD_ENCRYPTION_KEYS is not set (the key generated into var/ is for a local "
            "install): set FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS_FILE."
        )
    elif any(_is_placeholder(key) for key in s["FIELD_ENCRYPTION_KEYS"]):
        found.append("FIELD_ENCRYPTION_KEYS holds a placeholder.")

    # Deliveries.
    if s["SMS_PROVIDER"] == "console":
        found.append(
            "SMS_PROVIDER=console: text messages and calls to responders would only be "
            "logged. Set SMS_PROVIDER=twilio and its TWILIO_* variables."
        )
    else:
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"):
            if _is_placeholder(s[name]):
                found.append(f"{name} is missing or a placeholder (SMS_PROVIDER=twilio).")
    if s["EMAIL_BACKEND"] in CONSOLE_EMAIL_BACKENDS:
        found.append(
            f"EMAIL_URL={s['EMAIL_URL'].split('@')[-1]!r} sends no e-mail: set EMAIL_URL to "
            "smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465."
        )
    elif not (s["EMAIL_USE_TLS"] or s["EMAIL_USE_SSL"]):
        found.append("EMAIL_URL turns TLS off (tls=0): mail would cross the network in clear.")
    if not (configured("VAPID_PRIVATE_KEY") or configured("VAPID_FILE")):
        found.append(
            "VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY are not set (keys generated into var/ "
            "are for a local install; every subscription dies with them): set both, or "
            "VAPID_FILE to a file kept with the other secrets."
        )
    elif configured("VAPID_PRIVATE_KEY") and _is_placeholder(s["VAPID_PRIVATE_KEY"]):
        found.append("VAPID_PRIVATE_KEY is a placeholder.")

    # HTTPS.
    if not s["SITE_URL"].startswith("https://"):
        found.append(f"SITE_URL={s['SITE_URL']!r} must be the site's https:// address.")
    if not s["SECURE_SSL_REDIRECT"]:
        found.append("SECURE_SSL_REDIRECT is off: set SECURE_SSL_REDIRECT=1.")
    if s["SECURE_HSTS_SECONDS"] < 3600:
        found.append(
            "SECURE_HSTS_SECONDS is not set (or under an hour): set it, e.g. 31536000 (a year)."
        )
    if not s["SESSION_COOKIE_SECURE"]:
        found.append("SESSION_COOKIE_SECURE is off: set SESSION_COOKIE_SECURE=1.")
    if not s["ALLOWED_HOSTS"] or set(s["ALLOWED_HOSTS"]) <= LOCAL_HOSTS:
        found.append("ALLOWED_HOSTS names no public host: set it to the site's host name.")
    return found + _oidc_problems(s)


OIDC_ENDPOINTS = (
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
OIDC_ADDRESSES = ("OIDC_OP_DISCOVERY_URL", *OIDC_ENDPOINTS, "OIDC_OP_USER_ENDPOINT")


def _oidc_problems(s: dict) -> list[str]:
    """Refuse a half-configured staff sign-in through OpenID Connect (docs/accounts.md)."""
    if not s["OIDC_ENABLED"]:
        half = [name for name in ("OIDC_RP_CLIENT_SECRET", *OIDC_ADDRESSES) if s[name]]
        if half:
            return [f"{', '.join(half)} set without OIDC_RP_CLIENT_ID: set it too, or unset them."]
        return []
    found = []
    if _is_placeholder(s["OIDC_RP_CLIENT_SECRET"]):
        found.append("OIDC_RP_CLIENT_SECRET is missing or a placeholder (OIDC_RP_CLIENT_ID set).")
    if not s["OIDC_OP_DISCOVERY_URL"] and not all(
        s[name] for name in ("OIDC_OP_ISSUER", *OIDC_ENDPOINTS)
    ):
        found.append(
            "OIDC_RP_CLIENT_ID is set but the provider is not: set OIDC_OP_DISCOVERY_URL, or "
            "OIDC_OP_ISSUER, OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT and "
            "OIDC_OP_JWKS_ENDPOINT."
        )
    for name in OIDC_ADDRESSES:
        if s[name] and not s[name].startswith("https://"):
            found.append(f"{name}={s[name]!r} must be an https:// address.")
    if "openid" not in s["OIDC_RP_SCOPES"].split():
        found.append("OIDC_RP_SCOPES must include openid.")
    return found


def refuse_unsafe_configuration(s: dict, configured: Callable[[str], bool]) -> None:
    """Raise ``ImproperlyConfigured`` listing every unsafe setting, if there is one."""
    found = problems(s, configured)
    if found:
        raise ImproperlyConfigured(
            "UMBRELLA_ENV=production refuses to start:\n- " + "\n- ".join(found)
        )
