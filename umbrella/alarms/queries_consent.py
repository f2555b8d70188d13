"""Read-only questions about circle invitations, for the inviter and the invited.

What the inviter sees of a person she asked is "accepted", "invited" (waiting —
also for a declined invitation and for a name nobody has, so her screen never
tells whether an account exists or who said no) or "left".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from umbrella.accounts.models import Membership, MembershipRole, OrganisationKind
from umbrella.alarms.models import CircleInvitation, InvitationStatus, OrganisationAlarmPolicy

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
