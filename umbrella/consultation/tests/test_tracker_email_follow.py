"""The public follows a recommendation by e-mail: double opt-in, the address encrypted at rest,
an unsubscribe link in every e-mail, nothing kept that is not needed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from umbrella.consultation import seeds
from umbrella.consultation.following.actions import CONFIRM_WITHIN, follow, forget_unconfirmed
from umbrella.consultation.following.notices import send_due_notices
from umbrella.consultation.models import EmailFollower, Notice, Recommendation, TrackerStatus
from umbrella.consultation.tasks import send_tracker_notices
from umbrella.consultation.tests import factories as make
from umbrella.consultation.tracker.actions import update_recommendation

pytestmark = pytest.mark.django_db
ADDRESS = "someone@example.org"


@pytest.fixture
def rec(db):
    seeds.load()
    return Recommendation.objects.get(slug="public-toilets")


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def _ask(client, rec, address=ADDRESS, capture=None):
    with capture(execute=True):
        return client.post(
            reverse("consultation:recommendation_email_follow", args=[rec.slug]), {"email": address}
        )


def test_double_opt_in_then_updates_by_e_mail_with_a_way_out(
    client, rec, mailoutbox, django_capture_on_commit_callbacks
):
    response = _ask(client, rec, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    follower = EmailFollower.objects.get()
    assert follower.confirmed_at is None
    [mail] = mailoutbox
    assert mail.to == [ADDRESS]
    confirm, unsubscribe = _links(mail.body)
    assert "/e-mail/confirm/" in confirm and "/e-mail/stop/" in unsubscribe

    # Not confirmed yet: an update sends nothing.
    secretary = make.secretary()
    update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PREPARATION)
    assert not Notice.objects.exists()

    # Opening the link shows a button (a mail scanner's GET confirms nothing).
    path = confirm.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1" in confirm else confirm
    assert client.get(path).status_code == 200
    follower.refresh_from_db()
    assert follower.confirmed_at is None
    assert "Confirmed" in client.post(path).content.decode()
    follower.refresh_from_db()
    assert follower.confirmed_at is not None

    update_recommendation(rec, by=secretary, status=TrackerStatus.IN_PROGRESS, note="Works start")
    assert send_due_notices(timezone.now()) == 1
    update_mail = mailoutbox[-1]
    assert update_mail.to == [ADDRESS]
    assert "Status: In preparation → In progress." in update_mail.body
    assert "Works start" in update_mail.body
    stop = next(link for link in _links(update_mail.body) if "/e-mail/stop/" in link)
    stop_path = stop.split("127.0.0.1:8000", 1)[-1]
    assert client.get(stop_path).status_code == 200
    assert EmailFollower.objects.exists()
    assert "no more e-mails" in client.post(stop_path).content.decode()
    assert not EmailFollower.objects.exists()


def test_the_address_is_encrypted_at_rest(client, rec, django_capture_on_commit_callbacks):
    _ask(client, rec, capture=django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, address_digest FROM consultation_emailfollower")
        stored, digest = cursor.fetchone()
    assert ADDRESS not in stored and "example.org" not in stored
    assert ADDRESS not in digest
    assert EmailFollower.objects.get().address == ADDRESS


def test_asking_twice_keeps_one_row_and_tells_nobody_who_follows(
    client, rec, mailoutbox, django_capture_on_commit_callbacks
):
    first = _ask(client, rec, capture=django_capture_on_commit_callbacks)
    second = _ask(client, rec, "SomeOne@Example.org ", capture=django_capture_on_commit_callbacks)
    assert EmailFollower.objects.count() == 1
    assert first.status_code == second.status_code == 200
    assert "Check your e-mail" in second.content.decode()
    assert len(mailoutbox) == 2  # a fresh confirmation link, still one row


def test_a_bad_address_is_refused_and_kept_in_the_form(client, rec):
    response = client.post(
        reverse("consultation:recommendation_email_follow", args=[rec.slug]),
        {"email": "not-an-address"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This does not look like an e-mail address." in html
    assert 'value="not-an-address"' in html
    assert not EmailFollower.objects.exists()


def test_a_forged_or_expired_link_does_nothing(
    client, rec, django_capture_on_commit_callbacks, mailoutbox
):
    bad = reverse("consultation:recommendation_email_confirm", args=["forged"])
    assert client.post(bad).status_code == 404
    _ask(client, rec, capture=django_capture_on_commit_callbacks)
    confirm = _links(mailoutbox[-1].body)[0].split("127.0.0.1:8000", 1)[-1]
    with time_machine.travel(timezone.now() + CONFIRM_WITHIN + timedelta(minutes=1)):
        assert client.post(confirm).status_code == 404
    assert EmailFollower.objects.get().confirmed_at is None


def test_unconfirmed_requests_are_forgotten_after_seven_days(
    client, rec, django_capture_on_commit_callbacks
):
    _ask(client, rec, capture=django_capture_on_commit_callbacks)
    now = timezone.now()
    assert forget_unconfirmed(now + CONFIRM_WITHIN - timedelta(minutes=1)) == 0
    assert forget_unconfirmed(now + CONFIRM_WITHIN + timedelta(minutes=1)) == 1
    assert not EmailFollower.objects.exists()


def test_the_worker_task_sends_and_retries_failed_notices(rec, personas, mailoutbox, monkeypatch):

    staff = personas.staff
    staff.email = "staff@example.org"
    staff.save()
    follow(rec, staff)
    update_recommendation(rec, by=make.secretary(), status=TrackerStatus.IN_PROGRESS)
    notice = Notice.objects.get()

    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("umbrella.consultation.following.notices.send_mail", refuse)
    now = timezone.now()
    assert send_tracker_notices(now) is True
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("queued", 1)
    assert "SMTP down" in notice.last_error
    assert notice.due_at > now  # retried later, not at once
    monkeypatch.undo()
    assert send_tracker_notices(now) is False  # not due yet
    assert send_tracker_notices(notice.due_at) is True
    notice.refresh_from_db()
    assert notice.status == "sent" and len(mailoutbox) == 1
