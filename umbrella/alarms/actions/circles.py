"""A sex worker's circle: replace it as a whole, so it is never half-saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from umbrella.accounts.models import Organisation, OrganisationKind, User
from umbrella.alarms.exceptions import AlarmError
from umbrella.alarms.models import Circle, Tier, TierKind, TierMember

MIN_DELAY_SECONDS = 10
MAX_DELAY_SECONDS = 3600
MAX_TIERS = 5
MAX_MEMBERS = 20


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
    organisation = Organisation.objects.filter(pk=spec.organisation_id, kind__in=kinds).first()
    if organisation is None:
        raise AlarmError(
            _("Tier %(position)s: choose an organisation that can take alarms.")
            % {"position": position}
        )
    return organisation


def _members(spec: TierSpec, position: int, owner) -> list[User]:
    names = [name.strip() for name in spec.usernames if name.strip()]
    if not names or len(names) > MAX_MEMBERS:
        raise AlarmError(
            _("Tier %(position)s needs between 1 and %(max)s people.")
            % {"position": position, "max": MAX_MEMBERS}
        )
    people = []
    for name in names:
        person = User.objects.filter(username__iexact=name, is_active=True).first()
        if person is None or person.pk == owner.pk:
            raise AlarmError(
                _("Tier %(position)s: nobody is called “%(name)s”.")
                % {"position": position, "name": name}
            )
        people.append(person)
    return people


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
    for position, spec in enumerate(tiers, start=1):
        _check(spec, position, police_opt_in, min_delay)
        organisation = None
        if spec.kind in (TierKind.ORGANISATION_ROTA, TierKind.POLICE):
            organisation = _organisation(spec, position)
        tier = Tier.objects.create(
            circle=circle,
            position=position,
            kind=spec.kind,
            delay_seconds=spec.delay_seconds,
            organisation=organisation,
        )
        if spec.kind == TierKind.PEOPLE:
            TierMember.objects.bulk_create(
                TierMember(tier=tier, user=person) for person in _members(spec, position, owner)
            )
    return circle
