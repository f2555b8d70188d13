"""Admin: the content is read-only; certificates are revoked by an action."""

from __future__ import annotations

import pytest
from django.utils import timezone

from umbrella.testing import sign_in
from umbrella.training.courses.actions import issue_certificate
from umbrella.training.tests.factories import make_course


@pytest.mark.django_db
def test_admin_lists_and_revokes(client, platform_admin, staff):
    course = make_course()
    certificate = issue_certificate(staff, course, timezone.now())
    sign_in(client, platform_admin)
    for page in ("course", "module", "question", "attempt", "certificate", "cohort"):
        assert client.get(f"/en/admin/training/{page}/").status_code == 200, page
    assert client.get(f"/en/admin/training/course/{course.pk}/change/").status_code == 200
    response = client.post(
        "/en/admin/training/certificate/",
        {"action": "revoke", "_selected_action": [certificate.pk]},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
