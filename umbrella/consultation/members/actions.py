"""Every change to bodies, seats and calendar-feed tokens; each one transaction.

An action refuses with ``ConsultationError`` (or its ``NotAllowed``) whose
message is a translated sentence the page or API shows as it is.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from umbrella.accounts.models import hash_secret
from umbrella.consultation.exceptions import ConsultationError, NotAllowed
from umbrella.consultation.members import queries
from umbrella.consultation.members.models import (
    Body,
    FeedToken,
    Member,
    MemberCategory,
    Position,
)


def require_manager(user, body: Body) -> None:
    """Refuse unless ``user`` manages ``body`` (the secretary, or the chair of that body)."""
    if not queries.can_manage(user, body):
        raise NotAllowed(_("Only the platform's secretary or the chair of this body may do this."))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# --- Bodies and members ------------------------------------------------------


@transaction.atomic
def ensure_body(
    slug: str,
    kind: str,
    *,
    name_nl: str,
    name_fr: str,
    name_en: str,
    parent: Body | None = None,
    description_nl: str = "",
    description_fr: str = "",
    description_en: str = "",
) -> Body:
    """Create or update the body with this short name (idempotent; for set-up and the demo)."""
    body, _created = Body.objects.update_or_create(
        slug=slug,
        defaults={
            "kind": kind,
            "parent": parent,
            "name_nl": name_nl,
            "name_fr": name_fr,
            "name_en": name_en,
            "description_nl": description_nl,
            "description_fr": description_fr,
            "description_en": description_en,
        },
    )
    return body


@transaction.atomic
def add_member(
    body: Body,
    *,
    by,
    organisation,
    representative,
    category: str,
    position: str = Position.MEMBER,
    today: date | None = None,
) -> Member:
    """Give ``organisation`` a seat at ``body``, represented by ``representative``."""
    require_manager(by, body)
    if category not in MemberCategory.values:
        raise ConsultationError(_("Choose one of the member categories."), "category")
    if position not in Position.values:
        raise ConsultationError(_("Choose one of the positions."), "position")
    today = today or timezone.localdate()
    seat = queries.active_members(today).filter(body=body, representative=representative).first()
    if seat is not None:
        if seat.organisation_id != organisation.pk:
            raise ConsultationError(
                _("This person already represents another organisation in this body."),
                "representative",
            )
        seat.position, seat.category = position, category
        seat.save(update_fields=["position", "category"])
        return seat
    return Member.objects.create(
        body=body,
        organisation=organisation,
        representative=representative,
        category=category,
        position=position,
        joined_on=today,
    )


@transaction.atomic
def end_membership(member: Member, *, by, today: date | None = None) -> Member:
    require_manager(by, member.body)
    member.left_on = today or timezone.localdate()
    member.save(update_fields=["left_on"])
    member.feed_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return member


# --- Calendar feed tokens --------------------------------------------------------


@transaction.atomic
def issue_feed_token(member: Member, *, now: datetime | None = None) -> tuple[FeedToken, str]:
    """Give the member a new secret feed address (earlier ones stop working); return it once."""
    now = _now(now)
    member.feed_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    plaintext = secrets.token_urlsafe(32)
    token = FeedToken.objects.create(
        member=member, key_hash=hash_secret(plaintext), prefix=plaintext[:6], created_at=now
    )
    return token, plaintext


@transaction.atomic
def revoke_feed_tokens(member: Member, *, now: datetime | None = None) -> int:
    return member.feed_tokens.filter(revoked_at__isnull=True).update(revoked_at=_now(now))
