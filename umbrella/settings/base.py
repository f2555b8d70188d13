"""The project's frame: where it lives, its apps, middleware and templates, the
database and Redis, languages and static files."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from umbrella.env import env_bool, env_choice, env_int, env_list, env_str, private_dir, private_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = private_dir(Path(env_str("UMBRELLA_VAR_DIR", str(BASE_DIR / "var"))))

# "production" turns every local convenience below into a refusal to start.
UMBRELLA_ENV = env_choice("UMBRELLA_ENV", ("development", "production"), "development")
PRODUCTION = UMBRELLA_ENV == "production"
# Off unless a developer asks: Django's debug pages show settings and source.
DEBUG = env_bool("DEBUG", False)

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

# django-ninja's own page and files for the API docs (Swagger UI from our own
# static files, not a CDN), found without importing ninja: as an installed app
# it would be imported by every process, the worker too, which would keep ninja
# and pydantic (~13 MB) for nothing (issue 18).
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent  # type: ignore[union-attr, arg-type]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The API docs' page (api/openapi.py: LocalSwagger).
        "DIRS": [NINJA_DIR / "templates"],
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
        # Server-side binding, and a statement run this many times on a connection
        # is prepared there: the server no longer plans it each time (a join of the
        # escalation step's routing: 0.45 → 0.17 ms; the step: 27 → 23 ms). The
        # pool keeps connections, so their prepared statements serve. 0: never
        # prepare (a PgBouncer older than 1.21 in transaction mode).
        prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5, minimum=0)
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = prepare_threshold or None
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
# Every key and pub/sub channel this install uses in Redis starts with it.
# Pub/sub channels are server-wide (the database number in REDIS_URL does not
# separate them), so installs sharing one Redis server need different prefixes.
REDIS_PREFIX = env_str("REDIS_PREFIX", "umbrella")
if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", REDIS_PREFIX):
    raise ImproperlyConfigured(
        f"REDIS_PREFIX={REDIS_PREFIX!r}: use 1 to 40 letters, digits, '.', '_' or '-'."
    )
if REDIS_URL:
    if urlparse(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not a redis:// URL.")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX},
        }
    }
    CACHES: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        },
        # Rate-limit counters (umbrella/core/ratelimit.py), apart from the
        # default cache. Redis must not evict them (maxmemory-policy
        # noeviction or volatile-*; they all carry a TTL): docs/deployment.md.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_PREFIX}-rl",
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
    # ninja/swagger-ui-bundle.js and the rest of the API docs' files.
    NINJA_DIR / "static",
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
