"""A sex worker's circle: replace it as a whole, so it is never half-saved.

Nobody is put in anyone's circle without accepting: each person she names is
an invitation (``CircleInvitation``) that the person accepts or declines, and
each organisation she names must accept her (or accept every sex worker, by
its manager's decision). Routing tells only accepted members. An invitation
to a pseudonym nobody has is stored like any other and never accepted, so
her answer is the same whether or not the name exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.models import Organisation, OrganisationKind, User
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.models import (
    Circle,
    CircleInvitation,
    InvitationStatus,
    Tier,
    TierKind,
    TierMember,
)

MIN_DELAY_SECONDS = 10
MAX_DELAY_SECONDS = 3600
MAX_TIERS = 5
MAX_MEMBERS = 20
INVITATION_WINDOW = timedelta(days=1)


class TooManyInvitations(AlarmError):
    """She asked more new people than the daily limit allows (the API answers 429)."""

    default_message = _("You have asked many people today. Wait a day before asking more.")


@dataclass
class TierSpec:
    kind: str
    delay_seconds: int = 60
    usernames: list[str] = field(default_factory=list)
    organisation_id: int | None = None


def circle_of(owner) -> Circle | None:
    return Circle.objects.filter(owner=owner).first()


def _check(spec: TierSpec, position: int, police_opt_in: bool, min_delay: int) -> None:
    if spec.kind not in TierKind.values:
        raise AlarmError(_("Tier %(position)s has an unknown kind.") % {"position": position})
    if not min_delay <= spec.delay_seconds <= MAX_DELAY_SECONDS:
        raise AlarmError(
            _("Tier %(position)s: the delay must be between %(min)s and %(max)s seconds.")
            % {"position": position, "min": min_delay, "max": MAX_DELAY_SECONDS}
        )
    if spec.kind == TierKind.POLICE and not police_opt_in:
        raise AlarmError(
            _("Tier %(position)s is the police: switch on the police option first.")
            % {"position": position}
        )


def _organisation(spec: TierSpec, position: int) -> Organisation:
    wanted = (
        OrganisationKind.POLICE_ZONE
        if spec.kind == TierKind.POLICE
        else OrganisationKind.SUPPORT_ORGANISATION
    )
    kinds = [wanted, OrganisationKind.ESTABLISHMENT] if spec.kind != TierKind.POLICE else [wanted]
    organisation = (
        Organisation.objects.filter(pk=spec.organisation_id, kind__in=kinds).first()
        if spec.organisation_id is not None
        else None
    )
    if organisation is None:
        raise AlarmError(
            _("Tier %(position)s: choose an organisation that can take alarms.")
            % {"position": position}
        )
    return organisation


def normalise_name(name: str) -> str:
    """Return a pseudonym as her circle stores and shows it (trimmed, lower-cased)."""
    return name.strip().lower()


def _names(spec: TierSpec, position: int, owner) -> list[str]:
    names = list(dict.fromkeys(normalise_name(n) for n in spec.usernames if n.strip()))
    if not names or len(names) > MAX_MEMBERS:
        raise AlarmError(
            _("Tier %(position)s needs between 1 and %(max)s people.")
            % {"position": position, "max": MAX_MEMBERS}
        )
    if owner.username.lower() in names:
        raise AlarmError(
            _("Tier %(position)s: you cannot put yourself in your own circle.")
            % {"position": position}
        )
    return names


def _person_invitation(owner, name: str, now: datetime, asked: list) -> CircleInvitation:
    """Return her invitation of ``name``, asking (again) when there is none in force."""
    found = (
        CircleInvitation.objects.select_for_update()
        .filter(owner=owner, organisation__isnull=True, name=name)
        .first()
    )
    if found is None:
        # Looked up once and never shown to her: the same row, the same answer,
        # whether or not someone has this name.
        invitee = User.objects.filter(username__iexact=name, is_active=True).first()
        found = CircleInvitation.objects.create(
            owner=owner, name=name, invitee=invitee, created_at=now
        )
        asked.append(found)
    elif found.status == InvitationStatus.REMOVED:
        found.status = InvitationStatus.PENDING
        found.created_at = now
        found.answered_at = None
        found.save(update_fields=["status", "created_at", "answered_at"])
        asked.append(found)
    return found


def _organisation_invitation(owner, organisation, now: datetime) -> CircleInvitation:
    invitation, _created = CircleInvitation.objects.get_or_create(
        owner=owner, organisation=organisation, defaults={"created_at": now}
    )
    return invitation


def _check_invitation_limit(owner, asked: list, now: datetime) -> None:
    """Refuse when she has asked more people in a day than the limit allows.

    Counted from the rows' ``created_at`` (a name asked again moves it), never
    from rows deleted, so removing names does not give her more.
    """
    if not asked:
        return
    recent = CircleInvitation.objects.filter(
        owner=owner, organisation__isnull=True, created_at__gt=now - INVITATION_WINDOW
    ).count()
    if recent > settings.CIRCLE_INVITATIONS_PER_DAY:
        raise TooManyInvitations()


def _retire_unused_invitations(owner) -> None:
    """Mark people no tier names any more as removed; forget organisations' open requests.

    Declined and left invitations stay as they are: adding the name again does
    not ask the person a second time.
    """
    CircleInvitation.objects.filter(
        owner=owner,
        organisation__isnull=True,
        tier_members__isnull=True,
        status__in=[InvitationStatus.PENDING, InvitationStatus.ACCEPTED],
    ).update(status=InvitationStatus.REMOVED)
    in_use = Tier.objects.filter(circle__owner=owner, organisation__isnull=False)
    CircleInvitation.objects.filter(
        owner=owner, organisation__isnull=False, status=InvitationStatus.PENDING
    ).exclude(organisation__in=in_use.values("organisation")).delete()


@transaction.atomic
def set_circle(
    owner,
    tiers: list[TierSpec],
    now: datetime,
    *,
    police_opt_in: bool,
    min_delay: int = MIN_DELAY_SECONDS,
) -> Circle:
    """Replace the owner's circle with ``tiers`` (in order) and her police choice.

    ``min_delay`` may be lowered by the demo (``--escalate-after 5``), never by a person.
    """
    if len(tiers) > MAX_TIERS:
        raise AlarmError(_("A circle has at most %(max)s tiers.") % {"max": MAX_TIERS})
    circle, _created = Circle.objects.select_for_update().get_or_create(
        owner=owner, defaults={"updated_at": now}
    )
    circle.police_opt_in = police_opt_in
    circle.updated_at = now
    circle.save(update_fields=["police_opt_in", "updated_at"])
    circle.tiers.all().delete()
    asked: list[CircleInvitation] = []
    for position, spec in enumerate(tiers, start=1):
        _check(spec, position, police_opt_in, min_delay)
        organisation = None
        if spec.kind in (TierKind.ORGANISATION_ROTA, TierKind.POLICE):
            organisation = _organisation(spec, position)
            _organisation_invitation(owner, organisation, now)
        tier = Tier.objects.create(
            circle=circle,
            position=position,
            kind=spec.kind,
            delay_seconds=spec.delay_seconds,
            organisation=organisation,
        )
        if spec.kind == TierKind.PEOPLE:
            invitations = [
                _person_invitation(owner, name, now, asked)
                for name in _names(spec, position, owner)
            ]
            TierMember.objects.bulk_create(
                TierMember(tier=tier, invitation=invitation) for invitation in invitations
            )
    _check_invitation_limit(owner, asked, now)
    _retire_unused_invitations(owner)
    return circle
