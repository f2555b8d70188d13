"""Keep room-button device keys out of the logs.

A room button has no account: the device key in its URL
(``/api/v1/alarms/device/<key>``) is the credential. Whoever reads a log
line with it could raise false alarms in that room, so every logger that
writes request paths masks it (see ``umbrella/core/log_filters.py``);
``AlarmsConfig.ready()`` calls :func:`install`.
"""

from __future__ import annotations

from umbrella.core import log_filters

DEVICE_KEY_FILTER = log_filters.PathMask("/alarms/device/", "[device key]")
mask_device_keys = DEVICE_KEY_FILTER.mask


def install() -> None:
    """Attach the filter to the loggers that write request paths (once each)."""
    log_filters.install(DEVICE_KEY_FILTER)
