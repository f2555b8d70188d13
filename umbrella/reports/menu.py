"""The reports' section of the role menu and home (found by ``accounts/menu.py``):
a body's inbox, the confidential signals, the moderation queue."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umbrella.accounts.menu import Link, Section, counted, section
from umbrella.accounts.models import Role
from umbrella.reports import queries
from umbrella.reports.staff.views import CLOSED_STATUSES


@section(position=50)
def body_staff(user, counts: bool) -> Section | None:
    inbox = queries.inbox_for(user)
    queue = queries.moderation_queue_for(user)
    links = []
    if inbox is not None:
        waiting = secret = None
        if counts:
            open_reports = inbox.exclude(status__in=CLOSED_STATUSES)
            waiting = open_reports.count()
            secret = open_reports.filter(confidential=True).count()
        words = ngettext("%(count)d report to handle", "%(count)d reports to handle", waiting or 0)
        links.append(
            Link(
                "inbox",
                _("Report inbox"),
                reverse("reports:inbox"),
                count=waiting,
                primary=True,
                count_label=counted(waiting, words),
            )
        )
        # The zone's trafficking reference reads the confidential signals in the same inbox,
        # marked as such; the link says how many wait.
        if user.role == Role.POLICE_REFERENCE:
            words = ngettext("%(count)d open signal", "%(count)d open signals", secret or 0)
            links.append(
                Link(
                    "confidential",
                    _("Confidential signals"),
                    reverse("reports:inbox"),
                    count=secret,
                    count_label=counted(secret, words),
                )
            )
    if queue is not None:
        held = queue.count() if counts else None
        words = ngettext("%(count)d report held", "%(count)d reports held", held or 0)
        links.append(
            Link(
                "moderation",
                _("Moderation queue"),
                reverse("reports:moderation"),
                count=held,
                count_label=counted(held, words),
            )
        )
    return Section("reports", _("Reports"), links)
