"""Secrets and who may do what: the secret key and the field-encryption keys,
accounts, rate limits, staff sign-in (OpenID Connect), sessions and HTTPS."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from umbrella.env import env_bool, env_choice, env_int, env_list, env_str, generated_secret
from umbrella.settings.base import DEBUG, SITE_URL, VAR_DIR

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
