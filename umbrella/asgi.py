"""ASGI entry point: HTTP through Django (Channels-ready), plus a lifespan that
starts the worker watchdog in every web process and applies the garbage
collector's policy (``umbrella.core.runtime``).

``GET /api/v1/alarms/stream`` is served by a plain ASGI app in front of
Django (``umbrella.notify.stream``): Django's handler gives each request a
thread for its sync middleware that would live as long as the stream. The
public Open311 reads are served, and cached, the same way
(``umbrella.reports.open311.front``): their middlewares cost more than the
answer.

``manage.py serve`` runs ``served`` (or ``served_without_access_log``): the
application behind ``umbrella.core.front.Front``, which sets the client from
the trusted proxies and writes the access log (``core/webserver.py``)."""

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from umbrella.core import runtime  # noqa: E402
from umbrella.core.front import Front  # noqa: E402
from umbrella.core.watchdog import watch_forever  # noqa: E402
from umbrella.notify.stream import alarm_stream_app, wants_stream  # noqa: E402
from umbrella.reports.open311.front import public_read_app, wants_public_read  # noqa: E402

http_app = ProtocolTypeRouter({"http": django_asgi_app})


async def application(scope, receive, send):
    """Serve HTTP; on lifespan, run the watchdog and the timed collections."""
    if scope["type"] != "lifespan":
        if wants_stream(scope):
            return await alarm_stream_app(scope, receive, send, http_app)
        if wants_public_read(scope):
            return await public_read_app(scope, receive, send, http_app)
        return await http_app(scope, receive, send)
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            tasks.append(asyncio.create_task(watch_forever(stop)))
            if runtime.settle_heap():
                tasks.append(asyncio.create_task(runtime.collect_on_a_timer()))
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            stop.set()
            for task in tasks:
                task.cancel()
            await send({"type": "lifespan.shutdown.complete"})
            return


# What manage.py serve's uvicorn loads (core/webserver.py); assembled here, not
# in core/front.py, so that core imports nothing above it.
served = Front(application, access_log=True)
served_without_access_log = Front(application, access_log=False)
