"""The training demo: the course loaded, demo-staff in a cohort of the demo OCMW/CPAS."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from umbrella.accounts.models import User
from umbrella.training.courses.models import STIGMA_COURSE_SLUG
from umbrella.training.models import Attempt, CohortMember, Course
from umbrella.training.tests.factories import pass_course


@pytest.mark.django_db
def test_demo_enrols_demo_staff_and_resets_their_progress(settings):
    settings.DEBUG = True
    call_command("demo", "--password", "pw")
    course = Course.objects.get(slug=STIGMA_COURSE_SLUG)
    staff = User.objects.get(username="demo-staff")
    member = CohortMember.objects.get(user=staff)
    assert member.cohort.organisation.name == "OCMW/CPAS Saint-Josse (demo)"
    assert member.cohort.course == course
    assert member.cohort.deadline > timezone.localdate()
    # demo-staff manages the demo organisation's training (its page can be shown).
    assert staff.memberships.get(organisation=member.cohort.organisation).role == "manager"
    pass_course(staff, course, timezone.now())
    assert staff.training_certificates.count() == 1
    call_command("demo", "--password", "pw")
    assert not Attempt.objects.filter(user=staff).exists()
    assert not staff.training_certificates.exists()
    assert CohortMember.objects.filter(user=staff).count() == 1
