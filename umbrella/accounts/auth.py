"""Who is asking the JSON API and the alarm stream: a bearer token or a verified session.

Use ``BearerTokenAuth`` on any route: ``@router.get("...", auth=BearerTokenAuth())``.
The handler then finds the person in ``request.user`` (or ``request.auth``) and
the token row in ``request.api_token``. ``session_or_bearer`` also accepts the
browser's session (CSRF checked; staff only after two-step verification);
``stream_user`` does the same for the SSE stream, outside django-ninja.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest
from django.utils import timezone
from django_otp.middleware import OTPMiddleware
from ninja.security import HttpBearer, SessionAuth

from umbrella.accounts.models import ApiToken, User, hash_secret

# Writing last_used_at on every request would turn each read into a write;
# to the minute is all the tokens page needs.
LAST_USED_GRANULARITY = timedelta(minutes=1)
# Anything longer is not one of ours; refuse before hashing.
MAX_TOKEN_LENGTH = 200


class AuthenticatedRequest(HttpRequest):
    """The request a route declared with ``auth=`` receives, for type checkers.

    django-ninja calls the handler only once an authenticator returned the
    person, and sets ``request.auth`` to her; ours set ``request.user`` too.
    Handlers annotate ``request`` with it (django-ninja skips the ``request``
    parameter by name, whatever its annotation).
    """

    auth: User
    user: User


class TokenRequest(AuthenticatedRequest):
    """A request ``BearerTokenAuth`` let through: the token row is ``request.api_token``."""

    api_token: ApiToken


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
        authenticated = cast(TokenRequest, request)
        authenticated.user = found.user
        authenticated.api_token = found
        return found.user


def _session_user(request: HttpRequest):
    # request.user (not auser()): django-otp's middleware wraps it with
    # is_verified(), and staff sessions that have not passed 2FA must not
    # read alarms through the stream either.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.requires_two_factor():
        is_verified = getattr(user, "is_verified", None)
        if is_verified is None or not is_verified():
            return None
    return user


def stream_user(request: HttpRequest):
    """Return the person behind a stream request (bearer token first, then session), or None.

    Runs in a thread of the stream's small shared pool (sync ORM), whose
    database connections the ASGI app (``notify/stream.py``) manages itself.

    The request did not come through Django's middleware, so it has no
    ``user`` yet: the session cookie is read with Django's own session,
    authentication and django-otp middleware code, so the rule is the same —
    staff who have not passed two-step verification get nothing.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return BearerTokenAuth().authenticate(request, token.strip())
    if header:
        return None
    if not hasattr(request, "user"):
        _load_session_user(request)
    return _session_user(request)


def _load_session_user(request: HttpRequest) -> None:
    """Set ``request.session`` and ``request.user`` as the middleware chain would.

    SessionMiddleware → AuthenticationMiddleware → OTPMiddleware, in the
    order of settings.MIDDLEWARE (the last one's sync call returns the user
    it wrapped with ``is_verified()``).
    """
    SessionMiddleware(_no_response).process_request(request)
    AuthenticationMiddleware(_no_response).process_request(request)
    request.user = OTPMiddleware(lambda r: r.user)(request)


def _no_response(request):  # pragma: no cover - never called
    raise AssertionError("the stream reads the session only")


class VerifiedSessionAuth(SessionAuth):
    """django-ninja session auth that also requires 2FA for staff roles (CSRF checked)."""

    def authenticate(self, request: HttpRequest, key):
        return _session_user(request)


# For the API routes of people: a bearer token (apps, scripts) or the browser's session.
session_or_bearer = [BearerTokenAuth(), VerifiedSessionAuth()]
