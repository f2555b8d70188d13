"""Keep secrets that travel in URL paths out of the logs.

Some paths carry a credential or something that identifies a person: a room
button's device key (alarms), a report's follow-up code (reports), the service
a sex worker gave feedback on (training). Request paths reach the logs through
Django's ``django.request`` ("Not Found: …", "Bad Request: …") and
``django.server`` (runserver), and uvicorn's access and error logs. An app
masks its secret with a :class:`PathMask` (or drops whole access lines with a
:class:`PathDrop`) and attaches it in its ``AppConfig.ready()`` with
:func:`install`; a logger's own filter runs before any handler, whatever the
logging set-up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# The loggers that write request paths.
REQUEST_LOGGERS = ("django.request", "django.server", "uvicorn.access", "uvicorn.error")
ACCESS_LOGGERS = ("uvicorn.access", "django.server")


def _record_strings(record: logging.LogRecord) -> list:
    values = [record.msg]
    if isinstance(record.args, dict):
        values.extend(record.args.values())
    elif record.args:
        values.extend(record.args)
    return values


class PathMask(logging.Filter):
    """Replace the segment after ``prefix`` (e.g. ``/alarms/device/``) by ``placeholder``
    in a record's message and arguments; never drop a record."""

    def __init__(self, prefix: str, placeholder: str):
        super().__init__()
        self.prefix = prefix
        # Stop at the end of the path segment, whatever comes next.
        self.pattern = re.compile("(" + re.escape(prefix) + r")[^/\s?#\"']+")
        self.replacement = r"\1" + placeholder.replace("\\", r"\\")

    def mask(self, text: str) -> str:
        """Return ``text`` with the segment after every ``prefix`` replaced."""
        return self.pattern.sub(self.replacement, text) if self.prefix in text else text

    def _masked(self, value):
        return self.mask(value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._masked(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: self._masked(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(self._masked(value) for value in record.args)
        return True


class PathDrop(logging.Filter):
    """Drop every record that mentions a path containing ``fragment``."""

    def __init__(self, fragment: str):
        super().__init__()
        self.fragment = fragment

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(
            isinstance(value, str) and self.fragment in value for value in _record_strings(record)
        )


def install(log_filter: logging.Filter, loggers: Iterable[str] = REQUEST_LOGGERS) -> None:
    """Attach ``log_filter`` to each logger (once each)."""
    for name in loggers:
        logger = logging.getLogger(name)
        if log_filter not in logger.filters:
            logger.addFilter(log_filter)
