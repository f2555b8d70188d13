"""The alarms part of ``manage.py demo``: demo-worker's circle and a demo room button.

The circle is accepted by demo-responder (tier 1) and by demo-outreach for the
outreach organisation (tier 2), through the same actions as on their pages.

Found by ``umbrella.accounts.demo.create_demo``, which calls it inside its transaction.
Running it again resets the circle and replaces the demo button (its key is
shown once, so a new one is issued each run).
"""

from __future__ import annotations

from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.demo import OUTREACH_ORGANISATION, DemoResult
from umbrella.accounts.models import MembershipRole, OrganisationKind
from umbrella.alarms import actions, queries
from umbrella.alarms.models import RoomButton

ESTABLISHMENT = "Demo studio (demo)"
ROOM = "Room 1"


def set_up_demo(result: DemoResult) -> None:
    """Wire the demo circle and button; keep the button's device key in ``result``."""
    users, escalate_after, now = result.users, result.escalate_after, timezone.now()
    outreach_organisation = result.organisations[OUTREACH_ORGANISATION]
    actions.set_circle(
        users["demo-worker"],
        [
            actions.TierSpec("people", escalate_after, ["demo-responder"]),
            actions.TierSpec(
                "organisation_rota",
                max(escalate_after, 60),
                organisation_id=outreach_organisation.pk,
            ),
        ],
        now,
        police_opt_in=False,
        min_delay=1,
    )
    # Nobody is in a circle without accepting: the responder accepts her
    # invitation and the outreach worker accepts her for his organisation, as
    # each would on the invitations page.
    for invitation in queries.pending_for(users["demo-responder"]).filter(
        owner=users["demo-worker"]
    ):
        actions.answer_invitation(invitation.pk, users["demo-responder"], accept=True, now=now)
    for invitation in queries.pending_for(users["demo-outreach"]).filter(
        owner=users["demo-worker"], organisation=outreach_organisation
    ):
        actions.answer_invitation(invitation.pk, users["demo-outreach"], accept=True, now=now)
    studio = accounts_actions.ensure_organisation(ESTABLISHMENT, OrganisationKind.ESTABLISHMENT)
    accounts_actions.add_membership(
        users["demo-responder"], studio, role=MembershipRole.MANAGER, on_duty=True
    )
    for button in RoomButton.objects.filter(establishment=studio, revoked_at__isnull=True):
        actions.revoke_room_button(button, now)
    _button, result.device_key = actions.create_room_button(studio, ROOM, now, test_mode=True)
