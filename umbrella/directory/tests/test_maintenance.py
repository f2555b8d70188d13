"""Upkeep: the change log, the stale flag, organisations editing only their own entries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.directory import actions
from umbrella.directory.models import ChangeLogEntry, Organization, Service, stale_filter
from umbrella.directory.queries import find_places
from umbrella.directory.tests import factories
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


def test_every_changed_field_is_logged_with_author_and_values(personas):
    org = factories.organization("Espace Test")
    service = Service(organization=org, category="legal_aid", name_en="Advice")
    actions.save_entry(service, personas.admin)
    created = {e.field: e for e in actions.history(service)}
    assert created["name_en"].old_value == "" and created["name_en"].new_value == "Advice"
    service.name_fr = "Conseil"
    service.free = True
    entries = actions.save_entry(service, personas.admin)
    assert {(e.field, e.old_value, e.new_value) for e in entries} == {
        ("name_fr", "", "Conseil"),
        ("free", "False", "True"),
    }
    assert all(e.changed_by == personas.admin for e in entries)
    # Saving without a change writes nothing.
    assert actions.save_entry(service, personas.admin) == []
    actions.delete_entry(service, personas.admin)
    assert ChangeLogEntry.objects.filter(field="(deleted)", object_repr__contains="Advice").exists()


def test_stale_after_six_months_without_verification(personas):
    today = date(2026, 12, 1)
    sal = factories.service()
    service = sal.service
    assert service.is_stale(today)  # never verified
    actions.mark_verified(service, personas.admin, today - timedelta(days=183))
    location = sal.location
    actions.mark_verified(location, personas.admin, today - timedelta(days=10))
    assert not service.is_stale(today)
    assert service.is_stale(today + timedelta(days=1))
    assert not service.to_verify
    assert Service.objects.filter(stale_filter(today + timedelta(days=1))).count() == 1
    assert Service.objects.filter(stale_filter(today)).count() == 0
    [found] = find_places("service")
    assert found.feature("en", today)["properties"]["stale"] is False
    assert found.feature("en", today + timedelta(days=1))["properties"]["stale"] is True


@pytest.fixture
def editor(personas):
    """A staff member of Espace Test, given admin access to the directory."""
    own = accounts_actions.ensure_organisation("Espace Test (accounts)", "support_organisation")
    user = accounts_actions.create_account("espace-editor", "service_staff")
    accounts_actions.add_membership(user, own)
    actions.grant_editor(user)
    mine = factories.organization("Espace Test", accounts_organisation=own)
    theirs = factories.organization("Another organisation")
    return user, factories.service(mine).service, factories.service(theirs).service


def test_staff_edit_their_own_entries_only_and_each_save_is_logged(client, editor):
    user, mine, theirs = editor
    sign_in(client, user)
    listing = client.get("/en/admin/directory/service/")
    assert listing.status_code == 200
    assert mine.name_en in listing.content.decode()
    assert theirs.name_en not in listing.content.decode()
    assert client.get(f"/en/admin/directory/service/{theirs.pk}/change/").status_code == 302
    page = client.get(f"/en/admin/directory/service/{mine.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data = {k: v for k, v in data.items() if v is not False}
    data.update(
        {
            "organization": mine.organization_id,
            "name_fr": "Nom corrigé",
            "languages-TOTAL_FORMS": "0",
            "languages-INITIAL_FORMS": "0",
            "phones-TOTAL_FORMS": "0",
            "phones-INITIAL_FORMS": "0",
        }
    )
    response = client.post(f"/en/admin/directory/service/{mine.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ChangeLogEntry.objects.get(object_id=str(mine.pk), field="name_fr")
    assert entry.new_value == "Nom corrigé" and entry.changed_by == user
    assert entry.changed_at <= timezone.now()
    # The change log itself is for platform administrators only.
    assert client.get("/en/admin/directory/changelogentry/").status_code == 403


def test_organisation_choices_are_scoped(client, editor):
    user, mine, theirs = editor
    sign_in(client, user)
    page = client.get("/en/admin/directory/service/add/")
    choices = [str(o) for o in page.context["adminform"].form.fields["organization"].queryset]
    assert choices == ["Espace Test"]
    assert Organization.objects.count() == 2
