"""Small helpers shared by the reports actions."""

from __future__ import annotations

import hashlib
import math
import secrets

from django.conf import settings

from umbrella.accounts.models import Membership
from umbrella.reports.models import Body

# About 50 m in each direction at Brussels' latitude (50.85° N):
# 0.00045° of latitude is 50 m, 0.0007° of longitude is 49 m.
LAT_STEP = 0.00045
LON_STEP = 0.0007

FIXED_QUESTION_AFTER_DAYS = 28


def hash_code(code: str) -> str:
    """Return the SHA-256 digest under which a follow-up code is stored."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def new_code() -> tuple[str, str]:
    """Return a new random follow-up code and its digest."""
    code = secrets.token_urlsafe(18)
    return code, hash_code(code)


def round_point(lat: float, lon: float) -> tuple[float, float]:
    """Return the point snapped to a grid of about 50 m (the public location)."""
    return (
        round(math.floor(lat / LAT_STEP) * LAT_STEP + LAT_STEP / 2, 6),
        round(math.floor(lon / LON_STEP) * LON_STEP + LON_STEP / 2, 6),
    )


def site_language(language: str | None) -> str:
    """Return ``language`` if the site has it, else English."""
    code = (language or "").split("-")[0].lower()
    return code if code in {c for c, _ in settings.LANGUAGES} else "en"


def bodies_of(user) -> list[Body]:
    """Return the active bodies whose organisation ``user`` is a member of."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    organisation_ids = Membership.objects.filter(user=user).values_list(
        "organisation_id", flat=True
    )
    return list(Body.objects.filter(organisation_id__in=organisation_ids, active=True))


PUBLIC_VERSION_KEY = "reports:public-version"


def public_version() -> int:
    """Return the version of the public reports data (responses cached under it)."""
    from django.core.cache import cache

    return cache.get(PUBLIC_VERSION_KEY) or 0


def public_data_changed() -> None:
    """Start a new version of the public reports data, now and again after the commit.

    Now, so that this process (and a test) never reads its own change from an
    older cached answer; after the commit, so that an answer another request
    cached in between, from data before the commit, is never served again.
    """
    from django.core.cache import cache
    from django.db import transaction

    def bump() -> None:
        if not cache.add(PUBLIC_VERSION_KEY, 1, None):
            try:
                cache.incr(PUBLIC_VERSION_KEY)
            except ValueError:
                cache.set(PUBLIC_VERSION_KEY, 1, None)

    bump()
    transaction.on_commit(bump)
