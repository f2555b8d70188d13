"""Django settings for Umbrella Brussels.

Runs with no configuration at all (SQLite in WAL mode, console e-mail and
SMS, an in-memory channel layer), with DEBUG off: a secret key and the
field-encryption keys are generated once into ``var/``. ``UMBRELLA_ENV=production``
marks a production install, which refuses to start on anything that only suits
a local one (``umbrella/production.py``). Every variable is listed in
``docs/deployment.md``; a test keeps that table and this file in step.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from umbrella.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    generated_secret,
    is_set,
    parse_email_url,
    private_dir,
    private_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = private_dir(Path(env_str("UMBRELLA_VAR_DIR", str(BASE_DIR / "var"))))

# "production" turns every local convenience below into a refusal to start.
UMBRELLA_ENV = env_choice("UMBRELLA_ENV", ("development", "production"), "development")
PRODUCTION = UMBRELLA_ENV == "production"
# Off unless a developer asks: Django's debug pages show settings and source.
DEBUG = env_bool("DEBUG", False)

# A key that is obviously not secret; accepted only while DEBUG is on.
DEV_SECRET_KEY = "dev-insecure-umbrella-key-do-not-use-in-production"  # noqa: S105
_PLACEHOLDERS = ("", DEV_SECRET_KEY, "change-me", "changeme", "secret", "placeholder")
# Generated into var/ when none is configured, so a local install keeps its
# sessions across restarts; never accepted in production (production.py).
SECRET_KEY_GENERATED_FILE = VAR_DIR / "secret_key"


def _new_secret_key() -> str:
    import secrets

    return secrets.token_urlsafe(50)


SECRET_KEY = env_str("SECRET_KEY") or generated_secret(SECRET_KEY_GENERATED_FILE, _new_secret_key)
if not DEBUG and (
    SECRET_KEY.strip().lower() in _PLACEHOLDERS
    or "insecure" in SECRET_KEY.lower()
    or len(SECRET_KEY) < 32
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a placeholder or too short. Set SECRET_KEY (or SECRET_KEY_FILE) "
        "to a random value of at least 32 characters, or unset it to use a key "
        "generated into var/ (not in production)."
    )

# Sensitive fields (locations, notes, contacts) are encrypted with the first
# key; every key decrypts (umbrella/core/crypto.py). Generated into var/ when
# none is configured; never accepted in production.
FIELD_ENCRYPTION_KEYS_GENERATED_FILE = VAR_DIR / "field_encryption_keys"


def _new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def _legacy_development_key() -> str:
    # Local installs before var/ keys derived their key from the development
    # SECRET_KEY; kept after the generated key (decrypt only) so their data reads.
    import base64
    import hashlib

    digest = hashlib.sha256(f"umbrella-field-encryption:{DEV_SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


FIELD_ENCRYPTION_KEYS = tuple(env_list("FIELD_ENCRYPTION_KEYS")) or (
    *generated_secret(FIELD_ENCRYPTION_KEYS_GENERATED_FILE, _new_fernet_key).split(","),
    _legacy_development_key(),
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Without SITE_URL, the address `make serve` listens on (PORT, default 8000):
# the demo's curl line and links in messages must point at the real server.
# The one default: code reads settings.SITE_URL, never a fallback of its own.
# Where `manage.py serve` listens, and how many web processes it starts.
HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000, minimum=1)
WEB_PROCESSES = env_int("WEB_PROCESSES", 1, minimum=1)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
# How many proxies in front of the web processes add to X-Forwarded-For
# (0: none, the connection's address is the client's). The client is the
# address that many hops from the right; X-Forwarded-Proto is believed only
# then (umbrella/core/front.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "channels",
    # Serves the API docs' Swagger UI from its own static files, not a CDN.
    "ninja",
    "umbrella.core",
    "umbrella.areas",
    "umbrella.accounts",
    "umbrella.notify",
    "umbrella.alarms",
    "umbrella.directory",
    "umbrella.reports",
    "umbrella.consultation",
    "umbrella.training",
    "umbrella.observatory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "umbrella.core.middleware.SecurityHeadersMiddleware",
    # Notes the matched route for GET /metrics (core/metrics.py).
    "umbrella.core.metrics.RouteMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "umbrella.core.head.HeadAsGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "umbrella.core.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "umbrella.api.errors.ApiJsonErrorsMiddleware",
    # A page's bare 405 becomes the site's 405 page, in the page's language.
    "umbrella.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "umbrella.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "umbrella.urls"
ASGI_APPLICATION = "umbrella.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "umbrella.core.context_processors.site",
                "umbrella.accounts.context_processors.site_menu",
                # The installed app's name chosen on this phone (alarms/disguise.py).
                "umbrella.alarms.disguise.context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    DATABASES["default"].setdefault("OPTIONS", {})
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A connection pool per process (psycopg_pool): under ASGI each request
        # runs in a thread of its own, so persistent connections would be one
        # per thread, opened and leaked per request; PostgreSQL forks a backend
        # for every new connection (~5-10 ms on the alarm path). The pool hands
        # a warm connection to each request and takes it back at the end.
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2, minimum=0),
            "max_size": env_int("DATABASE_POOL_MAX", 20, minimum=1),
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "umbrella.sqlite3")),
            "OPTIONS": {},
        }
    }
    # Created 0600 before SQLite first opens it: SQLite gives the -wal and
    # -shm files the database's mode, and the default umask would make all
    # three readable by every local user.
    if Path(DATABASES["default"]["NAME"]).parent.is_dir():
        private_file(Path(DATABASES["default"]["NAME"]))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets the web server read while the worker writes; IMMEDIATE
            # takes the write lock at BEGIN so concurrent writers queue instead
            # of failing with "database is locked" half-way through.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ---------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    if urlparse(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not a redis:// URL.")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "umbrella",
        },
        # Rate-limit counters (umbrella/core/ratelimit.py), apart from the
        # default cache. Redis must not evict them (maxmemory-policy
        # noeviction or volatile-*; they all carry a TTL): docs/deployment.md.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "umbrella-rl",
        },
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Rate-limit counters in the database, shared by every process and
        # never evicted by a flood filling an in-memory cache (only expired
        # rows are culled below MAX_ENTRIES). The table is made by the
        # migration accounts 0002 (createcachetable).
        # Django's DatabaseCache, whose incr() keeps each counter's expiry.
        "ratelimit": {
            "BACKEND": "umbrella.core.ratelimit.DatabaseRateCache",
            "LOCATION": "umbrella_ratelimit_cache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000, "CULL_FREQUENCY": 10},
        },
    }
RATELIMIT_USE_CACHE = "ratelimit"

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)
# Rate limits: "count/period", period one of s, m, h, d with an optional
# number (10/15m). Each is counted per client (a keyed hash of the address)
# unless said otherwise.
LOGIN_RATE = env_str("LOGIN_RATE", "10/15m")
# Failed sign-ins for one name from all clients together: a ceiling that
# slows a distributed attack and keeps the owner out for one window at most
# (umbrella/accounts/ratelimits.py).
LOGIN_ACCOUNT_RATE = env_str("LOGIN_ACCOUNT_RATE", "60/5m")
# Sign-ups per client; generous because an outreach session may sign up a
# whole group over one connection.
SIGNUP_RATE = env_str("SIGNUP_RATE", "30/h")
# Verification codes sent to one person's contact points.
CONTACT_CODE_RATE = env_str("CONTACT_CODE_RATE", "5/h")
# People a sex worker may newly ask into her circle in 24 hours.
CIRCLE_INVITATIONS_PER_DAY = env_int("CIRCLE_INVITATIONS_PER_DAY", 10, minimum=1)
# Verification messages (texts, calls, e-mails) in 24 hours: per account, and
# to one number or address from all accounts together.
CONTACT_CODES_PER_ACCOUNT_PER_DAY = env_int("CONTACT_CODES_PER_ACCOUNT_PER_DAY", 10, minimum=1)
CONTACT_CODES_PER_TARGET_PER_DAY = env_int("CONTACT_CODES_PER_TARGET_PER_DAY", 3, minimum=1)
# Feedback on services: per client (all services), and per client and service.
TRAINING_FEEDBACK_RATE = env_str("TRAINING_FEEDBACK_RATE", "10/h")
TRAINING_FEEDBACK_SERVICE_RATE = env_str("TRAINING_FEEDBACK_SERVICE_RATE", "3/d")
# Reports submitted per client in an hour and in a day.
REPORTS_PER_CLIENT_PER_HOUR = env_int("REPORTS_PER_CLIENT_PER_HOUR", 10, minimum=1)
REPORTS_PER_CLIENT_PER_DAY = env_int("REPORTS_PER_CLIENT_PER_DAY", 30, minimum=1)
# Open311 public reads are answered from a cache this many seconds old at most.
REPORTS_OPEN311_CACHE_SECONDS = env_int("REPORTS_OPEN311_CACHE_SECONDS", 10, minimum=0)
OTP_TOTP_ISSUER = "Umbrella Brussels"
# How long an enrolment code an administrator issues for two-step
# verification stays valid (umbrella/accounts/enrolment.py).
TWO_FACTOR_ENROLMENT_HOURS = env_int("TWO_FACTOR_ENROLMENT_HOURS", 72, minimum=1)
RATELIMIT_VIEW = "umbrella.accounts.views.ratelimited"

# --- Staff sign-in through OpenID Connect (docs/accounts.md) ---------------
# Off unless OIDC_RP_CLIENT_ID is set; production refuses a half configuration
# (umbrella/production.py). mozilla-django-oidc reads the OIDC_* names too.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# The provider's /.well-known/openid-configuration; an endpoint set below wins
# over what it says, and without it the issuer and three endpoints are needed.
OIDC_OP_DISCOVERY_URL = env_str("OIDC_OP_DISCOVERY_URL")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_choice("OIDC_RP_SIGN_ALGO", ("rs256", "es256"), "rs256").upper()
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email")
# acr_values asked of the provider (FAS: the eID/itsme level), and the acr or
# amr values that count as strong authentication: the staff two-step rule.
OIDC_ACR_VALUES = env_str("OIDC_ACR_VALUES")
OIDC_STRONG_ACR_VALUES = env_list("OIDC_STRONG_ACR_VALUES")
OIDC_STRONG_AMR_VALUES = env_list("OIDC_STRONG_AMR_VALUES")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
# One fixed redirect address, outside the language prefix, to register.
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("umbrella.accounts.oidc.StaffOIDCBackend")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends this long after sign-in whatever happens (Django's cookie
# age), and earlier after SESSION_IDLE_SECONDS without a request
# (umbrella/core/sessions.py): a phone left signed in on a table.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=60)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 12 * 3600, minimum=60)

# --- HTTPS ----------------------------------------------------------------
# On by default when the site's address is https: (a local install on
# http://127.0.0.1 would otherwise lose its cookies).
_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
# The load balancer checks health, and Prometheus scrapes each web process,
# over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: Chromium sends "Origin: null" with form posts
# under no-referrer and Django's CSRF check then refuses every form. Nothing
# is sent to other sites either way.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
]
# Languages whose interface is complete; the others cover the safety screens.
COMPLETE_LANGUAGES = ("nl", "fr", "en")
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "umbrella_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
# Day before month and a 24-hour clock in every language (Django's "en" is American).
FORMAT_MODULE_PATH = ["umbrella.formats"]

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries come from npm (package-lock.json) and are served by the
# app itself: never from a CDN.
STATICFILES_DIRS = [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # The whole package, so that its LICENSE is served beside dist/protomaps-leaflet.js.
    ("vendor/protomaps-leaflet", BASE_DIR / "node_modules" / "protomaps-leaflet"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need collectstatic (the deploy step); a local install
        # serves the files from the finders as they are.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

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

# --- Logs -----------------------------------------------------------------
# plain: one line per record for a terminal; json: one JSON object per line
# for a log shipper. No line carries a client's address, whoever writes it:
# the handler masks every IP address (umbrella/core/log_filters.py), and the
# access log (umbrella/core/front.py) never had one.
LOG_FORMAT = env_choice("LOG_FORMAT", ("plain", "json"), "plain")
LOG_LEVEL = env_choice(
    "LOG_LEVEL", ("debug", "info", "warning", "error", "critical"), "info"
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_address": {"()": "umbrella.core.log_filters.AddressMask"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "umbrella.core.log_filters.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_address"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx writes every request's full URL at INFO: a place search's query
        # string carries what someone typed, a push endpoint its device token.
        "httpx": {"level": "WARNING"},
        # uvicorn's own configuration gives these loggers handlers of their
        # own, which would bypass the format and the address mask.
        "uvicorn": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "uvicorn.error": {"handlers": [], "propagate": True},
        # The access log is umbrella.access (core/front.py). uvicorn writes its
        # own line (with the client's address) whenever this logger has a
        # handler, even with its access log off: it must reach none.
        "uvicorn.access": {"handlers": [], "propagate": False},
    },
}

# --- Production -----------------------------------------------------------
if PRODUCTION:
    from umbrella.production import refuse_unsafe_configuration

    refuse_unsafe_configuration(globals(), configured=is_set)
