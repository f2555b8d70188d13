"""Open311 GeoReport v2 conformance, against the spec's own sample requests and responses.

The samples are those of https://wiki.open311.org/GeoReport_v2 (written here
from the spec, the tests have no network): the same query parameters are
sent, and each answer must have exactly the keys (or XML elements) of the
spec's sample response.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 -- parsing our own responses
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from umbrella.reports import actions
from umbrella.reports.models import Report, ReportPhoto, ReportStatus
from umbrella.reports.tests.conftest import ANTWERP, SAINT_JOSSE, SCHAERBEEK, image_upload, submit

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"

# The keys of the spec's sample responses.
SAMPLE_SERVICE = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
SAMPLE_ATTRIBUTE = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
SAMPLE_REQUEST = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
SAMPLE_POST_ANSWER = {"service_request_id", "service_notice", "account_id"}
SAMPLE_DISCOVERY = {"changeset", "contact", "key_service", "endpoints"}
SAMPLE_ENDPOINT = {"specification", "url", "changeset", "type", "formats"}


def test_discovery(matrix, client):
    response = client.get(f"{BASE}/discovery.json")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == SAMPLE_DISCOVERY
    endpoint = data["endpoints"][0]
    assert set(endpoint) == SAMPLE_ENDPOINT
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


def test_services_sample_request(matrix, client):
    # Spec: GET services.xml?jurisdiction_id=city.gov (and the same in JSON).
    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": "city.gov"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    services = response.json()
    assert all(set(s) == SAMPLE_SERVICE for s in services)
    codes = [s["service_code"] for s in services]
    assert "litter" in codes and "drug-dealing" in codes
    assert "trafficking" not in codes and "sex-worker-harassment" not in codes
    litter = next(s for s in services if s["service_code"] == "litter")
    assert litter["service_name"] == "Litter or dumped rubbish"
    assert litter["metadata"] is True and litter["type"] == "realtime"
    assert litter["group"] == "Cleanliness"


def test_services_in_xml_have_the_spec_elements(matrix, client):
    response = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "city.gov"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "services"
    first = root.find("service")
    assert {child.tag for child in first} == SAMPLE_SERVICE
    assert first.findtext("metadata") == "true"


def test_services_in_the_requested_locale(matrix, client):
    services = client.get(f"{BASE}/services.json", {"locale": "fr"}).json()
    litter = next(s for s in services if s["service_code"] == "litter")
    assert litter["service_name"] == "Déchets ou dépôt clandestin"


def test_service_definition_sample_request(matrix, client):
    response = client.get(f"{BASE}/services/litter.json", {"jurisdiction_id": "city.gov"})
    assert response.status_code == 200
    definition = response.json()
    assert set(definition) == {"service_code", "attributes"}
    assert definition["service_code"] == "litter"
    attribute = definition["attributes"][0]
    assert set(attribute) == SAMPLE_ATTRIBUTE
    assert attribute["code"] == "reporter_kind" and attribute["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attribute["values"]} >= {"resident", "merchant", "sex_worker"}
    xml = ET.fromstring(client.get(f"{BASE}/services/litter.xml").content)  # noqa: S314
    assert xml.tag == "service_definition"
    assert xml.find("attributes/attribute/values/value/key") is not None


def test_a_confidential_or_unknown_service_does_not_exist(matrix, client):
    for code in ("trafficking", "no-such-thing"):
        response = client.get(f"{BASE}/services/{code}.json")
        assert response.status_code == 404
        assert response.json()[0]["code"] == 404


def test_post_service_request_sample(matrix, client):
    # The spec's sample POST, with every parameter it lists; point and text ours.
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": "xyz",
            "jurisdiction_id": "city.gov",
            "service_code": "litter",
            "lat": SAINT_JOSSE[0],
            "long": SAINT_JOSSE[1],
            "address_string": "1234 5th street",
            "email": "smit222@sfgov.edu",
            "device_id": "tt222111",
            "account_id": "123456",
            "first_name": "john",
            "last_name": "smith",
            "phone": "111111111",
            "description": "Bags of rubbish left on the pavement.",
            "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
            "attribute[reporter_kind]": "merchant",
        },
    )
    assert response.status_code == 201
    answer = response.json()
    assert len(answer) == 1
    assert set(answer[0]) >= SAMPLE_POST_ANSWER
    report = Report.objects.get(public_id=answer[0]["service_request_id"])
    assert report.source == "open311" and report.reporter_kind == "merchant"
    assert report.email == "smit222@sfgov.edu"
    assert report.body.code == "municipality-21014"
    assert "Saint-Josse" in answer[0]["service_notice"]
    assert "/follow-up/" in answer[0]["follow_up_url"]
    # Names are not kept: nothing of "john smith" is stored.
    assert "smith" not in str(Report.objects.filter(pk=report.pk).values().get())


@pytest.mark.parametrize("description", [None, "", "   "])
def test_post_without_a_description_creates_the_request(matrix, client, description):
    # GeoReport v2: description is optional; service_code and the point say enough.
    data = {
        "service_code": "litter",
        "lat": SAINT_JOSSE[0],
        "long": SAINT_JOSSE[1],
        "attribute[reporter_kind]": "resident",
    }
    if description is not None:
        data["description"] = description
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 201
    answer = response.json()
    assert set(answer[0]) >= SAMPLE_POST_ANSWER
    report = Report.objects.get(public_id=answer[0]["service_request_id"])
    assert report.description == ""
    assert (report.category.code, report.source, report.reporter_kind) == (
        "litter",
        "open311",
        "resident",
    )
    assert report.body.code == "municipality-21014"
    # And it is listed like any other public request.
    listed = client.get(f"{BASE}/requests/{report.public_id}.json")
    assert listed.status_code == 200
    assert listed.json()[0]["service_code"] == "litter"
    # Her follow-up page shows no empty quote of "what you wrote".
    page = client.get(urlsplit(answer[0]["follow_up_url"]).path, follow=True)
    assert page.status_code == 200
    assert 'class="reports-description"' not in page.content.decode()


def test_post_without_a_description_in_xml(matrix, client):
    response = client.post(
        f"{BASE}/requests.xml",
        {"service_code": "litter", "lat": SAINT_JOSSE[0], "long": SAINT_JOSSE[1]},
    )
    assert response.status_code == 201
    root = ET.fromstring(response.content)  # noqa: S314
    request_id = root.find("request").findtext("service_request_id")
    assert Report.objects.get(public_id=request_id).description == ""


def test_the_site_form_still_asks_for_a_description(matrix):
    # Only Open311 makes it optional: the site's form and its API keep their rule.
    with pytest.raises(actions.ReportInvalid) as refused:
        submit(code="litter", description="")
    assert "few words" in str(refused.value.errors["description"][0])


def test_post_with_a_photo_file(matrix, client):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "service_code": "litter",
            "lat": SAINT_JOSSE[0],
            "long": SAINT_JOSSE[1],
            "description": "Rubbish, see the photo.",
            "media": image_upload(),
        },
    )
    assert response.status_code == 201
    report = Report.objects.get(public_id=response.json()[0]["service_request_id"])
    assert ReportPhoto.objects.get(report=report).width == 1600


def test_post_asking_for_the_police_through_the_attribute(matrix, client):
    definition = client.get(f"{BASE}/services/drug-dealing.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["reporter_kind"]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"lat": ANTWERP[0], "long": ANTWERP[1]}, 400, "Brussels-Capital Region"),
        ({"lat": "", "long": ""}, 400, "lat and long"),
        ({"lat": "north", "long": "4.3"}, 400, "numbers"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "trafficking"}, 404, "trafficking"),
        ({"description": "x" * 5001}, 400, "5000 characters"),
    ],
)
def test_post_errors_are_a_list_of_code_and_description(matrix, client, params, status, words):
    data = {
        "service_code": "litter",
        "lat": SAINT_JOSSE[0],
        "long": SAINT_JOSSE[1],
        "description": "Bags of rubbish.",
    }
    data.update(params)
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == status
    errors = response.json()
    assert isinstance(errors, list) and set(errors[0]) == {"code", "description"}
    assert errors[0]["code"] == status
    assert words in " ".join(e["description"] for e in errors)
    assert not Report.objects.exists()


def test_errors_in_xml_follow_the_spec(matrix, client):
    response = client.post(f"{BASE}/requests.xml", {"service_code": "litter"})
    assert response.status_code == 400
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "errors"
    error = root.find("error")
    assert error.findtext("code") == "400" and error.findtext("description")


def test_an_unknown_format_answers_a_spec_error_in_json(matrix, client):
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 400
    assert "json" in response.json()[0]["description"]


def test_the_rate_limit_answers_429(matrix, client, settings):
    settings.REPORTS_PER_CLIENT_PER_HOUR = 1
    data = {"service_code": "noise", "lat": 50.853, "long": 4.369, "description": "Loud music."}
    assert client.post(f"{BASE}/requests.json", data).status_code == 201
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 429 and response.json()[0]["code"] == 429


def test_get_service_requests_sample(matrix, client):
    now = timezone.now()
    open_report = submit(now=now - timedelta(days=3)).report
    closed = submit(code="noise", description="Loud music.", now=now - timedelta(days=2)).report
    actions.post_update(
        closed,
        author=matrix.people.municipality,
        text="Same as another.",
        new_status=ReportStatus.CLOSED,
        close_reason="duplicate",
    )
    submit(code="trafficking", description="A girl seems to be forced to work here.")
    # Spec: requests.xml?start_date=…&end_date=…&status=open
    params = {
        "start_date": (now - timedelta(days=10)).isoformat(),
        "end_date": now.isoformat(),
        "status": "open",
    }
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 200
    items = response.json()
    assert [i["service_request_id"] for i in items] == [open_report.public_id]
    item = items[0]
    assert set(item) == SAMPLE_REQUEST
    assert item["status"] == "open"
    assert item["agency_responsible"] == "Municipality of Saint-Josse-ten-Noode"
    assert (item["lat"], item["long"]) == (open_report.public_lat, open_report.public_lon)
    # The reporter's words are not published, here as on the public pages.
    assert item["description"] is None
    assert open_report.description not in response.content.decode()
    assert "Saint-Josse" in item["address"]
    closed_items = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [(i["service_request_id"], i["status_notes"]) for i in closed_items] == [
        (closed.public_id, "Duplicate")
    ]
    both = client.get(f"{BASE}/requests.json", {"status": "open,closed"}).json()
    assert len(both) == 2  # the confidential report is never listed


def test_requests_filter_by_service_code_and_date(matrix, client):
    now = timezone.now()
    old = submit(now=now - timedelta(days=120)).report
    recent = submit(code="noise", description="Loud music.", now=now - timedelta(days=1)).report
    default = client.get(f"{BASE}/requests.json").json()
    assert [i["service_request_id"] for i in default] == [recent.public_id]  # last 90 days
    by_code = client.get(
        f"{BASE}/requests.json", {"service_code": "litter", "start_date": "2020-01-01"}
    ).json()
    assert [i["service_request_id"] for i in by_code] == [old.public_id]
    response = client.get(f"{BASE}/requests.json", {"start_date": "yesterday"})
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_requests_around_a_point(matrix, client):
    here = submit().report
    there = submit(lat=SCHAERBEEK[0], lon=SCHAERBEEK[1]).report
    near = client.get(
        f"{BASE}/requests.json", {"lat": SAINT_JOSSE[0], "long": SAINT_JOSSE[1], "radius": 300}
    ).json()
    assert [i["service_request_id"] for i in near] == [here.public_id]
    wide = client.get(
        f"{BASE}/requests.json", {"lat": SAINT_JOSSE[0], "long": SAINT_JOSSE[1], "radius": 5000}
    ).json()
    assert {i["service_request_id"] for i in wide} == {here.public_id, there.public_id}
    assert client.get(f"{BASE}/requests.json", {"lat": 50.8}).status_code == 400
    assert (
        client.get(f"{BASE}/requests.json", {"lat": 50.8, "long": 4.3, "radius": -1}).status_code
        == 400
    )


def test_requests_by_id_and_paging(matrix, client):
    reports = [submit(client_key=f"c{i}").report for i in range(5)]
    ids = f"{reports[0].public_id},{reports[2].public_id}"
    by_id = client.get(f"{BASE}/requests.json", {"service_request_id": ids}).json()
    assert {i["service_request_id"] for i in by_id} == {reports[0].public_id, reports[2].public_id}
    page = client.get(f"{BASE}/requests.json", {"page_size": 2, "page": 2}).json()
    assert [i["service_request_id"] for i in page] == [reports[2].public_id, reports[1].public_id]


def test_get_service_request_sample(matrix, client):
    # Spec: GET requests/638344.xml?jurisdiction_id=city.gov
    report = submit().report
    response = client.get(
        f"{BASE}/requests/{report.public_id}.json", {"jurisdiction_id": "city.gov"}
    )
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 1 and set(items[0]) == SAMPLE_REQUEST
    root = ET.fromstring(client.get(f"{BASE}/requests/{report.public_id}.xml").content)  # noqa: S314
    assert root.tag == "service_requests"
    assert {child.tag for child in root.find("request")} == SAMPLE_REQUEST


def test_a_confidential_or_held_request_is_not_found(matrix, client):
    secret = submit(code="trafficking", description="A girl seems to be forced to work.").report
    held = submit(description="Get rid of the prostitutes please.").report
    for report in (secret, held):
        response = client.get(f"{BASE}/requests/{report.public_id}.json")
        assert response.status_code == 404
        assert set(response.json()[0]) == {"code", "description"}
    assert client.get(f"{BASE}/requests/abc.json").status_code == 404


def test_media_url_only_for_a_photo_staff_confirmed(matrix, client):
    report = submit(photo=image_upload()).report
    item = client.get(f"{BASE}/requests/{report.public_id}.json").json()[0]
    assert item["media_url"] is None
    actions.review_photo(report.photo, by=matrix.people.municipality, shows_nobody=True)
    item = client.get(f"{BASE}/requests/{report.public_id}.json").json()[0]
    assert item["media_url"].endswith(f"/reports/{report.public_id}/photo/")
