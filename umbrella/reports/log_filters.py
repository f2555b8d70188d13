"""Keep report follow-up codes out of the logs.

The follow-up link (``/<lang>/reports/follow-up/<code>/``) is the reporter's only key to
her report: whoever holds it reads her description (a confidential signal included) and
may reopen the report. Request paths reach the logs through Django's ``django.request``
("Not Found: …", "Bad Request: …"), ``django.server`` and uvicorn's access log, so each of
those loggers masks the code. ``ReportsConfig.ready()`` attaches the filter, as the alarms
app does for room-button keys.
"""

from __future__ import annotations

import logging
import re

FOLLOW_UP_PATH = re.compile(r"(/reports/follow-up/)[^/\s?#\"']+")
MASK = r"\1[code]"
MASKED_LOGGERS = ("django.request", "django.server", "uvicorn.access", "uvicorn.error")


def mask_follow_up_codes(text: str) -> str:
    """Return ``text`` with every follow-up code in a report URL replaced by a placeholder."""
    return FOLLOW_UP_PATH.sub(MASK, text) if "/reports/follow-up/" in text else text


def _masked(value):
    return mask_follow_up_codes(value) if isinstance(value, str) else value


class FollowUpCodeFilter(logging.Filter):
    """Mask follow-up codes in a record's message and arguments; never drop a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_masked(value) for value in record.args)
        return True


FOLLOW_UP_CODE_FILTER = FollowUpCodeFilter()


def install() -> None:
    """Attach the filter to the loggers that write request paths (once each)."""
    for name in MASKED_LOGGERS:
        logger = logging.getLogger(name)
        if FOLLOW_UP_CODE_FILTER not in logger.filters:
            logger.addFilter(FOLLOW_UP_CODE_FILTER)
