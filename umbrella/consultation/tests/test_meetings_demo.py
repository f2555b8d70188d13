"""The consultation demo: the platform and its groups, the demo members in their categories,
a past meeting with published minutes and an upcoming one; running it twice resets."""

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.demo import ACCOUNTS, ORGANISATIONS, DemoResult
from umbrella.consultation.demo import set_up_demo
from umbrella.consultation.meetings import queries
from umbrella.consultation.members import queries as member_queries
from umbrella.consultation.models import (
    Body,
    BodyKind,
    Meeting,
    Member,
    MemberCategory,
    MinutesStatus,
    Position,
    Recommendation,
)

pytestmark = pytest.mark.django_db


def _result() -> DemoResult:
    """The part of ``create_demo``'s result the consultation demo reads."""
    result = DemoResult()
    for name, spec in ORGANISATIONS.items():
        result.organisations[name] = accounts_actions.ensure_organisation(name, **spec)
    for username, (role, organisation, _on_duty) in ACCOUNTS.items():
        user = accounts_actions.create_account(username, role, password_hash="!")
        if organisation:
            accounts_actions.add_membership(user, result.organisations[organisation])
        result.users[username] = user
    return result


def test_demo_platform_members_and_meetings(client):
    result = _result()
    set_up_demo(result)
    platform = member_queries.regional_platform()
    assert platform.slug == "regional-platform"
    groups = {b.name_en for b in Body.objects.filter(kind=BodyKind.WORKING_GROUP)}
    assert groups == {"North quarter", "Health", "Safety"}
    seats = {m.representative.username: m for m in Member.objects.filter(body=platform)}
    assert seats["demo-secretary"].position == Position.SECRETARY
    assert seats["demo-secretary"].category == MemberCategory.REGION
    assert seats["demo-municipality"].category == MemberCategory.MUNICIPALITY
    assert seats["demo-staff"].category == MemberCategory.OCMW_CPAS
    assert seats["demo-police"].category == MemberCategory.POLICE_ZONE
    assert seats["demo-outreach"].category == MemberCategory.FIELD_ORGANISATION
    assert seats["demo-outreach"].organisation.name == "Demo outreach organisation (demo)"
    assert member_queries.can_manage(result.users["demo-secretary"])
    assert Recommendation.objects.exists()  # the seeds were loaded

    now = timezone.now()
    past = [m for m in Meeting.objects.all() if m.ends_at < now]
    upcoming = queries.upcoming_meetings(None, now=now)
    assert len(upcoming) == 1 and upcoming[0].agenda_items.count() == 3
    published = [m for m in past if getattr(m, "minutes", None)]
    assert len(published) == 1
    assert published[0].minutes.status == MinutesStatus.PUBLISHED
    response = client.get(f"/en/platform/meetings/{published[0].pk}/")
    assert "Demo minutes: the platform discussed public toilets" in response.content.decode()
    members_page = client.get("/en/platform/members/").content.decode()
    assert 'data-sex-worker-seats="0"' in members_page


def test_running_twice_resets(client):
    result = _result()
    set_up_demo(result)
    set_up_demo(result)
    assert Meeting.objects.count() == 3
    assert Member.objects.count() == 5
    assert Body.objects.count() == 4
