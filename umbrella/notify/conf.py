"""notify's configuration: a Django setting when one exists, else the environment.

The project's settings.py is shared; until these names are added there, each
is read from the environment with the same typed helpers (fail loudly on a
bad value). Tests override them with pytest-django's ``settings`` fixture.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from umbrella.env import env_int, env_str


def _setting(name: str, default):
    return getattr(settings, name, default)


def heartbeat_seconds() -> float:
    """Return how often an idle stream sends ``: keepalive``."""
    return float(_setting("NOTIFY_HEARTBEAT_SECONDS", 15.0))


def poll_seconds() -> float:
    """Return how often each web process looks for events in the database.

    The poll is the safety net under the channel layer: Redis pub/sub drops
    messages while a connection is down, and with the in-memory layer the
    worker process (escalations, expired check-ins) cannot reach the web
    process any other way. With Redis it only catches what was lost, so it
    can be slow.
    """
    default = 2.0 if _setting("REDIS_URL", "") else 0.25
    return float(_setting("NOTIFY_POLL_SECONDS", default))


def replay_batch() -> int:
    return int(_setting("NOTIFY_REPLAY_BATCH", 500))


def max_attempts() -> int:
    """Return how many attempts a delivery gets before it is given up."""
    return int(_setting("NOTIFY_MAX_ATTEMPTS", env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)))


def retry_base_seconds() -> float:
    """Return the first retry delay; each further one doubles it."""
    return float(_setting("NOTIFY_RETRY_BASE_SECONDS", 2.0))


def lease_seconds() -> float:
    """Return how long a claimed delivery belongs to its worker before another may take it."""
    return float(_setting("NOTIFY_LEASE_SECONDS", 60.0))


def sms_provider_name() -> str:
    return _setting("SMS_PROVIDER", env_str("SMS_PROVIDER", "console")).strip().lower()


def twilio_credentials() -> tuple[str, str, str]:
    return (
        _setting("TWILIO_ACCOUNT_SID", env_str("TWILIO_ACCOUNT_SID", "")),
        _setting("TWILIO_AUTH_TOKEN", env_str("TWILIO_AUTH_TOKEN", "")),
        _setting("TWILIO_FROM", env_str("TWILIO_FROM", "")),
    )


def twilio_api_url() -> str:
    """Twilio's API root: a regional edge (``https://api.dublin.ie1.twilio.com/2010-04-01``)
    keeps messages in the EU; a local stand-in serves the benchmarks."""
    from umbrella.notify.providers import TWILIO_API

    return _setting("TWILIO_API_URL", env_str("TWILIO_API_URL", TWILIO_API))


def vapid_file() -> Path:
    default = Path(settings.VAR_DIR) / "vapid.json"
    return Path(_setting("VAPID_FILE", env_str("VAPID_FILE", str(default))))


def vapid_env_keys() -> tuple[str, str]:
    return (
        _setting("VAPID_PUBLIC_KEY", env_str("VAPID_PUBLIC_KEY", "")),
        _setting("VAPID_PRIVATE_KEY", env_str("VAPID_PRIVATE_KEY", "")),
    )


def vapid_subject() -> str:
    """Return the contact push services may use about abuse (``mailto:`` or a URL)."""
    fallback = settings.SITE_URL if settings.SITE_URL.startswith("https:") else ""
    value = _setting("VAPID_SUBJECT", env_str("VAPID_SUBJECT", fallback))
    return value or "mailto:noreply@localhost"


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")
