"""The public API: courses and certificate checks, exactly as docs/api.md promises."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from umbrella.training.courses.actions import issue_certificate, revoke_certificate
from umbrella.training.tests.factories import make_course


@pytest.mark.django_db
def test_courses_answer_id_title_by_language_and_modules(client):
    make_course(modules=2)
    response = client.get("/api/v1/training/courses")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and len(body) == 1
    course = body[0]
    assert set(course) == {"id", "title", "modules"}
    assert course["id"] == "working-without-stigma"
    assert set(course["title"]) == {"nl", "fr", "en"}
    assert course["title"]["fr"] == "Course working-without-stigma [fr]"
    assert [m["id"] for m in course["modules"]] == ["module-1", "module-2"]
    assert set(course["modules"][0]["title"]) == {"nl", "fr", "en"}
    assert course["modules"][0]["position"] == 1


@pytest.mark.django_db
def test_certificate_valid_then_expired_with_course_and_dates_and_no_name(client, staff):
    certificate = issue_certificate(staff, make_course(), timezone.now())
    url = f"/api/v1/training/certificates/{certificate.code}"
    body = client.get(url).json()
    assert set(body) == {"status", "course", "issued_at", "valid_until"}
    assert body["status"] == "valid"
    assert body["course"]["id"] == "working-without-stigma"
    assert set(body["course"]["title"]) == {"nl", "fr", "en"}
    assert "staff" not in str(body)
    with time_machine.travel(certificate.valid_until - timedelta(seconds=1), tick=False):
        assert client.get(url).json()["status"] == "valid"
    with time_machine.travel(certificate.valid_until, tick=False):
        assert client.get(url).json()["status"] == "expired"
    # Typed with dashes and in lower case, the code still matches.
    grouped = "-".join(certificate.code[i : i + 4] for i in range(0, 20, 4)).lower()
    assert client.get(f"/api/v1/training/certificates/{grouped}").json()["status"] == "valid"


@pytest.mark.django_db
def test_unknown_and_revoked_codes_answer_404(client, staff):
    response = client.get("/api/v1/training/certificates/NOSUCHCODE", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["detail"] == "No certificate has this code."
    certificate = issue_certificate(staff, make_course(), timezone.now())
    revoke_certificate(certificate, timezone.now())
    assert client.get(f"/api/v1/training/certificates/{certificate.code}").status_code == 404
