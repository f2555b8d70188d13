"""Keep the feedback pages out of the access logs, and an invitation's token out of every log.

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

from umbrella.core import log_filters

DROP = log_filters.PathDrop("/training/feedback/")
MASK = log_filters.PathMask("/training/feedback/service/", "[service]")
# An invitation's token signs its holder up to a course.
INVITATION_MASK = log_filters.PathMask("/training/invitations/", "[token]")


def install() -> None:
    """Attach the filters to the loggers that write request paths (once each)."""
    log_filters.install(DROP, log_filters.ACCESS_LOGGERS)
    log_filters.install(MASK, ("django.request",))
    log_filters.install(INVITATION_MASK)
