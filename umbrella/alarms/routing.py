"""Who an alarm reaches at each tier, decided when the tier is reached.

Organisation tiers are resolved to their on-duty members at that moment, so a
rota change during an alarm is honoured: a member is on duty when her manual
switch is on or one of her weekly shifts (``DutyShift``, Brussels wall-clock
time) covers the moment the tier is reached. The police are told only through a
police tier and only when the sex worker opted in; a police reference person
put in a people tier without that opt-in is left out too.

Nobody is told without having accepted: a person only through her accepted
invitation, an organisation (rota or police zone) only when it accepted her or
accepts every sex worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from umbrella.accounts.models import Membership, Role
from umbrella.alarms.models import (
    Alarm,
    Circle,
    CircleInvitation,
    DutyShift,
    InvitationStatus,
    OrganisationAlarmPolicy,
    Tier,
    TierKind,
    TierMember,
)

# Room buttons have no circle: their establishment's on-duty reference
# persons are told, then told again at this interval until one acknowledges.
DEVICE_REALERT_SECONDS = 60
# The shortest interval between re-alerts of a last tier.
MIN_REALERT_SECONDS = 10


@dataclass(frozen=True)
class TierPlan:
    position: int
    delay_seconds: int
    user_ids: tuple[int, ...]


def on_duty_member_ids(
    organisation_id: int, now: datetime, *, fall_back_to_all: bool = False
) -> list[int]:
    """Return the members of an organisation on duty at ``now`` (or all, when none is).

    On duty: the manual switch is on, or a weekly shift covers ``now``.
    """
    members = Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
    ids = set(members.filter(on_duty=True).values_list("user_id", flat=True))
    shifts = DutyShift.objects.filter(membership__in=members).select_related("membership")
    ids.update(shift.membership.user_id for shift in shifts if shift.covers(now))
    if not ids and fall_back_to_all:
        ids = set(members.values_list("user_id", flat=True))
    return sorted(ids)


def organisation_accepts(organisation_id: int, owner_id: int) -> bool:
    """Answer whether the organisation takes this sex worker's alarms."""
    if OrganisationAlarmPolicy.objects.filter(
        organisation_id=organisation_id, accepts_every_sex_worker=True
    ).exists():
        return True
    return CircleInvitation.objects.filter(
        owner_id=owner_id, organisation_id=organisation_id, status=InvitationStatus.ACCEPTED
    ).exists()


def _tier_user_ids(tier: Tier, owner_id: int, police_opt_in: bool, now: datetime) -> list[int]:
    if tier.kind in (TierKind.POLICE, TierKind.ORGANISATION_ROTA):
        if tier.organisation_id is None or not organisation_accepts(tier.organisation_id, owner_id):
            return []
        if tier.kind == TierKind.ORGANISATION_ROTA:
            return on_duty_member_ids(tier.organisation_id, now)
        if not police_opt_in:
            return []
        return on_duty_member_ids(tier.organisation_id, now, fall_back_to_all=True)
    members = TierMember.objects.filter(
        tier=tier,
        invitation__status=InvitationStatus.ACCEPTED,
        invitation__invitee__is_active=True,
    )
    if not police_opt_in:
        members = members.exclude(invitation__invitee__role=Role.POLICE_REFERENCE)
    return sorted(members.values_list("invitation__invitee_id", flat=True))


def tier_plans(alarm: Alarm, now: datetime) -> list[TierPlan]:
    """Return the alarm's tiers, in order, with the people each would tell at ``now``."""
    if alarm.device is not None:
        ids = on_duty_member_ids(alarm.device.establishment_id, now, fall_back_to_all=True)
        return [TierPlan(1, DEVICE_REALERT_SECONDS, tuple(ids))]
    circle = Circle.objects.filter(owner_id=alarm.owner_id).first()
    if circle is None:
        return []
    plans = []
    for tier in circle.tiers.order_by("position"):
        ids = [
            pk
            for pk in _tier_user_ids(tier, circle.owner_id, circle.police_opt_in, now)
            if pk != alarm.owner_id
        ]
        plans.append(TierPlan(tier.position, tier.delay_seconds, tuple(ids)))
    return plans


def first_reachable(plans: list[TierPlan], after: int = 0) -> TierPlan | None:
    """Return the first tier after position ``after`` that reaches someone."""
    for plan in plans:
        if plan.position > after and plan.user_ids:
            return plan
    return None


def realert_interval(plan: TierPlan) -> int:
    return max(plan.delay_seconds, MIN_REALERT_SECONDS)
