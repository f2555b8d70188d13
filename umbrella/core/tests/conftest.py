"""Fixtures of the core tests: the demo of the persona journeys."""

import io

import pytest
from django.core.management import call_command

from umbrella.accounts.models import User
from umbrella.core.tests.journeys import DEMO_PASSWORD


@pytest.fixture
def demo(geography):
    """``manage.py demo``: every demo account, organisation, course, meeting and studio."""
    call_command("demo", "--password", DEMO_PASSWORD, "--force", stdout=io.StringIO())
    return {user.username: user for user in User.objects.filter(username__startswith="demo-")}
