"""Keep report follow-up codes out of the logs.

The follow-up link (``/<lang>/reports/follow-up/<code>/``) is the reporter's only key to
her report: whoever holds it reads her description (a confidential signal included) and
may reopen the report. So every logger that writes request paths masks the code (see
``umbrella/core/log_filters.py``); ``ReportsConfig.ready()`` calls :func:`install`.
"""

from __future__ import annotations

from umbrella.core import log_filters

FOLLOW_UP_CODE_FILTER = log_filters.PathMask("/reports/follow-up/", "[code]")
mask_follow_up_codes = FOLLOW_UP_CODE_FILTER.mask


def install() -> None:
    """Attach the filter to the loggers that write request paths (once each)."""
    log_filters.install(FOLLOW_UP_CODE_FILTER)
