"""The consultation platform's section of the role menu and home (found by
``accounts/menu.py``): meetings, decisions, the recommendations tracker."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.menu import Link, Section, section
from umbrella.consultation.members import queries


@section(position=70)
def platform(user, counts: bool) -> Section | None:
    if not queries.is_member(user):
        return None
    meetings = reverse("consultation:meetings")
    links = [Link("meetings", _("Meetings"), meetings, primary=True)]
    if queries.can_manage(user):
        links.append(Link("meeting_new", _("Plan a meeting"), reverse("consultation:meeting_new")))
    links += [
        Link("decisions", _("Decisions of past meetings"), meetings + "#past-heading"),
        Link("tracker", _("Recommendations tracker"), reverse("consultation:recommendations")),
    ]
    return Section("platform", _("Consultation platform"), links)
