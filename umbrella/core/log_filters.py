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

No line carries a client's address: the access log (``umbrella.access``,
written by ``umbrella/core/front.py``) has none, and :class:`AddressMask` on
the log handler masks any IP address another logger (uvicorn's, a
library's) writes. ``LOG_FORMAT=json`` gives :class:`JsonFormatter`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Iterable

# The loggers that write request paths.
REQUEST_LOGGERS = (
    "django.request",
    "django.server",
    "umbrella.access",
    "uvicorn.access",
    "uvicorn.error",
)
ACCESS_LOGGERS = ("umbrella.access", "uvicorn.access", "django.server")


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
        path = getattr(record, "path", None)
        if isinstance(path, str):  # the access log's field (an extra: in the record's __dict__)
            vars(record)["path"] = self.mask(path)
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


# An IPv4 address, or a run of hex digits and colons that may be an IPv6 one
# (optionally in brackets, optionally with a port); ipaddress decides. An
# IPv6 address may end in dotted IPv4: a dual-stack server reports an IPv4
# client as "::ffff:203.0.113.7" (IPv4-mapped).
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_IPV6 = (
    r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6}:" + _IPV4
    + r"|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
)  # fmt: skip
# Not inside a longer run of digits, dots and colons (a version "1.2.3.4.5",
# a time "12:30:45"), but a sentence's full stop or a label's colon next to an
# address ("from 203.0.113.7.", "client:203.0.113.7") does not hide it.
_ADDRESS = re.compile(
    r"(?<!\w)(?<!\d[.:])(?<!::)(?:"
    rf"{_IPV4}(?::\d{{1,5}})?(?!\w)(?!\.\d)"
    rf"|\[?(?:{_IPV6})(?:%\w+)?\]?(?::\d{{1,5}})?(?!\w)(?![.:][0-9A-Fa-f])"
    r")"
)
ADDRESS_PLACEHOLDER = "[address]"


def _is_address(text: str) -> bool:
    host = text
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:  # IPv4 with a port
        host = host.split(":", 1)[0]
    elif "." in host and ":" in host:  # "1.2.3.4:80" handled above; keep IPv4-mapped
        pass
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        # An IPv4 address followed by a port, e.g. "10.0.0.1:443".
        head, _, tail = host.rpartition(":")
        if not (head and tail.isdigit()):
            return False
        try:
            ipaddress.ip_address(head.strip("[]"))
        except ValueError:
            return False
    return True


def mask_addresses(text: str) -> str:
    """Return ``text`` with every IP address (and its port) replaced by a placeholder."""
    return _ADDRESS.sub(
        lambda match: ADDRESS_PLACEHOLDER if _is_address(match.group(0)) else match.group(0),
        text,
    )


class AddressMask(logging.Filter):
    """Mask every IP address in a record's message (a handler filter: every line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_addresses(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatted once here so the traceback is masked too.
            record.exc_text = mask_addresses(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_addresses(record.exc_text)
        return True


# Attributes every LogRecord has; the others were passed with ``extra=``.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                # Extra fields skip AddressMask (it rewrites the message only).
                entry[key] = (
                    value
                    if isinstance(value, (int, float, bool, type(None)))
                    else mask_addresses(str(value))
                )
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
