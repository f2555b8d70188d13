"""Actions: cohorts, invitations by e-mail, joining by code. Each one transaction.

Only an organisation's managers (``MembershipRole.MANAGER``) form cohorts and
invite; a person who joins a cohort becomes a member of its organisation, so
they count in its coverage.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Membership, Organisation
from umbrella.training import queries
from umbrella.training.actions_courses import CROCKFORD
from umbrella.training.models import Cohort, CohortMember, Course, Invitation

# An invitation link works for this long; the organisation can send a new one.
INVITATION_VALID_DAYS = 30


class EnrolmentError(Exception):
    """A refused enrolment step; ``str()`` is a sentence for people."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_join_code() -> str:
    """Return 10 random Crockford base32 characters (50 bits), easy to type."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(10))


def normalise_join_code(code: str) -> str:
    return queries.normalise_code(code)[:16]


def _require_manager(user, organisation: Organisation) -> None:
    if not queries.is_manager(user, organisation):
        raise EnrolmentError(_("Only a manager of this organisation can do this."))


@transaction.atomic
def create_cohort(
    manager, organisation: Organisation, course: Course, name: str, deadline: date
) -> Cohort:
    _require_manager(manager, organisation)
    name = name.strip()
    if Cohort.objects.filter(organisation=organisation, name=name).exists():
        raise EnrolmentError(_("Your organisation already has a group with this name."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Cohort.objects.create(
                    organisation=organisation,
                    course=course,
                    name=name,
                    deadline=deadline,
                    join_code=new_join_code(),
                    created_by=manager,
                )
        except IntegrityError:  # a join code drawn twice: draw again
            continue
    raise EnrolmentError(_("The group could not be created. Please try again."))


@transaction.atomic
def join_cohort(user, cohort: Cohort, now: datetime) -> CohortMember:
    """Add ``user`` to ``cohort`` (and to its organisation's members); idempotent."""
    if not Membership.objects.filter(user=user, organisation=cohort.organisation).exists():
        accounts_actions.add_membership(user, cohort.organisation)
    member, _created = CohortMember.objects.get_or_create(
        cohort=cohort, user=user, defaults={"joined_at": now}
    )
    return member


@transaction.atomic
def join_with_code(user, code: str, now: datetime) -> CohortMember:
    cohort = Cohort.objects.filter(join_code=normalise_join_code(code)).first()
    if cohort is None:
        raise EnrolmentError(_("No training group has this code. Check it and try again."))
    return join_cohort(user, cohort, now)


@transaction.atomic
def invite_by_email(
    manager, cohort: Cohort, email: str, now: datetime, language: str = "en"
) -> Invitation:
    """Record an invitation and e-mail its link (after the commit)."""
    _require_manager(manager, cohort.organisation)
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        cohort=cohort,
        email=email.strip(),
        token_hash=_hash(token),
        invited_by=manager,
        created_at=now,
    )
    with translation.override(language):
        link = settings.SITE_URL.rstrip("/") + reverse("training:accept", kwargs={"token": token})
        subject = _("Invitation to a training course")
        body = _(
            '%(organisation)s invites you to the training group "%(cohort)s" '
            "(deadline: %(deadline)s).\n\nSign in to Umbrella and open this link to join:\n"
            "%(link)s\n"
        ) % {
            "organisation": cohort.organisation.name,
            "cohort": cohort.name,
            "deadline": cohort.deadline.isoformat(),
            "link": link,
        }
    address = invitation.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("cohort__organisation", "cohort__course")
        .filter(token_hash=_hash(token or ""))
        .first()
    )


@transaction.atomic
def accept_invitation(user, invitation: Invitation, now: datetime) -> CohortMember:
    """Join the invitation's cohort; the e-mail address is erased (no longer needed)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None and invitation.accepted_by_id != user.pk:
        raise EnrolmentError(_("This invitation has already been used."))
    if invitation.accepted_at is None and now >= invitation.created_at + timedelta(
        days=INVITATION_VALID_DAYS
    ):
        raise EnrolmentError(
            _("This invitation has expired. Ask your organisation for a new one or a join code.")
        )
    member = join_cohort(user, invitation.cohort, now)
    if invitation.accepted_at is None:
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.email = ""
        invitation.save(update_fields=["accepted_at", "accepted_by", "email"])
    return member


@transaction.atomic
def ensure_cohort(organisation: Organisation, course: Course, name: str, deadline: date) -> Cohort:
    """Return the organisation's cohort with this name, created or updated (for the demo)."""
    cohort = Cohort.objects.filter(organisation=organisation, name=name).first()
    if cohort is None:
        return Cohort.objects.create(
            organisation=organisation,
            course=course,
            name=name,
            deadline=deadline,
            join_code=new_join_code(),
        )
    cohort.course, cohort.deadline = course, deadline
    cohort.save(update_fields=["course", "deadline"])
    return cohort


@transaction.atomic
def erase_expired_invitation_addresses(now: datetime) -> int:
    """Erase the e-mail address of invitations that expired unused; return how many."""
    return (
        Invitation.objects.filter(
            accepted_at__isnull=True,
            created_at__lte=now - timedelta(days=INVITATION_VALID_DAYS),
        )
        .exclude(email="")
        .update(email="")
    )
