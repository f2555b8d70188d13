"""Logs: one format, no client address on any line."""

from __future__ import annotations

from umbrella.env import env_choice

# --- Logs -----------------------------------------------------------------
# plain: one line per record for a terminal; json: one JSON object per line
# for a log shipper. No line carries a client's address, whoever writes it:
# the handler masks every IP address (umbrella/core/log_filters.py), and the
# access log (umbrella/core/front.py) never had one.
LOG_FORMAT = env_choice("LOG_FORMAT", ("plain", "json"), "plain")
LOG_LEVEL = env_choice(
    "LOG_LEVEL", ("debug", "info", "warning", "error", "critical"), "info"
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_address": {"()": "umbrella.core.log_filters.AddressMask"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "umbrella.core.log_filters.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_address"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx writes every request's full URL at INFO: a place search's query
        # string carries what someone typed, a push endpoint its device token.
        "httpx": {"level": "WARNING"},
        # uvicorn's own configuration gives these loggers handlers of their
        # own, which would bypass the format and the address mask.
        "uvicorn": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "uvicorn.error": {"handlers": [], "propagate": True},
        # The access log is umbrella.access (core/front.py). uvicorn writes its
        # own line (with the client's address) whenever this logger has a
        # handler, even with its access log off: it must reach none.
        "uvicorn.access": {"handlers": [], "propagate": False},
    },
}
