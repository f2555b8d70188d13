"""Bearer-token authentication for the JSON API.

Use it on any route: ``@router.get("...", auth=BearerTokenAuth())``. The
handler then finds the person in ``request.user`` (or ``request.auth``) and the
token row in ``request.api_token``.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from umbrella.accounts.models import ApiToken, User, hash_secret

# Writing last_used_at on every request would turn each read into a write;
# to the minute is all the tokens page needs.
LAST_USED_GRANULARITY = timedelta(minutes=1)
# Anything longer is not one of ours; refuse before hashing.
MAX_TOKEN_LENGTH = 200


def token_for_key(key: str) -> ApiToken | None:
    """Return the token row for a plaintext key, valid or not, or ``None``."""
    if not key or len(key) > MAX_TOKEN_LENGTH:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_secret(key)).first()


class BearerTokenAuth(HttpBearer):
    """Authenticate ``Authorization: Bearer <token>`` against stored token digests."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        now = timezone.now()
        found = token_for_key(token.strip())
        if found is None or not found.is_valid(now):
            return None
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_GRANULARITY:
            # update() rather than save(): one narrow UPDATE, no signals, and
            # no lost write if two requests race.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        request.user = found.user
        request.api_token = found
        return found.user
