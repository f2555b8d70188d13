"""Moderation of the free texts (audited reads) and the organisation's own feedback page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission

from umbrella.accounts.models import Organisation
from umbrella.core.audit import reads_of
from umbrella.testing import sign_in
from umbrella.training.feedback.queries import is_moderator, week_of
from umbrella.training.models import ServiceFeedback, TextStatus
from umbrella.training.tests import feedback_factories as make

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=BRUSSELS)
LAST_WEEK = week_of(NOW) - timedelta(weeks=1)
MODERATION = "/en/training/feedback/moderation/"
ORGANISATION = "/en/training/feedback/organisation/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _pending(service, text="They called me by my working name, fine."):
    (feedback,) = make.answers(service, LAST_WEEK, 1, text=text, text_status=TextStatus.PENDING)
    return feedback


def test_only_moderators_open_the_queue(client, personas):
    for person in (personas.worker, personas.staff, personas.municipality):
        sign_in(client, person)
        assert client.get(MODERATION).status_code == 403
    client.logout()
    assert client.get(MODERATION).status_code == 302  # to sign in


def test_a_staff_role_with_the_permission_moderates_a_sex_worker_account_cannot(personas):
    permission = Permission.objects.get(codename="moderate_feedback")
    personas.outreach.user_permissions.add(permission)
    personas.worker.user_permissions.add(permission)
    assert is_moderator(personas.admin)
    assert is_moderator(type(personas.outreach).objects.get(pk=personas.outreach.pk))
    assert not is_moderator(type(personas.worker).objects.get(pk=personas.worker.pk))


def test_the_moderator_reads_approves_and_rejects_and_each_read_is_audited(client, personas):
    service = make.service()
    keep, erase = _pending(service), _pending(service, "Call me on +32 470 00 00 00")
    sign_in(client, personas.admin)
    response = client.get(MODERATION)
    body = response.content.decode()
    assert response.status_code == 200
    assert "working name" in body and "+32 470" in body
    assert [e.actor for e in reads_of(keep)] == [personas.admin]
    assert reads_of(erase).count() == 1

    assert client.post(MODERATION, {"id": keep.pk, "decision": "approve"}).status_code == 302
    assert client.post(MODERATION, {"id": erase.pk, "decision": "reject"}).status_code == 302
    keep.refresh_from_db()
    erase.refresh_from_db()
    assert keep.text_status == TextStatus.APPROVED
    assert (erase.text_status, erase.text) == (TextStatus.REJECTED, "")
    # The answers of the rejected one stay.
    assert ServiceFeedback.objects.count() == 2


def test_a_bad_decision_or_id_is_refused_with_a_sentence(client, personas):
    feedback = _pending(make.service())
    sign_in(client, personas.admin)
    response = client.post(MODERATION, {"id": feedback.pk, "decision": "publish"})
    assert response.status_code == 400
    assert "approve or to reject" in response.content.decode()
    assert client.post(MODERATION, {"id": "not-a-uuid", "decision": "approve"}).status_code == 404
    feedback.refresh_from_db()
    assert feedback.text_status == TextStatus.PENDING


def _cpas_service(personas):
    cpas = Organisation.objects.get(name="OCMW/CPAS Saint-Josse (test)")
    return make.service(cpas, name_en="Social desk Saint-Josse")


def test_the_organisation_sees_its_own_figures_from_5_answers_and_approved_texts(client, personas):
    mine = _cpas_service(personas)
    theirs = make.service(make.accounts_organisation(), name_en="Someone else's desk")
    make.answers(theirs, LAST_WEEK, 9)
    make.answers(mine, LAST_WEEK, 4)
    approved = make.answers(mine, LAST_WEEK, 1, text="Kind staff.", text_status=TextStatus.APPROVED)
    make.answers(mine, LAST_WEEK, 1, text="Not yet moderated", text_status=TextStatus.PENDING)
    make.answers(mine, week_of(NOW), 3, respect="no")  # this week: not yet counted
    sign_in(client, personas.staff)
    body = client.get(ORGANISATION).content.decode()
    assert "Social desk Saint-Josse" in body
    assert "Someone else" not in body
    assert "6 answers." in body
    assert "Kind staff." in body and "Not yet moderated" not in body
    assert [e.actor for e in reads_of(approved[0])] == [personas.staff]


def test_below_5_answers_the_organisation_sees_no_figure_and_no_text(client, personas):
    mine = _cpas_service(personas)
    make.answers(mine, LAST_WEEK, 3)
    make.answers(mine, LAST_WEEK, 1, respect="no", text="Rude.", text_status=TextStatus.APPROVED)
    sign_in(client, personas.staff)
    body = client.get(ORGANISATION).content.decode()
    assert "Not enough answers yet" in body
    assert "Rude." not in body
    assert "4 answers" not in body


def test_people_outside_the_organisation_see_nothing_of_it(client, personas):
    mine = _cpas_service(personas)
    make.answers(mine, LAST_WEEK, 8, text="Secret", text_status=TextStatus.APPROVED)
    for person in (personas.municipality, personas.police, personas.outreach):
        sign_in(client, person)
        body = client.get(ORGANISATION).content.decode()
        assert "Social desk Saint-Josse" not in body and "Secret" not in body
    sign_in(client, personas.worker)
    assert client.get(ORGANISATION).status_code == 403


def test_staff_must_have_passed_two_step_verification(client, personas):
    client.force_login(personas.staff)  # no second step
    response = client.get(ORGANISATION)
    assert response.status_code == 302
    assert "/accounts/two-step/" in response["Location"]


def test_the_admin_lists_answers_without_the_free_text(client, personas):
    feedback = _pending(make.service(), "A text only moderators read")
    sign_in(client, personas.admin)
    listing = client.get("/en/admin/training/servicefeedback/")
    assert listing.status_code == 200
    detail = client.get(f"/en/admin/training/servicefeedback/{feedback.pk}/change/")
    assert detail.status_code == 200
    for response in (listing, detail):
        assert "A text only moderators read" not in response.content.decode()
    assert reads_of(feedback).count() == 0
