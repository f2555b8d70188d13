"""The links of each role: one source for the role's home page and the site menu.

``sections_for(user)`` answers which sections a person sees, in order, each
with the links she may open (never one that would refuse her). A person with
several roles (a responder who also manages a studio, a police reference who
also sits on the platform) gets one section per role. The home page asks for
the counts too (open alarms, reports waiting); the menu, drawn on every page,
does not, to keep every page at a few queries.

Other apps' queries are imported inside the functions: they import the
accounts models, and the menu must not make the apps import each other at
start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from umbrella.accounts.models import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Link:
    """One link of a section; ``key`` is stable (tests and CSS use it), ``label`` translated."""

    key: str
    # Lazy: translated when the page is drawn, in the reader's language.
    label: StrOrPromise
    url: str
    count: int | None = None
    primary: bool = False
    # The count in words ("3 open alarms"), read out with the label.
    count_label: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    heading: StrOrPromise
    links: list[Link] = field(default_factory=list)


def sections_for(user, *, counts: bool = False) -> list[Section]:
    """Return the sections of ``user``'s roles, in the order her home shows them."""
    if not getattr(user, "is_authenticated", False):
        return []
    builders = (
        _worker,
        _resident,
        _console,
        _establishments,
        _body_staff,
        _service_staff,
        _platform,
        _administration,
        _invitations,
    )
    sections = []
    for build in builders:
        section = build(user, counts)
        if section is not None and section.links:
            sections.append(section)
    return sections


def _counted(count: int | None, words: str) -> str:
    """Return ``words`` (an ngettext result with %(count)d) filled in, or "" without a count."""
    return "" if count is None else words % {"count": count}


def _worker(user, counts: bool) -> Section | None:
    if user.role != Role.SEX_WORKER:
        return None
    return Section(
        "worker",
        _("Your safety"),
        [
            Link("panic", _("Panic button"), reverse("alarms:panic"), primary=True),
            Link("checkin", _("Check-in timer"), reverse("alarms:checkin")),
            Link("circle", _("Who is told (your circle)"), reverse("alarms:circle")),
            Link("directory", _("Services and toilets near me"), reverse("directory:list")),
            Link("feedback", _("Tell us about a service"), reverse("training:feedback_choose")),
            Link("report", _("Report a problem"), reverse("reports:new")),
            Link("my_reports", _("My reports"), reverse("reports:mine")),
        ],
    )


def _invitations(user, counts: bool) -> Section | None:
    """Link the invitations page for whoever is asked into a circle (or is in one)."""
    from umbrella.alarms import queries

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
                count_label=_counted(waiting, words),
            )
        ],
    )


def _resident(user, counts: bool) -> Section | None:
    if user.role != Role.RESIDENT:
        return None
    return Section(
        "resident",
        _("Your neighbourhood"),
        [
            Link("report", _("Report a problem"), reverse("reports:new"), primary=True),
            Link("my_reports", _("My reports"), reverse("reports:mine")),
            Link("map", _("Find your municipality and police zone"), reverse("areas:map")),
        ],
    )


def _console(user, counts: bool) -> Section | None:
    from umbrella.alarms.views import CONSOLE_ROLES

    if user.role not in CONSOLE_ROLES:
        return None
    count = None
    if counts:
        from umbrella.alarms.models import Alarm
        from umbrella.alarms.models.alarm import OPEN_STATUSES

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
                count_label=_counted(
                    count, ngettext("%(count)d open alarm", "%(count)d open alarms", count or 0)
                ),
            )
        ],
    )


def _establishments(user, counts: bool) -> Section | None:
    from django.http import Http404

    from umbrella.alarms.establishments.views import establishment_for
    from umbrella.alarms.queries import managed_establishments

    managed = []
    # The establishment page's own rule decides (a member who is not a manager sees nothing).
    for place in managed_establishments(user):
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


def _body_staff(user, counts: bool) -> Section | None:
    from umbrella.reports import queries
    from umbrella.reports.staff.views import CLOSED_STATUSES

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
                count_label=_counted(waiting, words),
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
                    count_label=_counted(secret, words),
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
                count_label=_counted(held, words),
            )
        )
    return Section("reports", _("Reports"), links)


def _service_staff(user, counts: bool) -> Section | None:
    from umbrella.training.feedback.queries import is_moderator

    links = []
    if user.role == Role.SERVICE_STAFF:
        links.append(Link("training", _("Your training"), reverse("training:index"), primary=True))
        if user.memberships.exists():
            links.append(
                Link(
                    "organisation_feedback",
                    _("Your organisation's feedback"),
                    reverse("training:feedback_organisation"),
                )
            )
    if is_moderator(user):
        links.append(
            Link(
                "feedback_moderation",
                _("Feedback to moderate"),
                reverse("training:feedback_moderation"),
            )
        )
    return Section("training", _("Training and feedback"), links)


def _platform(user, counts: bool) -> Section | None:
    from umbrella.consultation.members import queries

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


def _administration(user, counts: bool) -> Section | None:
    if not (user.is_staff and user.is_active):
        return None
    return Section(
        "administration",
        _("Administration"),
        [Link("admin", _("Administration"), reverse("admin:index"))],
    )


def public_links() -> list[Link]:
    """Return the public pages everyone finds in the menu, signed in or not."""
    return [
        Link("map", _("Map"), reverse("areas:map")),
        Link("directory", _("Services and toilets"), reverse("directory:list")),
        Link("reports", _("Neighbourhood reports"), reverse("reports:index")),
        Link("consultation", _("Consultation platform"), reverse("consultation:index")),
        Link("training", _("Training"), reverse("training:index")),
        Link("about", _("About"), reverse("core:about")),
    ]


def worker_status(user) -> dict:
    """Return the worker's open alarms and running check-ins, as her home lists them.

    An alarm hidden from her (raised with the duress PIN) is left out: to her it
    looks cancelled, on every screen.
    """
    from umbrella.alarms.models import Alarm, CheckIn, CheckInStatus
    from umbrella.alarms.models.alarm import OPEN_STATUSES

    alarms = Alarm.objects.filter(
        owner=user, status__in=OPEN_STATUSES, concealed_from_owner=False
    ).order_by("-raised_at")
    checkins = CheckIn.objects.filter(owner=user, status=CheckInStatus.RUNNING).order_by("due_at")
    return {"open_alarms": list(alarms[:10]), "running_checkins": list(checkins[:10])}
