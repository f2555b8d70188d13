"""Answering a circle invitation: accept, decline, leave; what an organisation accepts.

The person invited answers for himself; an organisation's staff answer for
the organisation, and its manager decides whether it accepts every sex
worker who asks (an organisation that serves the public by design).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from umbrella.accounts.models import Membership, MembershipRole
from umbrella.alarms.exceptions import InvalidState, NotAllowed
from umbrella.alarms.models import CircleInvitation, InvitationStatus, OrganisationAlarmPolicy


def _locked(invitation_id: int) -> CircleInvitation:
    found = CircleInvitation.objects.select_for_update().filter(pk=invitation_id).first()
    if found is None:
        raise NotAllowed()
    return found


def may_answer(invitation: CircleInvitation, user) -> bool:
    """Answer whether ``user`` answers this invitation: the person, or the organisation's staff."""
    if invitation.organisation_id is None:
        return invitation.invitee_id is not None and invitation.invitee_id == user.pk
    return Membership.objects.filter(
        organisation_id=invitation.organisation_id, user=user, user__is_active=True
    ).exists()


@transaction.atomic
def answer_invitation(invitation_id: int, user, *, accept: bool, now: datetime) -> CircleInvitation:
    """Accept or decline a waiting invitation; anyone else gets NotAllowed (a 404)."""
    invitation = _locked(invitation_id)
    if not may_answer(invitation, user):
        raise NotAllowed()
    if invitation.status != InvitationStatus.PENDING:
        raise InvalidState()
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.answered_at = now
    invitation.answered_by = user
    invitation.save(update_fields=["status", "answered_at", "answered_by"])
    return invitation


@transaction.atomic
def leave_circle(invitation_id: int, user, *, now: datetime) -> CircleInvitation:
    """Stop being told of her alarms (the person, or the organisation's staff)."""
    invitation = _locked(invitation_id)
    if not may_answer(invitation, user):
        raise NotAllowed()
    if invitation.status != InvitationStatus.ACCEPTED:
        raise InvalidState()
    invitation.status = InvitationStatus.LEFT
    invitation.answered_at = now
    invitation.answered_by = user
    invitation.save(update_fields=["status", "answered_at", "answered_by"])
    return invitation


def manages(organisation, user) -> bool:
    return Membership.objects.filter(
        organisation=organisation, user=user, role=MembershipRole.MANAGER, user__is_active=True
    ).exists()


@transaction.atomic
def set_organisation_policy(
    organisation, user, *, accepts_every_sex_worker: bool, now: datetime
) -> OrganisationAlarmPolicy:
    """Record the manager's decision: the organisation takes every sex worker's alarms, or not."""
    if not manages(organisation, user):
        raise NotAllowed()
    policy, _created = OrganisationAlarmPolicy.objects.select_for_update().get_or_create(
        organisation=organisation, defaults={"updated_at": now}
    )
    policy.accepts_every_sex_worker = accepts_every_sex_worker
    policy.updated_at = now
    policy.updated_by = user
    policy.save(update_fields=["accepts_every_sex_worker", "updated_at", "updated_by"])
    return policy
