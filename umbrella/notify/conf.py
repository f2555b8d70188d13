"""notify's configuration, read from the settings (defined once in ``umbrella/settings/``).

Tests override them with pytest-django's ``settings`` fixture.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def heartbeat_seconds() -> float:
    """Return how often an idle stream sends ``: keepalive``."""
    return float(settings.NOTIFY_HEARTBEAT_SECONDS)


def poll_seconds() -> float:
    """Return how often each web process looks for events in the database (why: the settings)."""
    return float(settings.NOTIFY_POLL_SECONDS)


def replay_batch() -> int:
    return int(settings.NOTIFY_REPLAY_BATCH)


def max_attempts() -> int:
    """Return how many attempts a delivery gets before it is given up."""
    return int(settings.NOTIFY_MAX_ATTEMPTS)


def retry_base_seconds() -> float:
    """Return the first retry delay; each further one doubles it."""
    return float(settings.NOTIFY_RETRY_BASE_SECONDS)


def lease_seconds() -> float:
    """Return how long a claimed delivery belongs to its worker before another may take it."""
    return float(settings.NOTIFY_LEASE_SECONDS)


def sms_provider_name() -> str:
    return settings.SMS_PROVIDER.strip().lower()


def twilio_credentials() -> tuple[str, str, str]:
    return (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM)


def twilio_api_url() -> str:
    """Twilio's API root: a regional edge (``https://api.dublin.ie1.twilio.com/2010-04-01``)
    keeps messages in the EU; a local stand-in serves the benchmarks."""
    return settings.TWILIO_API_URL


def vapid_file() -> Path:
    return Path(settings.VAPID_FILE)


def vapid_env_keys() -> tuple[str, str]:
    return (settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY)


def vapid_subject() -> str:
    """Return the contact push services may use about abuse (``mailto:`` or a URL)."""
    return settings.VAPID_SUBJECT or "mailto:noreply@localhost"


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")
