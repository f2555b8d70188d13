"""The registry of live indicators: figures other apps compute from their own data.

An app provides figures in an ``indicators`` module (found by
``autodiscover_modules("indicators")`` when the core app is ready)::

    from umbrella.core.indicators import Figure, indicator

    @indicator("directory.zones_with_reference", _("Police zones with a trafficking reference"))
    def zones_with_reference(now):
        return Figure(value=4, denominator=6, unit=Unit.COUNT, as_of=now)

A recommendation of the tracker names the indicators that measure it by key;
the tracker computes them when a page or the API asks (see docs/consultation.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("percent")
    SECONDS = "seconds", _("seconds")


@dataclass(frozen=True)
class Figure:
    """One measured value. ``denominator`` makes "4 of 6" figures; ``value`` is
    ``None`` when it cannot be computed or is suppressed (too few answers)."""

    value: float | int | None
    unit: str = Unit.COUNT
    as_of: datetime | None = None
    denominator: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    compute: Callable[[datetime], Figure]


_REGISTRY: dict[str, Indicator] = {}


def indicator(key: str, label) -> Callable[[Callable[[datetime], Figure]], Callable]:
    """Register ``compute(now) -> Figure`` under ``key`` (``"<app>.<name>"``)."""

    def decorate(compute: Callable[[datetime], Figure]) -> Callable[[datetime], Figure]:
        if key in _REGISTRY and _REGISTRY[key].compute is not compute:
            raise ValueError(f"indicator {key!r} is registered twice")
        _REGISTRY[key] = Indicator(key=key, label=label, compute=compute)
        return compute

    return decorate


def registered() -> dict[str, Indicator]:
    """Return every registered indicator by key."""
    return dict(_REGISTRY)


def get(key: str) -> Indicator | None:
    return _REGISTRY.get(key)
