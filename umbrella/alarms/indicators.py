"""The alarms app's live figure for the consultation tracker: acknowledged within 60 s.

Read-only, from the alarms' own timestamps (``raised_at``, ``acknowledged_at``).
Labels and notes are marked in ``umbrella/consultation/texts.py``.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext

from umbrella.consultation import texts
from umbrella.core.indicators import Figure, Unit, indicator

_lazy = lazy(gettext, str)
WINDOW = timedelta(days=90)
WITHIN = timedelta(seconds=60)
# The observatory's smallest published count (k, docs/observatory.md): the share
# is shown only when the fast and the slow alarms are each 0 or at least this.
SMALLEST_COUNT = 10


def _publishable(count: int) -> bool:
    return count == 0 or count >= SMALLEST_COUNT


@indicator("alarms.acknowledged_within_60s", _lazy(texts.ACK_LABEL))
def acknowledged_within_60s(now) -> Figure:
    """Return the share of real alarms of the last 90 days acknowledged within 60 seconds.

    Counted: alarms that are not tests, raised in the 90 days before ``now``.
    Left out: alarms cancelled before anyone acknowledged them (nobody had to
    answer) and alarms raised less than 60 seconds ago that nobody has
    acknowledged yet (not decided). Not published (``value`` None) when the
    fast or the slow alarms number 1 to 9: "2 of 3" would point at a person.
    """
    from umbrella.alarms.models import Alarm, Status

    alarms = (
        Alarm.objects.filter(is_test=False, raised_at__gt=now - WINDOW, raised_at__lte=now)
        .exclude(status=Status.CANCELLED, acknowledged_at__isnull=True)
        # Still waiting, and not for 60 seconds yet (an acknowledgement after
        # ``now`` is not known at ``now``).
        .exclude(
            Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gt=now),
            raised_at__gt=now - WITHIN,
        )
    )
    total = alarms.count()
    if not total:
        return Figure(
            value=None,
            unit=Unit.PERCENT,
            as_of=now,
            denominator=0,
            note=gettext(texts.ACK_NONE_NOTE),
        )
    fast = (
        alarms.filter(acknowledged_at__lte=now)
        .filter(acknowledged_at__lte=F("raised_at") + WITHIN)
        .count()
    )
    if not (_publishable(fast) and _publishable(total - fast)):
        return Figure(
            value=None,
            unit=Unit.PERCENT,
            as_of=now,
            note=gettext(texts.ACK_SUPPRESSED_NOTE),
        )
    return Figure(
        value=round(100 * fast / total, 1),
        unit=Unit.PERCENT,
        as_of=now,
        denominator=total,
        note=gettext(texts.ACK_NOTE) % {"fast": fast, "total": total},
    )
