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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from umbrella.accounts.models import Membership, Role
from umbrella.alarms.models import (
    Alarm,
    CircleInvitation,
    InvitationStatus,
    OrganisationAlarmPolicy,
    Tier,
    TierKind,
    TierMember,
)
from umbrella.alarms.models.duty import DUTY_TIME_ZONE, covers_wall_clock

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
    on_duty, members = _duty_by_organisation([organisation_id], now)
    return on_duty[organisation_id] or (members[organisation_id] if fall_back_to_all else [])


def _duty_by_organisation(
    organisation_ids: Iterable[int], now: datetime
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Return each organisation's active members on duty at ``now``, and all of them,
    in one query (the members with their shifts)."""
    local = now.astimezone(DUTY_TIME_ZONE)
    day, at = local.weekday(), local.time()
    members: dict[int, set[int]] = {pk: set() for pk in organisation_ids}
    on_duty: dict[int, set[int]] = {pk: set() for pk in members}
    rows = Membership.objects.filter(
        organisation_id__in=list(members), user__is_active=True
    ).values_list(
        "organisation_id",
        "user_id",
        "on_duty",
        "duty_shifts__weekday",
        "duty_shifts__starts_at",
        "duty_shifts__ends_at",
    )
    for organisation_id, user_id, switched_on, weekday, start, end in rows:
        members[organisation_id].add(user_id)
        if switched_on or (weekday is not None and covers_wall_clock(weekday, start, end, day, at)):
            on_duty[organisation_id].add(user_id)
    return (
        {pk: sorted(ids) for pk, ids in on_duty.items()},
        {pk: sorted(ids) for pk, ids in members.items()},
    )


def _accepting_organisations(organisation_ids: list[int], owner_id: int | None) -> set[int]:
    """Return those of the organisations that take this sex worker's alarms (one query):
    those that accept every sex worker, and those that accepted her invitation."""
    if not organisation_ids:
        return set()
    every = OrganisationAlarmPolicy.objects.filter(
        organisation_id__in=organisation_ids, accepts_every_sex_worker=True
    ).values_list("organisation_id", flat=True)
    hers = CircleInvitation.objects.filter(
        owner_id=owner_id, organisation_id__in=organisation_ids, status=InvitationStatus.ACCEPTED
    ).values_list("organisation_id", flat=True)
    return set(every.union(hers))


def organisation_accepts(organisation_id: int, owner_id: int) -> bool:
    """Answer whether the organisation takes this sex worker's alarms."""
    return organisation_id in _accepting_organisations([organisation_id], owner_id)


def tier_plans(alarm: Alarm, now: datetime) -> list[TierPlan]:
    """Return the alarm's tiers, in order, with the people each would tell at ``now``.

    Four queries whatever the circle holds (its tiers; the people of its people
    tiers; which organisations accept her; their members and shifts), as a step
    reads them inside its transaction: each query is ~1 ms of the time from a
    due deadline to the SMS (issue 18).
    """
    if alarm.device is not None:
        ids = on_duty_member_ids(alarm.device.establishment_id, now, fall_back_to_all=True)
        return [TierPlan(1, DEVICE_REALERT_SECONDS, tuple(ids))]
    tiers = list(
        Tier.objects.filter(circle__owner_id=alarm.owner_id)
        .order_by("position")
        .values_list(
            "pk", "position", "kind", "delay_seconds", "organisation_id", "circle__police_opt_in"
        )
    )
    if not tiers:
        return []
    police_opt_in = tiers[0][5]
    people: dict[int, list[int]] = {}
    people_tiers = [pk for pk, _, kind, *_ in tiers if kind == TierKind.PEOPLE]
    if people_tiers:
        members = TierMember.objects.filter(
            tier_id__in=people_tiers,
            invitation__status=InvitationStatus.ACCEPTED,
            invitation__invitee__is_active=True,
        )
        if not police_opt_in:
            # A police reference person put in a people tier is told only with her opt-in.
            members = members.exclude(invitation__invitee__role=Role.POLICE_REFERENCE)
        for tier_id, user_id in members.values_list("tier_id", "invitation__invitee_id"):
            people.setdefault(tier_id, []).append(user_id)
    # An organisation's tier reaches its on-duty members once it accepts her; the
    # police only with her opt-in, and all of them when nobody is on duty.
    organisations = [
        organisation_id
        for _, _, kind, _, organisation_id, _ in tiers
        if organisation_id is not None
        and (kind == TierKind.ORGANISATION_ROTA or (kind == TierKind.POLICE and police_opt_in))
    ]
    accepting = _accepting_organisations(organisations, alarm.owner_id)
    on_duty, all_members = _duty_by_organisation(accepting, now)
    plans = []
    for pk, position, kind, delay_seconds, organisation_id, _ in tiers:
        if kind == TierKind.PEOPLE:
            ids = sorted(people.get(pk, ()))
        elif organisation_id not in accepting or (kind == TierKind.POLICE and not police_opt_in):
            ids = []
        elif kind == TierKind.POLICE:
            ids = on_duty[organisation_id] or all_members[organisation_id]
        else:
            ids = on_duty[organisation_id]
        ids = [user_id for user_id in ids if user_id != alarm.owner_id]
        plans.append(TierPlan(position, delay_seconds, tuple(ids)))
    return plans


def first_reachable(plans: list[TierPlan], after: int = 0) -> TierPlan | None:
    """Return the first tier after position ``after`` that reaches someone."""
    for plan in plans:
        if plan.position > after and plan.user_ids:
            return plan
    return None


def realert_interval(plan: TierPlan) -> int:
    return max(plan.delay_seconds, MIN_REALERT_SECONDS)
