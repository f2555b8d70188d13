"""Fixtures of the consultation tests.

Every consultation test starts in the site's default language: a page in French or Dutch
activates its language for the thread, and ``reverse()`` in a later test would follow it.
The meetings and members tests share the platform's secretary, the regional platform,
seats and two meetings (built with ``factories.py``).
"""

from datetime import timedelta

import pytest
from django.utils import translation

from umbrella.consultation.meetings.models import Visibility
from umbrella.consultation.members.models import Body, MemberCategory, Position
from umbrella.consultation.tests import factories as make


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override(None):
        yield


@pytest.fixture
def secretary(db):
    return make.secretary()


@pytest.fixture
def platform(db) -> Body:
    return make.platform()


@pytest.fixture
def seats(personas, platform):
    """The municipality officer, police and OCMW/CPAS staff hold seats; the outreach worker
    represents sex workers; the resident and the outsider hold none."""
    return {
        "municipality": make.seat(platform, personas.municipality, MemberCategory.MUNICIPALITY),
        "police": make.seat(platform, personas.police, MemberCategory.POLICE_ZONE, Position.CHAIR),
        "staff": make.seat(platform, personas.staff, MemberCategory.OCMW_CPAS),
        "outreach": make.seat(
            platform, personas.outreach, MemberCategory.SEX_WORKER_REPRESENTATIVE
        ),
    }


@pytest.fixture
def public_meeting(platform, secretary):
    return make.meeting(
        platform, secretary, starts_at=make.NOW + timedelta(days=7), title="Open plenary"
    )


@pytest.fixture
def closed_meeting(platform, secretary):
    return make.meeting(
        platform,
        secretary,
        starts_at=make.NOW + timedelta(days=8),
        visibility=Visibility.MEMBERS,
        title="Closed session",
    )
