"""The alarms' sections of the role menu and home (found by ``accounts/menu.py``).

The alarm console for those who answer alarms, the establishments a person
manages, the circle invitations; and a sex worker's open alarms and running
check-ins on her home.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umbrella.accounts.menu import Link, Section, counted, home_context, section
from umbrella.alarms import queries
from umbrella.alarms.establishments.views import establishment_for
from umbrella.alarms.models import Alarm, CheckIn, CheckInStatus
from umbrella.alarms.models.alarm import OPEN_STATUSES
from umbrella.alarms.views import CONSOLE_ROLES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@section(position=30)
def console(user, counts: bool) -> Section | None:
    if user.role not in CONSOLE_ROLES:
        return None
    count = None
    if counts:
        count = (
            Alarm.objects.filter(recipients__user=user, status__in=OPEN_STATUSES).distinct().count()
        )
    return Section(
        "console",
        _("Alarms"),
        [
            Link(
                "console",
                _("Alarm console"),
                reverse("alarms:console"),
                count=count,
                primary=True,
                count_label=counted(
                    count, ngettext("%(count)d open alarm", "%(count)d open alarms", count or 0)
                ),
            )
        ],
    )


@section(position=40)
def establishments(user, counts: bool) -> Section | None:
    managed = []
    # The establishment page's own rule decides (a member who is not a manager sees nothing).
    for place in queries.managed_establishments(user):
        try:
            managed.append(establishment_for(user, place.pk))
        except Http404:
            continue
    if not managed:
        return None
    links = []
    several = len(managed) > 1
    for place in managed:
        page = reverse("alarms:establishment", kwargs={"pk": place.pk})

        def named(label: StrOrPromise, place=place) -> str:
            return f"{place.name}: {label}" if several else str(label)

        links += [
            Link(f"rooms-{place.pk}", named(_("Rooms and buttons")), page + "#rooms-heading"),
            Link(f"shifts-{place.pk}", named(_("On-duty shifts")), page + "#people-heading"),
            Link(
                f"compliance-{place.pk}",
                named(_("Compliance")),
                reverse("alarms:compliance", kwargs={"pk": place.pk}),
            ),
        ]
    return Section("establishments", _("Your establishments"), links)


@section(position=90)
def invitations(user, counts: bool) -> Section | None:
    """Link the invitations page for whoever is asked into a circle (or is in one)."""
    if not queries.has_invitations(user):
        return None
    waiting = queries.pending_for(user).count() if counts else None
    words = ngettext("%(count)d invitation waiting", "%(count)d invitations waiting", waiting or 0)
    return Section(
        "invitations",
        _("Circles"),
        [
            Link(
                "invitations",
                _("Invitations"),
                reverse("alarms:invitations"),
                count=waiting,
                count_label=counted(waiting, words),
            )
        ],
    )


@home_context
def worker_status(user) -> dict:
    """Return a sex worker's open alarms and running check-ins, as her home lists them.

    An alarm hidden from her (raised with the duress PIN) is left out: to her it
    looks cancelled, on every screen.
    """
    if not user.is_sex_worker():
        return {}
    alarms = Alarm.objects.filter(
        owner=user, status__in=OPEN_STATUSES, concealed_from_owner=False
    ).order_by("-raised_at")
    checkins = CheckIn.objects.filter(owner=user, status=CheckInStatus.RUNNING).order_by("due_at")
    return {"open_alarms": list(alarms[:10]), "running_checkins": list(checkins[:10])}
