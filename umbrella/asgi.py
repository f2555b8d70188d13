"""ASGI entry point: HTTP through Django (Channels-ready), plus a lifespan that
starts the worker watchdog in every web process.

``GET /api/v1/alarms/stream`` is served by a plain ASGI app in front of
Django (``umbrella.notify.stream``): Django's handler gives each request a
thread for its sync middleware that would live as long as the stream."""

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umbrella.settings")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from umbrella.core.watchdog import watch_forever  # noqa: E402
from umbrella.notify.stream import alarm_stream_app, wants_stream  # noqa: E402

http_app = ProtocolTypeRouter({"http": django_asgi_app})


async def application(scope, receive, send):
    """Serve HTTP; on lifespan, run the watchdog for as long as the process lives."""
    if scope["type"] != "lifespan":
        if wants_stream(scope):
            return await alarm_stream_app(scope, receive, send)
        return await http_app(scope, receive, send)
    stop = asyncio.Event()
    task = None
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            task = asyncio.create_task(watch_forever(stop))
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            stop.set()
            if task is not None:
                task.cancel()
            await send({"type": "lifespan.shutdown.complete"})
            return
