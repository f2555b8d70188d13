"""Who is asking: a bearer token or a verified session, for the stream and the notify API."""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.http import HttpRequest
from django_otp.middleware import OTPMiddleware
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


def stream_user(request: HttpRequest, *, release: bool = True):
    """Return the person behind a stream request (bearer token first, then session), or None.

    Runs in a worker thread (sync ORM). With ``release`` the database
    connection is closed afterwards outside a transaction: the Django view's
    thread lives as long as its stream, and holding one connection per stream
    would exhaust PostgreSQL at a few hundred. The ASGI app (``stream.py``)
    runs this on a small shared pool whose connections it manages itself.

    A request that did not come through Django's middleware (the ASGI app)
    has no ``user`` yet: the session cookie is then read with Django's own
    session, authentication and django-otp middleware code, so the rule is
    the same — staff who have not passed two-step verification get nothing.
    """
    try:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return BearerTokenAuth().authenticate(request, token.strip())
        if header:
            return None
        if not hasattr(request, "user"):
            _load_session_user(request)
        return _session_user(request)
    finally:
        if release:
            release_connection()


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
