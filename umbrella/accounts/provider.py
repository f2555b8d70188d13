"""The region's OpenID Connect provider: where it is, and why a sign-in through it was refused.

Its issuer and endpoints come from the settings, else from its discovery
document (asked again after ``DISCOVERY_MAX_AGE``). Kept apart from the
backend (``oidc.py``) so that the pages import neither requests nor PyJWT
until someone signs in that way (docs/accounts.md).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# The discovery document is asked for again after this long (seconds).
DISCOVERY_MAX_AGE = 3600
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


class Refusal(models.TextChoices):
    """Why a provider sign-in did not sign anyone in; each has its own page."""

    UNKNOWN = "unknown"
    STAFF_ONLY = "staff_only"
    INVALID = "invalid"
    CANCELLED = "cancelled"
    UNAVAILABLE = "unavailable"


# The answer to each: a status and what to say.
REFUSALS: dict[Refusal, tuple[int, StrOrPromise]] = {
    Refusal.UNKNOWN: (
        403,
        _(
            "No Umbrella account is linked to the identity you signed in with. Staff accounts "
            "are created by an administrator of the platform: ask yours to create your account "
            "or to link it to this sign-in."
        ),
    ),
    Refusal.STAFF_ONLY: (
        403,
        _(
            "This sign-in is for the staff of services and administrations only. A private "
            "account signs in with its chosen name and passphrase."
        ),
    ),
    Refusal.INVALID: (
        400,
        _(
            "The answer of the sign-in service could not be checked, so nobody was signed in. "
            "Start again from the staff sign-in page."
        ),
    ),
    Refusal.CANCELLED: (
        400,
        _("The sign-in was cancelled or refused at the sign-in service."),
    ),
    Refusal.UNAVAILABLE: (
        502,
        _("The sign-in service cannot be reached right now. Try again in a few minutes."),
    ),
}


def answer(reason: Refusal, detail: str = "") -> tuple[int, StrOrPromise]:
    """Return the status and message of a refusal, and log why (never who, nor from where)."""
    logger.warning("staff sign-in refused (%s) %s", reason.value, detail)
    return REFUSALS[reason]


class SignInRefused(Exception):
    def __init__(self, reason: Refusal):
        super().__init__(reason)
        self.reason = reason


def provider() -> dict[str, str]:
    """Return the provider's issuer and endpoints: each setting, else discovery's.

    Raise ``SignInRefused(UNAVAILABLE)`` when discovery cannot be read or an
    endpoint is missing.
    """
    found = _discover(settings.OIDC_OP_DISCOVERY_URL) if settings.OIDC_OP_DISCOVERY_URL else {}
    configured = {
        "issuer": settings.OIDC_OP_ISSUER,
        "authorization_endpoint": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_OP_TOKEN_ENDPOINT,
        "jwks_uri": settings.OIDC_OP_JWKS_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_OP_USER_ENDPOINT,
    }
    merged = {key: value or str(found.get(key) or "") for key, value in configured.items()}
    missing = [key for key, value in merged.items() if not value and key != "userinfo_endpoint"]
    if missing:
        logger.error("OpenID Connect provider: no %s configured or discovered", ", ".join(missing))
        raise SignInRefused(Refusal.UNAVAILABLE)
    return merged


def _discover(url: str) -> dict[str, Any]:
    cached = _discovered.get(url)
    if cached is not None and time.monotonic() - cached[0] < DISCOVERY_MAX_AGE:
        return cached[1]
    import requests  # only at sign-in: the web processes need it for nothing else

    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OpenID Connect discovery failed: %s", type(exc).__name__)
        raise SignInRefused(Refusal.UNAVAILABLE) from exc
    if not isinstance(document, dict):
        raise SignInRefused(Refusal.UNAVAILABLE)
    _discovered[url] = (time.monotonic(), document)
    return document


def asserts_strong_authentication(claims: dict[str, Any]) -> bool:
    """Answer whether the ID token's ``acr`` or ``amr`` is among the accepted values."""
    if claims.get("acr") in settings.OIDC_STRONG_ACR_VALUES:
        return True
    methods = claims.get("amr")
    if not isinstance(methods, list):
        return False
    return bool(set(methods) & set(settings.OIDC_STRONG_AMR_VALUES))
