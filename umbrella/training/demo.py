"""The training part of ``manage.py demo``, called by ``umbrella.accounts.demo.create_demo``
inside its transaction with the demo's result (users and organisations).

It loads the course from its content files (``load_training``), forms a demo
cohort "Demo group" at "OCMW/CPAS Saint-Josse (demo)" and enrols demo-staff in
it. demo-staff is also the organisation's training manager (the demo has no
other account there), so the organisation's page, its groups, join code and
invitations can be shown. demo-staff starts from scratch on every run: their earlier attempts and
certificates are removed, so the journey (lessons, quizzes, certificate) can be
shown again.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from django.utils import timezone

from umbrella.accounts.actions import add_membership
from umbrella.accounts.models import MembershipRole
from umbrella.training.courses import actions
from umbrella.training.courses.content_loader import CONTENT_DIR, ContentError, load_course
from umbrella.training.courses.models import (
    STIGMA_COURSE_SLUG,
    Attempt,
    Certificate,
    CohortMember,
)

DEMO_ORGANISATION = "OCMW/CPAS Saint-Josse (demo)"
DEMO_COHORT = "Demo group"


def set_up_demo(result) -> None:
    """Create or reset the training app's demo rows; safe to run again."""
    try:
        course = load_course(CONTENT_DIR / STIGMA_COURSE_SLUG).course
    except ContentError as error:
        # The demo's other parts still work; say why training has no course.
        sys.stderr.write(f"Training demo skipped: the course does not load: {error}\n")
        return
    organisation = result.organisations[DEMO_ORGANISATION]
    staff = result.users["demo-staff"]
    now = timezone.now()
    Attempt.objects.filter(user=staff).delete()
    Certificate.objects.filter(user=staff).delete()
    cohort = actions.ensure_cohort(
        organisation,
        course,
        DEMO_COHORT,
        deadline=timezone.localdate(now) + timedelta(days=90),
    )
    CohortMember.objects.filter(user=staff).exclude(cohort=cohort).delete()
    actions.join_cohort(staff, cohort, now)
    add_membership(staff, organisation, role=MembershipRole.MANAGER)
