"""The admin: operators edit the matrix; reports show metadata only, never their content."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from umbrella.reports.models import BodyNotification, Contact, NotificationStatus
from umbrella.reports.tests.conftest import submit
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", ["body", "category", "routingrule", "guardterm", "report", "bodynotification"]
)
def test_every_list_opens(matrix, client, model):
    submit()
    sign_in(client, matrix.people.admin)
    response = client.get(reverse(f"admin:reports_{model}_changelist"))
    assert response.status_code == 200


def test_a_body_page_edits_its_contacts(matrix, client):
    sign_in(client, matrix.people.admin)
    response = client.get(reverse("admin:reports_body_change", args=[matrix.saint_josse.pk]))
    assert response.status_code == 200
    assert b"contacts-TOTAL_FORMS" in response.content


def test_the_report_page_never_shows_the_content(matrix, client):
    text = "Young women seem to be kept in the flat and never go out alone."
    report = submit(code="trafficking", description=text, email="me@example.org").report
    sign_in(client, matrix.people.admin)
    response = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assert response.status_code == 200
    assert b"kept in the flat" not in response.content
    assert b"example.org" not in response.content
    assert b"50.853" not in response.content


def test_send_again_requeues_a_failed_notification(matrix, client):
    Contact.objects.create(body=matrix.saint_josse, channel="email", endpoint="a@example.org")
    report = submit().report
    notification = BodyNotification.objects.get(report=report)
    BodyNotification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.FAILED, next_attempt_at=None
    )
    sign_in(client, matrix.people.admin)
    client.post(
        reverse("admin:reports_bodynotification_changelist"),
        {"action": "send_again", "_selected_action": [notification.pk]},
    )
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.next_attempt_at <= timezone.now()
