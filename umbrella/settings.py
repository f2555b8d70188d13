"""Django settings for Umbrella Brussels.

Runs with no configuration at all (SQLite in WAL mode, console e-mail, an
in-memory channel layer). Production reads the environment; see
``docs/deployment.md`` for every variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from umbrella.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("UMBRELLA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

# A key that is obviously not secret; accepted only while DEBUG is on.
DEV_SECRET_KEY = "dev-insecure-umbrella-key-do-not-use-in-production"  # noqa: S105
_PLACEHOLDERS = ("", DEV_SECRET_KEY, "change-me", "changeme", "secret", "placeholder")
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY.strip().lower() in _PLACEHOLDERS
    or "insecure" in SECRET_KEY.lower()
    or len(SECRET_KEY) < 32
):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or a placeholder. With DEBUG off, set SECRET_KEY "
        "(or SECRET_KEY_FILE) to a random value of at least 32 characters."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Without SITE_URL, the address `make serve` listens on (PORT, default 8000):
# the demo's curl line and links in messages must point at the real server.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}")

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "umbrella.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "umbrella",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
LOGIN_RATE = env_str("LOGIN_RATE", "10/15m")
OTP_TOTP_ISSUER = "Umbrella Brussels"
RATELIMIT_VIEW = "umbrella.accounts.views.ratelimited"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
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

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries come from npm (package-lock.json) and are served by the
# app itself: never from a CDN.
STATICFILES_DIRS = [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
# WhiteNoise warns when STATIC_ROOT is missing; in development the finders
# serve everything and collectstatic has not run yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Map ------------------------------------------------------------------
# No tile server by default: the map draws the shipped boundaries only. An
# operator may set a tile URL of their own (it is added to the CSP).
TILE_URL = env_str("TILE_URL", "")
TILE_ATTRIBUTION = env_str("TILE_ATTRIBUTION", "")

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
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Umbrella Brussels <noreply@localhost>")

# --- Worker ---------------------------------------------------------------
# /healthz answers 503 when the worker's last heartbeat is older than this.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 10, minimum=1)
WORKER_TICK_SECONDS = 1.0
# Web and worker processes run full garbage collections on this timer instead
# of in the middle of a request (umbrella/core/runtime.py); 0 = CPython's default.
GC_FULL_COLLECTION_SECONDS = env_int("GC_FULL_COLLECTION_SECONDS", 300, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
