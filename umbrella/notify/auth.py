"""Who is asking: a bearer token or a verified session, for the stream and the notify API."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from ninja.security import SessionAuth

from umbrella.accounts.auth import BearerTokenAuth


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

    Runs in a worker thread (sync ORM). The database connection is closed
    afterwards outside a transaction: a stream lives for hours, and holding
    one connection per stream would exhaust PostgreSQL at a few hundred.
    """
    try:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return BearerTokenAuth().authenticate(request, token.strip())
        if header:
            return None
        return _session_user(request)
    finally:
        release_connection()


def release_connection() -> None:
    """Close this thread's database connection unless a transaction is open (tests)."""
    if not connection.in_atomic_block:
        connection.close()


class VerifiedSessionAuth(SessionAuth):
    """django-ninja session auth that also requires 2FA for staff roles (CSRF checked)."""

    def authenticate(self, request: HttpRequest, key):
        return _session_user(request)


# For the notify API: a bearer token (apps, scripts) or the browser's session.
session_or_bearer = [BearerTokenAuth(), VerifiedSessionAuth()]
