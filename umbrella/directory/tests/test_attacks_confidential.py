"""Issue 15, finding 2: no free-text field of a confidential location reaches the public.

Before the fix the HSDS export published a shelter's description, and a
confidential toilet's name and description were shown and searchable. The
test fills every text field of a confidential ``Location`` (found by
introspection, so a field added later is covered) with a marker of its own,
then reads every export, API answer, page and the search, as the public and
as people who may not see the place, and finds no marker; the people who may
see it still do where they should. The HSDS 3.0 export and every
``/api/hsds/`` answer are read the same way.
"""

import json

import pytest
from django.contrib.admin.sites import site
from django.db import models
from django.test import RequestFactory

from umbrella.accounts import actions as accounts_actions
from umbrella.directory import exports
from umbrella.directory.hsds import exports as hsds
from umbrella.directory.models import Category, ChangeLogEntry, Location
from umbrella.directory.queries import find_places
from umbrella.directory.tests import factories
from umbrella.testing import auth_header, sign_in

pytestmark = pytest.mark.django_db

POINT = (50.8560, 4.3700)  # Saint-Josse-ten-Noode
LANGS = ("nl", "fr", "en", "ro", "bg", "es", "pt")


def text_fields() -> list[models.Field]:
    """Every free-text column of a location: Char/Text fields without choices."""
    return [
        f
        for f in Location._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not f.choices
        and f.editable
        and f.name != "confidential"
    ]


def markers() -> dict[str, str]:
    out = {}
    for n, f in enumerate(text_fields()):
        # Short fields (the 4-character postcode) get a short marker.
        out[f.name] = f"QZ{n:02d}" if (f.max_length or 99) < 12 else f"zqmark{n:02d}{f.name}"
    return out


def test_the_walk_covers_the_fields_people_write():
    names = {f.name for f in text_fields()}
    for base in ("name", "description", "transportation"):
        assert {f"{base}_{lang}" for lang in ("nl", "fr", "en")} <= names
    assert {"address", "postcode"} <= names


@pytest.fixture
def confidential(personas):
    shelter_org = accounts_actions.ensure_organisation(
        "Shelter organisation (test)", "support_organisation"
    )
    org = factories.organization("Shelter", accounts_organisation=shelter_org)
    fields = {"confidential": True, **markers()}
    sal = factories.service(
        org, POINT, category=Category.HOUSING, name_en="Night shelter", location_fields=fields
    )
    toilet = factories.toilet(POINT, location_fields={**fields})
    member = accounts_actions.create_account("shelter-staff", "service_staff")
    accounts_actions.add_membership(member, shelter_org)
    return sal, toilet, member


def leaked(text: str) -> list[str]:
    return [marker for marker in markers().values() if marker.lower() in text.lower()]


def public_answers(client, sal, toilet) -> dict[str, str]:
    answers = {}
    for lang in LANGS:
        answers[f"api {lang}"] = client.get(f"/api/v1/places?lang={lang}")
        answers[f"list {lang}"] = client.get(f"/{lang}/directory/")
        answers[f"service {lang}"] = client.get(f"/{lang}/directory/place/service-{sal.pk}/")
        answers[f"toilet {lang}"] = client.get(f"/{lang}/directory/place/toilet-{toilet.pk}/")
    for export in ("hsds.json", "places.geojson", "places.csv"):
        # An HSDS 3.0 file holds one language: ``all`` is refused (400) there.
        for lang in (*LANGS, "all") if export != "hsds.json" else LANGS:
            answers[f"{export} {lang}"] = client.get(f"/en/directory/export/{export}?lang={lang}")
    answers.update(hsds_answers(client, sal, toilet))
    for kind in ("service", "toilet"):
        answers[f"api {kind}"] = client.get(f"/api/v1/places?kind={kind}&lat=50.85&lon=4.37")
        answers[f"map {kind}"] = client.get(f"/en/directory/?kind={kind}&lat=50.85&lon=4.37")
    for marker in markers().values():
        answers[f"q {marker}"] = client.get(f"/api/v1/places?q={marker}")
    texts = {}
    for name, response in answers.items():
        assert response.status_code in (200, 422), (name, response.status_code)
        texts[name] = response.content.decode()
    return texts


def hsds_answers(client, sal, toilet) -> dict:
    """Every /api/hsds/ answer that could hold the confidential location, in every language."""
    ids = {
        "service": hsds.hsds_id("service", sal.service_id),
        "service_at_location": hsds.hsds_id("service_at_location", sal.pk),
        "organization": hsds.hsds_id("organization", sal.service.organization_id),
    }
    answers = {}
    for lang in LANGS:
        for path in (
            "services?full=true",
            "service_at_locations",
            "organizations?full=true&full_service=true",
            f"services/{ids['service']}",
            f"service_at_locations/{ids['service_at_location']}",
            f"organizations/{ids['organization']}?full_service=true",
        ):
            sep = "&" if "?" in path else "?"
            answers[f"hsds {path} {lang}"] = client.get(f"/api/hsds/{path}{sep}lang={lang}")
    for marker in markers().values():
        for path in ("services", "service_at_locations", "organizations"):
            answers[f"hsds {path} q {marker}"] = client.get(f"/api/hsds/{path}?search={marker}")
    return answers


def test_no_marker_in_any_public_answer(client, confidential):
    sal, toilet, _ = confidential
    texts = public_answers(client, sal, toilet)
    assert {name: leaked(text) for name, text in texts.items() if leaked(text)} == {}
    # The places are listed all the same (by municipality), not dropped.
    features = json.loads(texts["api en"])["features"]
    ids = {f["id"] for f in features}
    assert {f"service-{sal.pk}", f"toilet-{toilet.pk}"} <= ids


def test_no_marker_for_signed_in_people_who_may_not_see_it(client, personas, confidential):
    sal, toilet, _ = confidential
    for person in (personas.worker, personas.police, personas.resident, personas.outsider):
        client.logout()
        sign_in(client, person)
        page = client.get(f"/en/directory/place/service-{sal.pk}/").content.decode()
        api = client.get("/api/v1/places", **auth_header(person)).content.decode()
        assert leaked(page) == [] and leaked(api) == [], person.username


def test_exports_and_search_in_process(confidential):
    for lang in LANGS:
        assert leaked(exports.dumps(hsds.document(lang))) == [], lang
    for lang in LANGS:
        assert leaked(exports.dumps(exports.geojson(lang))) == [], lang
        assert leaked(exports.csv_text(lang)) == [], lang
    for marker in markers().values():
        for kind in ("service", "toilet"):
            found = find_places(kind, text=marker, user=None)
            assert found == [], (kind, marker)


def test_no_answer_gives_the_toilet_texts_of_a_confidential_location(client, confidential):
    # A confidential toilet's notice and manager's name are written about the
    # place, and its source id (an OpenStreetMap node id) is a position: no
    # public answer, export, page or search gives them (the places API and
    # pages did until the HSDS work found it).
    sal, toilet, _ = confidential
    secrets = {
        "notice_nl": "zqfacnotice_nl",
        "notice_fr": "zqfacnotice_fr",
        "notice_en": "zqfacnotice_en",
        "manager_name": "zqfacmanager",
        "source_id": "node/zqfacsource",
    }
    for name, value in secrets.items():
        setattr(toilet, name, value)
    toilet.source = "osm"
    toilet.save()
    texts = [exports.dumps(hsds.document(lang)) for lang in LANGS]
    texts += list(public_answers(client, sal, toilet).values())
    for secret in secrets.values():
        texts.append(client.get("/api/v1/places", {"q": secret}).content.decode())
        assert find_places("toilet", text=secret, user=None) == [], secret
    assert not [v for text in texts for v in secrets.values() if v in text]
    # The same fields of a toilet that is not confidential are published.
    toilet.location.confidential = False
    toilet.location.save()
    text = exports.dumps(hsds.document("en"))
    assert all(secrets[k] in text for k in ("notice_en", "manager_name", "source_id"))
    page = client.get(f"/en/directory/place/toilet-{toilet.pk}/").content.decode()
    assert secrets["notice_en"] in page and secrets["manager_name"] in page
    assert [f.place.pk for f in find_places("toilet", text="zqfacmanager", user=None)] == [
        toilet.pk
    ]


def test_people_who_may_see_it_still_do(client, personas, confidential):
    sal, toilet, member = confidential
    mark = markers()
    for person in (personas.admin, personas.outreach, member):
        body = client.get("/api/v1/places?lang=en", **auth_header(person)).content.decode()
        for field in ("address", "name_en", "transportation_en"):
            assert mark[field] in body, (person.username, field)
    # The toilet belongs to no organisation: those who see every place find it.
    for person in (personas.admin, personas.outreach):
        toilets = find_places("toilet", text=mark["description_en"], user=person)
        assert [f.place.pk for f in toilets] == [toilet.pk], person.username
    assert find_places("toilet", text=mark["description_en"], user=member) == []


def test_the_change_log_shows_the_markers_only_to_whoever_may_see_them(personas, confidential):
    _, _, member = confidential
    outsider = accounts_actions.create_account("other-editor", "service_staff")
    other_org = accounts_actions.ensure_organisation("Other (test)", "support_organisation")
    accounts_actions.add_membership(outsider, other_org)
    admin = site._registry[ChangeLogEntry]

    def log_for(user) -> str:
        request = RequestFactory().get("/")
        request.user = user
        rows = admin.get_queryset(request).values_list("object_repr", "old_value", "new_value")
        return json.dumps(list(rows))

    assert leaked(log_for(outsider)) == []
    assert markers()["description_en"] in log_for(member)
    # The log never holds what the row encrypts, whoever reads it.
    for field in ("address", "postcode"):
        row = ChangeLogEntry.objects.filter(field=field, object_type="directory.location").first()
        assert row is not None and row.new_value == "(confidential)"
