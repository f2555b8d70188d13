"""Keep room-button device keys out of the logs.

A room button has no account: the device key in its URL
(``/api/v1/alarms/device/<key>``) is the credential. Whoever reads a log
line with it could raise false alarms in that room, so every logger that
writes request paths masks it: Django's ``django.request`` ("Not Found:
/api/v1/alarms/device/…") and ``django.server`` (runserver), and uvicorn's
access log. ``AlarmsConfig.ready()`` attaches the filter to them; a
logger's own filter runs before any handler, whatever the logging set-up.
"""

from __future__ import annotations

import logging
import re

# The key is URL-safe base64; stop at the end of the path segment whatever comes.
DEVICE_PATH = re.compile(r"(/alarms/device/)[^/\s?#\"']+")
MASK = r"\1[device key]"
MASKED_LOGGERS = ("django.request", "django.server", "uvicorn.access", "uvicorn.error")


def mask_device_keys(text: str) -> str:
    """Return ``text`` with every device key in a button's URL replaced by a placeholder."""
    return DEVICE_PATH.sub(MASK, text) if "/alarms/device/" in text else text


def _masked(value):
    return mask_device_keys(value) if isinstance(value, str) else value


class DeviceKeyFilter(logging.Filter):
    """Mask device keys in a record's message and arguments; never drop a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_masked(value) for value in record.args)
        return True


DEVICE_KEY_FILTER = DeviceKeyFilter()


def install() -> None:
    """Attach the filter to the loggers that write request paths (once each)."""
    for name in MASKED_LOGGERS:
        logger = logging.getLogger(name)
        if DEVICE_KEY_FILTER not in logger.filters:
            logger.addFilter(DEVICE_KEY_FILTER)
