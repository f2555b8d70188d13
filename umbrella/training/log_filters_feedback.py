"""Keep the feedback pages out of the access logs.

An access log line holds the client's address, the minute and the path. For
``POST /<lang>/training/feedback/service/<id>/`` that is exactly what the
feedback row refuses to keep: who answered about which service, and when.
So the access loggers (uvicorn's, and runserver's ``django.server``) drop
every line about a feedback page, and ``django.request`` ("Bad Request:
/bg/training/feedback/service/12/", no address) loses the service id.
``TrainingConfig.ready()`` installs the filters; a logger's own filter runs
before any handler, whatever the logging set-up.
"""

from __future__ import annotations

import logging
import re

FEEDBACK_PATH = "/training/feedback/"
SERVICE_ID = re.compile(r"(/training/feedback/service/)[^/\s?#\"']+")
ACCESS_LOGGERS = ("uvicorn.access", "django.server")
MASKED_LOGGERS = ("django.request",)


def _mentions_feedback(record: logging.LogRecord) -> bool:
    values = [record.msg]
    if isinstance(record.args, dict):
        values.extend(record.args.values())
    elif record.args:
        values.extend(record.args)
    return any(isinstance(v, str) and FEEDBACK_PATH in v for v in values)


def _masked(value):
    return SERVICE_ID.sub(r"\1[service]", value) if isinstance(value, str) else value


class DropFeedbackAccess(logging.Filter):
    """Drop access-log records about the feedback pages."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _mentions_feedback(record)


class MaskFeedbackService(logging.Filter):
    """Mask the service id in a feedback page's path; never drop a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_masked(value) for value in record.args)
        return True


DROP = DropFeedbackAccess()
MASK = MaskFeedbackService()


def install() -> None:
    """Attach the filters to the loggers that write request paths (once each)."""
    for names, log_filter in ((ACCESS_LOGGERS, DROP), (MASKED_LOGGERS, MASK)):
        for name in names:
            logger = logging.getLogger(name)
            if log_filter not in logger.filters:
                logger.addFilter(log_filter)
