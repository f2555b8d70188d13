"""End a session after ``SESSION_IDLE_SECONDS`` without a request.

A phone left signed in (on a table, taken by a client) must not stay a key to
her alarms and her circle for the cookie's whole life (``SESSION_COOKIE_AGE``,
which bounds a session however active it is). The time of the last request
is kept in the session and written at most once a minute, so a busy page does
not write the session on every request.
"""

from __future__ import annotations

import time

from django.conf import settings

LAST_SEEN_KEY = "umbrella_last_seen"
# Writing the session on every request costs a database write each time;
# a minute of imprecision on a 12-hour limit costs nothing.
WRITE_EVERY_SECONDS = 60


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_SECONDS:
                session.flush()
            elif last_seen is None or now - last_seen >= WRITE_EVERY_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)
