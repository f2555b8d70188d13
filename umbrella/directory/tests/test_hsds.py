"""HSDS 3.0 export: every object of every file validates against Open Referral's schemas.

See ``hsds_validation.py`` for the schemas and how they are read; the API's
answers are checked the same way in ``test_hsds_api.py``.
"""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from umbrella.directory.hsds import exports as hsds
from umbrella.directory.tests import factories
from umbrella.directory.tests.hsds_validation import (
    CONTENT,
    TABLES,
    attributes_of,
    build_directory,
    by_id,
    document_problems,
    problems,
)

pytestmark = pytest.mark.django_db


def test_the_schemas_resolve_their_refs_and_catch_the_old_shape():
    # The shape before issue 16: text per language, small integer ids, null coordinates.
    old = {"id": "3", "location_type": "physical", "name": {"en": "x"}, "latitude": None}
    errors = problems("location.json", [old])
    assert any("is not a 'uuid'" in e for e in errors)
    assert any("is not of type 'string'" in e for e in errors)
    assert any("None is not of type 'number'" in e for e in errors)
    # A $ref into another file is followed: a bad nested attribute is caught.
    bad_attribute = {
        "id": str(uuid.uuid4()),
        "location_type": "physical",
        "attributes": [{"id": "x"}],
    }
    assert problems("location.json", [bad_attribute])
    assert problems("service.json", [{"id": str(uuid.uuid4()), "name": "n", "status": "open"}])


@pytest.fixture
def directory(db):
    return build_directory()


# -- the export -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", [*CONTENT, "ro"])
def test_every_exported_object_validates(directory, lang):
    body = hsds.document(lang)
    assert body["hsds_version"] == "3.0" and body["language"] == lang
    assert {t: len(body[t]) for t in TABLES} == {
        "organizations": 2,
        "services": 3,
        "locations": 4,
        "service_at_locations": 3,
    }
    assert document_problems(body) == []


def test_text_is_in_the_file_language_with_the_usual_fallback(directory):
    sid = hsds.hsds_id("service", directory["clinic"].service_id)
    names = {lang: by_id(hsds.document(lang)["services"])[sid]["name"] for lang in CONTENT}
    assert names == {"nl": "Kliniek", "fr": "Clinique", "en": "Clinic"}
    # No Dutch description: Dutch falls back on French, as on the pages.
    oid = hsds.hsds_id("organization", directory["org"].pk)
    assert by_id(hsds.document("nl")["organizations"])[oid]["description"] == "Clinique"


def test_the_fields_keep_what_the_old_export_said(directory):
    body = hsds.document("en")
    clinic = directory["clinic"]
    service = by_id(body["services"])[hsds.hsds_id("service", clinic.service_id)]
    assert service["status"] == "active"
    assert service["alert"] == "Closed on Friday afternoon"
    assert service["assured_date"] == "2025-03-01"
    assert "email" not in service  # empty: left out, not ""
    assert [(x["code"], x["name"]) for x in service["languages"]] == [
        ("bg", "Bulgarian"),
        ("ro", "Romanian"),
    ]
    assert [p["number"] for p in service["phones"]] == ["+32 2 000 00 02"]
    facts = attributes_of(service)
    assert facts["health_testing"] is None  # the category is a term, without value
    assert facts["no_papers_needed"] == "yes" and facts["anonymous"] == "no"
    assert facts["gender_focus"] == "everyone" and facts["to_verify"] == "yes"
    org = by_id(body["organizations"])[service["organization_id"]]
    assert org["website"] == "https://clinic.example.org/"
    assert org["phones"][0]["description"] == "Desk"

    sal = by_id(body["service_at_locations"])[hsds.hsds_id("service_at_location", clinic.pk)]
    assert sal["service_id"] == service["id"]
    weekly = [s for s in sal["schedules"] if "valid_from" not in s]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in weekly] == [
        ("MO", "09:00", "17:00"),
        ("FR", "22:00", "06:00"),  # closes the next day
    ]
    assert {s["freq"] for s in weekly} == {"WEEKLY"}
    exceptions = [s for s in sal["schedules"] if "valid_from" in s]
    assert [(s["valid_from"], s["valid_to"], attributes_of(s)["closed"]) for s in exceptions] == [
        ("2025-12-24", "2025-12-26", "yes"),
        ("2025-12-31", "2025-12-31", "no"),
    ]
    assert exceptions[1]["opens_at"] == "10:00" and exceptions[1]["byday"] == hsds.EVERY_DAY

    location = by_id(body["locations"])[sal["location_id"]]
    assert location["addresses"][0]["address_1"] == "Rue du Nord 1"
    assert location["addresses"][0]["city"] == "Schaerbeek"
    assert location["transportation"] == "Métro Rogier"  # English falls back on French
    assert location["accessibility"][0]["description"] == "Wheelchair accessible"
    assert attributes_of(location)["21015"] == "21015"  # Schaerbeek's NIS code
    assert round(location["latitude"], 4) == factories.NORTH_STATION[0]

    toilet = by_id(body["locations"])[hsds.hsds_id("location", directory["toilet"].location_id)]
    facts = attributes_of(toilet)
    assert facts["free"] == "yes" and facts["baby_change"] == "no" and facts["kind"] == "toilet"
    assert facts["manager_name"] == "Ville de Bruxelles"
    assert facts["notice"] == "Fermé pour travaux le lundi"
    assert (toilet["external_identifier_type"], toilet["external_identifier"]) == (
        "osm",
        "node/123",
    )
    assert len([s for s in toilet["schedules"] if s["location_id"] == toilet["id"]]) == 7
    assert all(s["description"] == "Open 24 hours" for s in toilet["schedules"])

    helpline = by_id(body["locations"])[hsds.hsds_id("location", directory["helpline"].location_id)]
    assert helpline["location_type"] == "virtual"
    assert "latitude" not in helpline and "addresses" not in helpline
    # A service no longer offered is not published.
    assert hsds.hsds_id("service", directory["gone"].service_id) not in by_id(body["services"])


def test_term_names_are_in_the_file_language(directory):
    sid = hsds.hsds_id("service", directory["clinic"].service_id)
    service = by_id(hsds.document("fr")["services"])[sid]
    names = {a["taxonomy_term"]["code"]: a["taxonomy_term"]["name"] for a in service["attributes"]}
    assert names["free"] == "Gratuit"
    assert names["health_testing"] == "Dépistage santé et IST"


def test_confidential_location_keeps_only_type_areas_and_hours(directory):
    body = hsds.document("en")
    lid = hsds.hsds_id("location", directory["shelter"].location_id)
    shelter = by_id(body["locations"])[lid]
    withheld = {"name", "description", "transportation", "latitude", "longitude", "addresses"}
    assert withheld.isdisjoint(shelter)
    assert "accessibility" not in shelter and "external_identifier" not in shelter
    facts = attributes_of(shelter)
    assert facts["confidential"] == "yes"
    assert facts["21014"] == "21014"  # Saint-Josse-ten-Noode, by municipality only
    assert "neighbourhood" not in {a["link_type"] for a in shelter["attributes"]}
    text = json.dumps(body)
    for secret in ("Secret street", "Secret house", "hidden stop", "50.855"):
        assert secret not in text


def test_ids_are_stable_uuids(directory):
    first = hsds.document("en")
    factories.service(None, factories.UCCLE, name_en="Added later")
    second = hsds.document("fr")
    for table in TABLES:
        before = {item["id"] for item in first[table]}
        after = {item["id"] for item in second[table]}
        assert before <= after, table
        assert all(uuid.UUID(i).version == 5 for i in after)
    # A row's id is its kind and key: the same row, the same id, in any file.
    assert hsds.hsds_id("service", 7) == hsds.hsds_id("service", 7)
    assert hsds.hsds_id("service", 7) != hsds.hsds_id("location", 7)
    every = [i["id"] for t in TABLES for i in second[t]]
    assert len(every) == len(set(every))


# -- the command and the web route ------------------------------------------------------


def test_command_writes_one_valid_file_per_content_language(directory, tmp_path):
    out = StringIO()
    call_command("export_directory", "--format", "hsds", "-o", str(tmp_path / "hsds"), stdout=out)
    files = sorted((tmp_path / "hsds").iterdir())
    assert [f.name for f in files] == [
        "umbrella-hsds-en.json",
        "umbrella-hsds-fr.json",
        "umbrella-hsds-nl.json",
    ]
    ids = []
    for path in files:
        body = json.loads(path.read_text())
        assert document_problems(body) == [], path.name
        ids.append([item["id"] for t in TABLES for item in body[t]])
    assert ids[0] == ids[1] == ids[2]
    target = tmp_path / "nl.json"
    call_command("export_directory", "--format", "hsds", "--lang", "nl", "-o", str(target))
    body = json.loads(target.read_text())
    assert "Kliniek" in {s["name"] for s in body["services"]}
    assert [i["id"] for t in TABLES for i in body[t]] == ids[0]


def test_command_refuses_hsds_without_a_language_or_a_directory(directory, tmp_path):
    with pytest.raises(CommandError, match="--lang"):
        call_command("export_directory", "--format", "hsds")
    a_file = tmp_path / "file.json"
    a_file.write_text("{}")
    with pytest.raises(CommandError, match="directory"):
        call_command("export_directory", "--format", "hsds", "-o", str(a_file))


def test_web_export_is_the_same_hsds_in_the_page_language(client, directory):
    response = client.get("/fr/directory/export/hsds.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Language"] == "fr"
    body = response.json()
    assert body["language"] == "fr" and document_problems(body) == []
    assert "Clinique" in {s["name"] for s in body["services"]}
    nl = client.get("/fr/directory/export/hsds.json", {"lang": "nl"}).json()
    assert nl["language"] == "nl" and "Kliniek" in {s["name"] for s in nl["services"]}
    for lang in ("all", "xx"):
        refused = client.get("/fr/directory/export/hsds.json", {"lang": lang})
        assert refused.status_code == 400 and refused.json()["detail"]
