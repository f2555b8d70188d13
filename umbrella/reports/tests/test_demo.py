"""The reports part of ``manage.py demo``: who handles what in the demo."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from umbrella.accounts.models import User
from umbrella.reports import actions, queries
from umbrella.reports.actions.moderation import may_moderate
from umbrella.reports.models import Body, ModerationStatus
from umbrella.reports.tests.conftest import SAINT_JOSSE, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", "--password", "demo-pw", "--force", stdout=io.StringIO())
    return {u.username: u for u in User.objects.filter(username__startswith="demo-")}


def test_demo_accounts_are_the_staff_of_their_bodies(demo):
    def staff(code: str) -> str:
        organisation = Body.objects.get(code=code).organisation
        assert organisation is not None, f"the demo gives {code} its staff"
        return organisation.name

    assert staff("municipality-21014") == "Saint-Josse-ten-Noode (demo)"
    assert staff("zone-5344") == "Police zone Bruxelles-Nord 5344 (demo)"
    assert staff("espace-p") == staff("safe-brussels") == "Demo outreach organisation (demo)"
    # Running the demo again changes nothing.
    call_command("demo", "--password", "demo-pw", "--force", stdout=io.StringIO())
    assert staff("espace-p") == "Demo outreach organisation (demo)"


def test_demo_outreach_moderates_and_sees_harassment_reports(demo):
    outreach = demo["demo-outreach"]
    assert may_moderate(outreach)
    assert not may_moderate(demo["demo-municipality"])
    harassment = submit(
        code="sex-worker-harassment",
        lat=SAINT_JOSSE[0],
        lon=SAINT_JOSSE[1],
        description="A man shouts at the women on the corner every night.",
        reporter_kind="sex_worker",
    ).report
    assert queries.can_view(outreach, harassment)
    assert not queries.can_view(demo["demo-municipality"], harassment)
    held = submit(description="Get rid of the prostitutes please.").report
    assert held.moderation_status == ModerationStatus.PENDING
    actions.release_from_moderation(held, by=outreach)
    held.refresh_from_db()
    assert held.moderation_status == ModerationStatus.RELEASED
