"""Fixtures of the alarms tests: a worker's circle, a spy on published events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Membership, Organisation, OrganisationKind
from umbrella.alarms import actions, events
from umbrella.alarms.models import CircleInvitation, InvitationStatus

TIER1_DELAY = 60
TIER2_DELAY = 120


@dataclass
class Published:
    calls: list[dict] = field(default_factory=list)

    def types(self) -> list[str]:
        return [call["event_type"] for call in self.calls]

    def of(self, event_type: str) -> list[dict]:
        return [call for call in self.calls if call["event_type"] == event_type]


@pytest.fixture
def published(monkeypatch) -> Published:
    """Record every event alarms publishes, then let notify's real publish store it."""
    spy = Published()
    real = events.notify_publish()

    def recording(event_type, **kwargs):
        spy.calls.append({"event_type": event_type, **kwargs})
        return real(event_type, **kwargs)

    monkeypatch.setattr(events, "notify_publish", lambda: recording)
    return spy


@pytest.fixture
def t0() -> datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def outreach_org(personas) -> Organisation:
    return Organisation.objects.get(name="Outreach organisation (test)")


@pytest.fixture
def police_org(personas) -> Organisation:
    return Organisation.objects.get(name="Police zone Bruxelles-Nord (test)")


def accept_everyone(owner, now: datetime) -> None:
    """Have each person and organisation she asked accept, as they would on their pages.

    Nobody is told of an alarm without having accepted; tests that need her
    circle to reach people set it up this way, through the same action.
    """
    waiting = CircleInvitation.objects.filter(owner=owner, status=InvitationStatus.PENDING)
    for invitation in waiting:
        if invitation.organisation_id is None:
            answerer = invitation.invitee
        else:
            member = (
                Membership.objects.filter(organisation_id=invitation.organisation_id)
                .order_by("pk")
                .first()
            )
            assert member is not None, "an invited organisation has a member to answer"
            answerer = member.user
        if answerer is not None:
            actions.answer_invitation(invitation.pk, answerer, accept=True, now=now)


def set_accepted_circle(owner, tiers, now: datetime, **kwargs):
    """Set her circle, then have everyone in it accept."""
    circle = actions.set_circle(owner, tiers, now, **kwargs)
    accept_everyone(owner, now)
    return circle


@pytest.fixture
def circle(personas, outreach_org, t0):
    """The worker's circle: tier 1 her responder, tier 2 the outreach rota; both accepted."""
    return set_accepted_circle(
        personas.worker,
        [
            actions.TierSpec("people", TIER1_DELAY, ["responder"]),
            actions.TierSpec("organisation_rota", TIER2_DELAY, organisation_id=outreach_org.pk),
        ],
        t0,
        police_opt_in=False,
    )


@pytest.fixture
def establishment(personas):
    """An establishment whose on-duty reference person is the responder persona."""
    org = accounts_actions.ensure_organisation("Studio Nord (test)", OrganisationKind.ESTABLISHMENT)
    accounts_actions.add_membership(personas.responder, org, on_duty=True)
    return org
