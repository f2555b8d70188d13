"""What the project talks to and runs: the map and place search, the quick exit,
e-mail, SMS, voice and Web Push, the worker, metrics and backups."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from umbrella.env import env_choice, env_int, env_list, env_str, parse_email_url
from umbrella.settings.base import REDIS_URL, SITE_URL, VAR_DIR

# --- Map ------------------------------------------------------------------
# No tile server by default: the map draws the shipped boundaries only. An
# operator may set a tile URL of their own (it is added to the CSP).
TILE_URL = env_str("TILE_URL", "")
TILE_ATTRIBUTION = env_str("TILE_ATTRIBUTION", "")
# A self-hosted base map instead (docs/areas.md): a PMTiles extract of the
# region, served by the app itself in byte ranges. While the file is absent
# the maps neither draw nor request it.
PMTILES_PATH = Path(env_str("PMTILES_PATH", str(VAR_DIR / "tiles" / "brussels.pmtiles")))
PMTILES_ATTRIBUTION = env_str(
    "PMTILES_ATTRIBUTION", "© OpenStreetMap contributors (ODbL) · Protomaps"
)
# Place search answers from the shipped gazetteer; an operator may add the
# region's UrbIS geocoder or a Nominatim of their own, asked by the server
# (umbrella/areas/geocoder.py; docs/areas.md).
GEOCODER = env_choice("GEOCODER", ("", "urbis", "nominatim"), "")
GEOCODER_URL = env_str("GEOCODER_URL", "").strip()
if GEOCODER and not GEOCODER_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"GEOCODER={GEOCODER} needs GEOCODER_URL, the https:// (or, on a private network, "
        "http://) address of the geocoder's search endpoint."
    )

# --- Quick exit -----------------------------------------------------------
# Where the quick-exit control sends the browser: a neutral page that explains
# nothing. It replaces the current history entry where the browser allows.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.meteo.be/")

# --- E-mail ---------------------------------------------------------------
# Operators told when the worker stalls: "Name <address>, Other <address>".
ADMINS = [
    (entry.split("<")[0].strip(), entry.split("<")[1].rstrip(">").strip())
    if "<" in entry
    else (entry, entry)
    for entry in env_list("ADMINS", [])
]
# smtp://user:password@host:587 (STARTTLS), smtps://…:465 (TLS) or console:
# (umbrella/env.py parse_email_url).
EMAIL_URL = env_str("EMAIL_URL", "console:")
globals().update(parse_email_url("EMAIL_URL", EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Umbrella Brussels <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- SMS, voice and Web Push (umbrella/notify) ------------------------------
# console: nothing leaves the machine; deliveries are recorded as "console".
SMS_PROVIDER = env_choice("SMS_PROVIDER", ("console", "twilio"), "console")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM = env_str("TWILIO_FROM")
# A regional edge keeps messages in the EU; a local stand-in serves the benchmarks.
TWILIO_API_URL = env_str("TWILIO_API_URL", "https://api.twilio.com/2010-04-01")
VAPID_FILE = Path(env_str("VAPID_FILE", str(VAR_DIR / "vapid.json")))
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
# The contact push services may use about abuse (mailto: or a URL).
VAPID_SUBJECT = env_str(
    "VAPID_SUBJECT", SITE_URL if SITE_URL.startswith("https:") else "mailto:noreply@localhost"
)
# The only hosts a push subscription's endpoint may name (umbrella/core/outbound.py):
# the worker posts to it, so any other host would be a way into the server's network.
# "*.suffix" matches any name under it.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    [
        "fcm.googleapis.com",  # Chrome, Edge on Android, most Android browsers
        "updates.push.services.mozilla.com",  # Firefox
        "web.push.apple.com",  # Safari, iOS home-screen apps
        "*.notify.windows.com",  # Edge on Windows
    ],
)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
# The first retry delay; each further one doubles it.
NOTIFY_RETRY_BASE_SECONDS = 2.0
# How long a claimed delivery belongs to its worker before another may take it.
NOTIFY_LEASE_SECONDS = 60.0
# How often an idle stream sends ": keepalive".
NOTIFY_HEARTBEAT_SECONDS = 15.0
# How often each web process looks for events in the database: the safety net
# under the channel layer (Redis pub/sub drops messages while a connection is
# down; the in-memory layer cannot reach the worker process at all). With
# Redis it only catches what was lost, so it can be slow.
NOTIFY_POLL_SECONDS = 2.0 if REDIS_URL else 0.25
NOTIFY_REPLAY_BATCH = 500

# --- Worker ---------------------------------------------------------------
# /healthz answers 503 when the worker's last heartbeat is older than this.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 10, minimum=1)
WORKER_TICK_SECONDS = 1.0
# How long a worker's claim on a deadline lasts when its holder cannot be
# judged gone sooner (it stopped, fell silent, or its pid is gone on this host).
ALARM_DEADLINE_LEASE_SECONDS = env_int("ALARM_DEADLINE_LEASE_SECONDS", 30, minimum=1)
# Retention (docs/privacy.md): an alarm nobody resolved or cancelled is closed
# this many days after it was raised ("closed by retention"), and the precise
# data of every closed alarm (location, note, outcome, her check-in's note) is
# erased this many days after it closed.
ALARM_AUTO_CLOSE_DAYS = env_int("ALARM_AUTO_CLOSE_DAYS", 7, minimum=1)
ALARM_ERASE_AFTER_DAYS = env_int("ALARM_ERASE_AFTER_DAYS", 30, minimum=1)
# Web and worker processes run full garbage collections on this timer instead
# of in the middle of a request (umbrella/core/runtime.py); 0 = CPython's default.
GC_FULL_COLLECTION_SECONDS = env_int("GC_FULL_COLLECTION_SECONDS", 300, minimum=0)

# --- Metrics --------------------------------------------------------------
# GET /metrics (Prometheus text, docs/operations.md) answers 404 while this is
# empty, and then only to "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env_str("METRICS_TOKEN", "").strip()
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured(
        "METRICS_TOKEN is shorter than 32 characters: use a random value "
        "(e.g. `openssl rand -hex 32`), or leave it unset to turn /metrics off."
    )

# --- Backups --------------------------------------------------------------
# manage.py backup and restore encrypt and decrypt archives with a key derived
# from this passphrase (scrypt, AES-GCM); neither runs without it. Keep it
# apart from the archives (docs/operations.md).
BACKUP_PASSPHRASE = env_str("BACKUP_PASSPHRASE", "")
