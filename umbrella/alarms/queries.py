"""Read-only questions about alarms and circle invitations, scoped to who is asking.

A person sees an alarm if she owns it or it was routed to her (an
``AlarmRecipient`` row); anyone else gets ``None``, which the API turns into
a 404 that does not reveal the alarm exists.

What the inviter sees of a person she asked is "accepted", "invited" (waiting —
also for a declined invitation and for a name nobody has, so her screen never
tells whether an account exists or who said no) or "left".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest

from umbrella.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind
from umbrella.alarms.models import (
    Alarm,
    AlarmRecipient,
    AlarmStep,
    CheckIn,
    CheckInStatus,
    Circle,
    CircleInvitation,
    Deadline,
    DutyShift,
    InvitationStatus,
    OrganisationAlarmPolicy,
    RoomButton,
    Source,
    Status,
    StepKind,
)
from umbrella.alarms.models.alarm import OPEN_STATUSES
from umbrella.areas.models import Municipality, Neighbourhood, name_in_language

_RELATED = ("owner", "acknowledged_by", "resolved_by", "device__establishment")


def visible_alarms(user) -> QuerySet[Alarm]:
    """Return the alarms ``user`` may see: her own and those routed to her."""
    if not getattr(user, "is_authenticated", False):
        return Alarm.objects.none()
    # A duress alarm raised by a "done" check-in does not exist for its owner:
    # the person forcing her may be looking at her screen.
    own = Q(owner=user) & ~Q(concealed_from_owner=True, source=Source.DURESS)
    return Alarm.objects.filter(own | Q(recipients__user=user)).distinct().select_related(*_RELATED)


def open_alarms(user) -> QuerySet[Alarm]:
    """Return the open alarms ``user`` may see, as her screens know them.

    An alarm she "cancelled" with her duress PIN is still open for her
    responders, but for her it ended at the cancel: listing it as open would
    tell whoever holds her phone that help is on its way.
    """
    return (
        visible_alarms(user)
        .filter(status__in=(Status.RAISED, Status.ACKNOWLEDGED))
        .exclude(owner=user, concealed_from_owner=True)
    )


def visible_alarm(user, alarm_id: int) -> Alarm | None:
    """Return the alarm if ``user`` may see it, else None."""
    return visible_alarms(user).filter(pk=alarm_id).first()


def open_alarms_for_responder(user) -> QuerySet[Alarm]:
    """Return the open alarms routed to ``user`` (the responder console's live list)."""
    return (
        Alarm.objects.filter(recipients__user=user, status__in=(Status.RAISED, Status.ACKNOWLEDGED))
        .select_related(*_RELATED)
        .order_by("-raised_at")
    )


def open_alarm_count_for(user) -> int:
    """Return how many open alarms are routed to ``user``: the console's figure.

    The home page links to the console with it; the console counts the same
    alarms (test alarms included: a test must be taken like a real one).
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    return (
        Alarm.objects.filter(recipients__user=user, status__in=OPEN_STATUSES)
        .values("pk")
        .distinct()
        .count()
    )


def place_names(language: str | None = None) -> dict[str, dict[str, str]]:
    """Return the names of the municipalities (by NIS code) and neighbourhoods (by code).

    The console turns an alarm's stamped area codes into words with them, in
    the page's language (Dutch or French, see ``areas.models.name_in_language``).
    """
    municipalities = Municipality.objects.values_list("nis_code", "name_nl", "name_fr")
    neighbourhoods = Neighbourhood.objects.values_list("code", "name_nl", "name_fr")
    return {
        "municipalities": {
            code: name_in_language(nl, fr, language) for code, nl, fr in municipalities
        },
        "neighbourhoods": {
            str(code): readable_name(name_in_language(nl, fr, language))
            for code, nl, fr in neighbourhoods
        },
    }


# Words a place name keeps in lower case inside it ("Gare de l'Ouest", "Onze
# Lieve Vrouw ter Sneeuw"); the monitoring neighbourhoods are published in capitals.
_SMALL_WORDS = frozenset({"de", "des", "du", "la", "le", "les", "aux", "au", "et", "ter", "van"})


def readable_name(name: str) -> str:
    """Return a place name written in capitals as a reader expects it ("Gare de l'Ouest")."""
    if name != name.upper():
        return name
    words = []
    for position, word in enumerate(name.split()):
        lower = word.lower()
        if position and lower in _SMALL_WORDS:
            words.append(lower)
        elif set(word) <= {"I", "V", "X"}:
            words.append(word)  # a Roman numeral
        else:
            words.append("-".join(_capitalised(part, position) for part in lower.split("-")))
    return " ".join(words)


def _capitalised(part: str, position: int) -> str:
    head, apostrophe, tail = part.partition("'")
    if apostrophe:  # d'Ixelles, l'Ouest
        return (head.capitalize() if position == 0 else head) + apostrophe + tail.capitalize()
    return part.capitalize()


def is_owner(alarm: Alarm, user) -> bool:
    """Answer whether ``user`` owns the alarm (``None``, its responders as a whole, does not)."""
    return user is not None and alarm.owner_id is not None and alarm.owner_id == user.pk


def timeline(alarm: Alarm, viewer) -> list[dict]:
    """Return the alarm's steps as ``viewer`` may see them (duress hidden from the owner)."""
    steps = AlarmStep.objects.filter(alarm=alarm).select_related("actor").order_by("at", "pk")
    owner_view = is_owner(alarm, viewer) and alarm.concealed_from_owner
    out = []
    for step in steps:
        kind = step.kind
        if owner_view:
            if kind == StepKind.DURESS:
                kind = StepKind.CANCELLED
            elif kind in (StepKind.ESCALATED, StepKind.REALERTED) and step.at >= _duress_at(alarm):
                continue
        out.append(
            {
                "kind": kind,
                "at": step.at,
                "tier": step.tier,
                "by": step.actor.username if step.actor else None,
                "recipient_count": step.recipient_count,
            }
        )
    return out


def _duress_step(alarm: Alarm) -> AlarmStep | None:
    return AlarmStep.objects.filter(alarm=alarm, kind=StepKind.DURESS).order_by("at", "pk").first()


def _duress_at(alarm: Alarm) -> datetime:
    step = _duress_step(alarm)
    return step.at if step is not None else alarm.raised_at


def current_tier_for(alarm: Alarm, viewer) -> int:
    """Return the alarm's tier as ``viewer`` may know it.

    Its owner, after a duress cancel, sees the tier it had at the cancel:
    a tier that keeps climbing on her screen would betray the silent alarm.
    """
    if alarm.concealed_from_owner and is_owner(alarm, viewer):
        step = _duress_step(alarm)
        if step is not None and step.tier is not None:
            return step.tier
    return alarm.current_tier


def recipients(alarm: Alarm) -> list[AlarmRecipient]:
    return list(
        AlarmRecipient.objects.filter(alarm=alarm).select_related("user").order_by("told_at", "pk")
    )


def cancelled_at_for(alarm: Alarm, viewer) -> datetime | None:
    """Return when the alarm was cancelled, as ``viewer`` may know it."""
    if alarm.concealed_from_owner and is_owner(alarm, viewer):
        return _duress_at(alarm)
    return alarm.cancelled_at


def running_checkins(owner) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(owner=owner, status=CheckInStatus.RUNNING).order_by("due_at")


def current_checkin(owner) -> CheckIn | None:
    """Return the check-in her screen should show: a running one, else one whose
    alarm is still open for her (she has not said she is safe yet)."""
    running = CheckIn.objects.filter(owner=owner, status=CheckInStatus.RUNNING)
    checkin = running.order_by("-started_at").first()
    if checkin is not None:
        return checkin
    told = Alarm.objects.filter(
        owner=owner,
        source=Source.CHECKIN,
        status__in=(Status.RAISED, Status.ACKNOWLEDGED),
        concealed_from_owner=False,
        checkin__status=CheckInStatus.EXPIRED,
        checkin__safe_at__isnull=True,
    )
    alarm = told.select_related("checkin").order_by("-raised_at").first()
    return alarm.checkin if alarm is not None else None


def visible_checkin(owner, checkin_id: int) -> CheckIn | None:
    return CheckIn.objects.filter(owner=owner, pk=checkin_id).first()


def circle_with_tiers(owner) -> Circle | None:
    return (
        Circle.objects.filter(owner=owner)
        .prefetch_related("tiers__members__invitation", "tiers__organisation")
        .first()
    )


def managed_establishments(user) -> QuerySet[Organisation]:
    """Return the establishments ``user`` may manage buttons of (as a member)."""
    return Organisation.objects.filter(
        kind=OrganisationKind.ESTABLISHMENT, memberships__user=user
    ).distinct()


def reference_persons(establishment: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=establishment).select_related("user")


@dataclass
class DutyRow:
    """One reference person on the establishment page: her shifts and whether she is on duty now."""

    membership: Membership
    shifts: list[DutyShift]
    shift_now: DutyShift | None

    @property
    def on_duty_now(self) -> bool:
        return self.membership.on_duty or self.shift_now is not None


def duty_roster(organisation: Organisation, now: datetime) -> list[DutyRow]:
    """Return the members with their weekly shifts, as routing sees them at ``now``."""
    memberships = list(
        reference_persons(organisation)
        .prefetch_related(
            Prefetch("duty_shifts", queryset=DutyShift.objects.order_by("weekday", "starts_at"))
        )
        .order_by("user__username")
    )
    rows = []
    for membership in memberships:
        shifts = list(membership.duty_shifts.all())
        current = next((shift for shift in shifts if shift.covers(now)), None)
        rows.append(DutyRow(membership, shifts, current))
    return rows


def room_buttons(establishment: Organisation) -> QuerySet[RoomButton]:
    """Return the establishment's buttons with their test figures (tests counted apart)."""
    return (
        RoomButton.objects.filter(establishment=establishment, revoked_at__isnull=True)
        .annotate(
            test_alarms=Count("alarms", filter=Q(alarms__is_test=True)),
            real_alarms=Count("alarms", filter=Q(alarms__is_test=False)),
            last_successful_test=Max("alarms__acknowledged_at", filter=Q(alarms__is_test=True)),
        )
        .order_by("room_label")
    )


def alarm_counts(*, is_test: bool) -> dict[str, int]:
    """Return the number of alarms per source, real ones and test ones apart."""
    rows = Alarm.objects.filter(is_test=is_test).values("source").annotate(n=Count("pk"))
    return {row["source"]: row["n"] for row in rows}


# Circle invitations: what the inviter and the invited may know.

ACCEPTED = "accepted"
INVITED = "invited"
LEFT = "left"
# The organisations a sex worker may put in her circle, whose manager decides
# whether they accept every sex worker.
POLICY_KINDS = (
    OrganisationKind.SUPPORT_ORGANISATION,
    OrganisationKind.POLICE_ZONE,
    OrganisationKind.ESTABLISHMENT,
)


def state_of(status: str) -> str:
    """Return what the inviter may know of an invitation in this status."""
    if status == InvitationStatus.ACCEPTED:
        return ACCEPTED
    if status == InvitationStatus.LEFT:
        return LEFT
    return INVITED


def organisation_states(owner) -> dict[int, str]:
    """Return, per organisation id, whether it takes ``owner``'s alarms."""
    states = {
        organisation_id: state_of(status)
        for organisation_id, status in CircleInvitation.objects.filter(
            owner=owner, organisation__isnull=False
        ).values_list("organisation_id", "status")
    }
    for organisation_id in OrganisationAlarmPolicy.objects.filter(
        accepts_every_sex_worker=True
    ).values_list("organisation_id", flat=True):
        states[organisation_id] = ACCEPTED
    return states


def _staff_organisations(user) -> QuerySet:
    return Membership.objects.filter(user=user, user__is_active=True).values("organisation")


def pending_for(user) -> QuerySet[CircleInvitation]:
    """Return the invitations waiting for ``user``'s answer: his own and his organisations'."""
    if not getattr(user, "is_authenticated", False):
        return CircleInvitation.objects.none()
    return (
        CircleInvitation.objects.filter(status=InvitationStatus.PENDING)
        .filter(Q(invitee=user) | Q(organisation__in=_staff_organisations(user)))
        .select_related("owner", "organisation")
        .order_by("created_at", "pk")
    )


def accepted_for(user) -> QuerySet[CircleInvitation]:
    """Return the circles ``user`` (or an organisation he works for) is in."""
    return (
        CircleInvitation.objects.filter(status=InvitationStatus.ACCEPTED)
        .filter(Q(invitee=user) | Q(organisation__in=_staff_organisations(user)))
        .select_related("owner", "organisation")
        .order_by("owner__username", "pk")
    )


def has_pending(user) -> bool:
    return pending_for(user).exists()


def managed_organisations(user) -> list:
    """Return (organisation, accepts every sex worker) for each one ``user`` manages."""
    memberships = Membership.objects.filter(
        user=user,
        role=MembershipRole.MANAGER,
        user__is_active=True,
        organisation__kind__in=POLICY_KINDS,
    ).select_related("organisation")
    policies = dict(
        OrganisationAlarmPolicy.objects.filter(
            organisation__in=[m.organisation_id for m in memberships]
        ).values_list("organisation_id", "accepts_every_sex_worker")
    )
    return [(m.organisation, policies.get(m.organisation_id, False)) for m in memberships]


def visible_invitation(user, invitation_id: int | None) -> CircleInvitation | None:
    """Return an invitation ``user`` may answer or leave (his own or his organisation's)."""
    if invitation_id is None:
        return None
    return (
        CircleInvitation.objects.filter(pk=invitation_id)
        .filter(Q(invitee=user) | Q(organisation__in=_staff_organisations(user)))
        .select_related("owner", "organisation")
        .first()
    )


def has_invitations(user) -> bool:
    """Answer whether the invitations page has anything for ``user`` (for the menu)."""
    if not getattr(user, "is_authenticated", False):
        return False
    mine = Q(invitee=user) | Q(organisation__in=_staff_organisations(user))
    if CircleInvitation.objects.filter(
        mine, status__in=[InvitationStatus.PENDING, InvitationStatus.ACCEPTED]
    ).exists():
        return True
    return Membership.objects.filter(
        user=user, role=MembershipRole.MANAGER, organisation__kind__in=POLICY_KINDS
    ).exists()


def next_claimable_deadline_at() -> datetime | None:
    """Return when the next pending deadline may be claimed, or None.

    Its due time, or, while a worker holds it, the end of that claim's lease.
    The worker's deadline lane sleeps until then (a claim whose holder is
    gone frees sooner: the lane's bounded sleep finds it).
    """
    return Deadline.objects.filter(done_at__isnull=True).aggregate(
        at=Min(Greatest("due_at", Coalesce("lease_until", "due_at")))
    )["at"]
