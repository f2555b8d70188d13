"""Upkeep: the change log, the stale flag, organisations editing only their own entries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.directory import actions
from umbrella.directory.models import (
    ChangeLogEntry,
    Location,
    Organization,
    Service,
    stale_filter,
)
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
    # The change log: the editor reads their own entries' rows, read-only.
    log = client.get("/en/admin/directory/changelogentry/")
    assert log.status_code == 200
    assert entry in log.context["cl"].result_list


def test_organisation_choices_are_scoped(client, editor):
    user, mine, theirs = editor
    sign_in(client, user)
    page = client.get("/en/admin/directory/service/add/")
    choices = [str(o) for o in page.context["adminform"].form.fields["organization"].queryset]
    assert choices == ["Espace Test"]
    assert Organization.objects.count() == 2


def _logged_objects(response) -> set[tuple[str, str]]:
    return {(e.object_type, e.object_id) for e in response.context["cl"].result_list}


def test_editors_read_the_change_log_of_their_own_entries_only(client, editor, personas):
    user, mine, theirs = editor
    theirs.name_fr = "Pas pour vous"
    actions.save_entry(theirs, personas.admin)
    mine_sal = mine.service_at_locations.get()
    own = {
        ("directory.organization", str(mine.organization_id)),
        ("directory.service", str(mine.pk)),
        ("directory.location", str(mine_sal.location_id)),
    }
    sign_in(client, user)
    log = client.get("/en/admin/directory/changelogentry/", {"all": ""})
    assert log.status_code == 200
    assert _logged_objects(log) == own
    assert "Pas pour vous" not in log.content.decode()
    mine_entry = ChangeLogEntry.objects.filter(
        object_type="directory.service", object_id=str(mine.pk)
    ).first()
    their_entry = ChangeLogEntry.objects.get(
        object_type="directory.service", object_id=str(theirs.pk), field="name_fr"
    )
    page = client.get(f"/en/admin/directory/changelogentry/{mine_entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only: nothing to save
    other = client.get(f"/en/admin/directory/changelogentry/{their_entry.pk}/change/")
    assert other.status_code == 302  # not in their scope: back to the admin index
    assert (
        client.post(
            f"/en/admin/directory/changelogentry/{mine_entry.pk}/change/", {"field": "x"}
        ).status_code
        == 403
    )
    assert (
        client.get(f"/en/admin/directory/changelogentry/{mine_entry.pk}/delete/").status_code == 403
    )
    # Without the editors' permissions, no change log at all.
    sign_in(client, personas.staff)
    response = client.get("/en/admin/directory/changelogentry/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def _location_form(client, url: str) -> dict:
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    return {k: v for k, v in data.items() if v not in (None, False)}


def test_a_location_created_by_an_editor_belongs_to_their_organisation(client, editor):
    user, mine, theirs = editor
    sign_in(client, user)
    url = "/en/admin/directory/location/add/"
    data = {**_location_form(client, url), "name_en": "New door"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not Location.objects.filter(name_en="New door").exists()
    # Another organisation's is no choice either.
    response = client.post(url, {**data, "organization": theirs.organization_id})
    assert "organization" in response.context["adminform"].form.errors
    response = client.post(url, {**data, "organization": mine.organization_id})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Location.objects.get(name_en="New door")
    assert created.organization_id == mine.organization_id
    assert ChangeLogEntry.objects.filter(
        object_type="directory.location", object_id=str(created.pk), changed_by=user
    ).exists()


def test_a_superuser_may_still_create_a_location_without_organisation(client, db):
    from umbrella.accounts.models import User

    root = User.objects.create_superuser("root-directory", password="not-used-here-123")
    sign_in(client, root)
    url = "/en/admin/directory/location/add/"
    form = client.get(url).context["adminform"].form
    assert form.fields["organization"].required is False
