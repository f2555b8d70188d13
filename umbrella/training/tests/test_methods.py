"""A page asked for with a method it does not take answers 405 with a translated sentence;
the "start the quiz" address reached by GET (back from signing in) shows the module."""

from __future__ import annotations

import pytest

from umbrella.testing import sign_in
from umbrella.training.models import Attempt
from umbrella.training.tests import feedback_factories as make
from umbrella.training.tests.factories import make_course


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/{lang}/training/feedback/"),
        ("post", "/{lang}/training/feedback/thanks/"),
        ("put", "/{lang}/training/feedback/service/{service}/"),
        ("delete", "/{lang}/training/feedback/service/{service}/"),
    ],
)
def test_a_method_a_page_does_not_take_gets_a_sentence(client, method, path):
    service = make.service()
    url = path.format(lang="nl", service=service.pk)
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    body = response.content.decode()
    assert "Deze pagina kan dat niet" in body
    response = getattr(client, method)(path.format(lang="bg", service=service.pk))
    assert response.status_code == 405
    assert 'lang="bg"' in response.content.decode()


@pytest.mark.django_db
def test_the_pages_for_signed_in_people_answer_405_with_a_sentence(client, platform_admin):
    sign_in(client, platform_admin)
    response = client.post("/fr/training/feedback/organisation/")
    assert response.status_code == 405
    assert "Cette page ne peut pas faire cela" in response.content.decode()
    response = client.put("/en/training/feedback/moderation/")
    assert response.status_code == 405
    assert "This page cannot do that" in response.content.decode()


@pytest.mark.django_db
def test_the_quiz_start_address_by_get_shows_the_module(client, staff):
    course = make_course(modules=1, questions=6, per_quiz=5)
    module = course.modules.get()
    url = f"/nl/training/courses/{course.slug}/{module.slug}/quiz/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sign_in(client, staff)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/nl/training/courses/{course.slug}/{module.slug}/"
    assert not Attempt.objects.filter(module=module).exists()


@pytest.mark.django_db
def test_a_page_not_found_or_not_yours_answers_with_a_translated_sentence(client, staff, worker):
    response = client.get("/bg/training/feedback/service/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Тази страница не съществува" in body and 'lang="bg"' in body
    sign_in(client, staff)
    organisation = staff.memberships.get().organisation  # a member, not a manager
    response = client.get(f"/nl/training/organisations/{organisation.pk}/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()
    response = client.get("/fr/training/invitations/no-such-token/")
    assert response.status_code == 404
    assert "Cette page n’existe pas" in response.content.decode()
    client.logout()
    sign_in(client, worker)
    response = client.get("/en/training/feedback/moderation/")
    assert response.status_code == 403
    assert "Your account does not give access to this page." in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
