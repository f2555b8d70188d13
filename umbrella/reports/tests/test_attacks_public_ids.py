"""Reports are not counted or walked through their public addresses (issue 15, finding 20).

The public pages and Open311 named reports by their primary key, a sequence:
anyone could count the reports, see a gap where a confidential one was made,
and fetch them one by one. They now use a random public id.
"""

from __future__ import annotations

import re

import pytest

from umbrella.reports.models import Report
from umbrella.reports.models.reports import PUBLIC_ID_ALPHABET, PUBLIC_ID_LENGTH
from umbrella.reports.tests.conftest import submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("geography")]


def test_a_report_has_a_random_public_id_unlike_its_number(matrix):
    reports = [submit().report for _ in range(3)]
    ids = [r.public_id for r in reports]
    assert len(set(ids)) == 3
    for report in reports:
        assert re.fullmatch(f"[{PUBLIC_ID_ALPHABET}]{{{PUBLIC_ID_LENGTH}}}", report.public_id)
        assert report.public_id != str(report.pk)


def test_the_public_page_answers_to_the_public_id_only(client, matrix):
    report = submit().report
    assert client.get(f"/en/reports/{report.public_id}/").status_code == 200
    assert client.get(f"/en/reports/{report.pk}/").status_code == 404
    html = client.get("/en/reports/").content.decode()
    assert f"/en/reports/{report.public_id}/" in html
    assert f"/en/reports/{report.pk}/" not in html


def test_open311_names_reports_by_their_public_id_only(client, matrix):
    report = submit().report
    [item] = client.get("/open311/v2/requests.json").json()
    assert item["service_request_id"] == report.public_id
    assert client.get(f"/open311/v2/requests/{report.pk}.json").status_code == 404
    one = client.get(f"/open311/v2/requests/{report.public_id}.json").json()
    assert [i["service_request_id"] for i in one] == [report.public_id]
    by_number = client.get("/open311/v2/requests.json", {"service_request_id": str(report.pk)})
    assert by_number.json() == []


def test_a_new_open311_request_answers_its_public_id(client, matrix):
    response = client.post(
        "/open311/v2/requests.json",
        {"service_code": "litter", "lat": 50.8530, "long": 4.3690,
         "description": "Broken glass on the pavement."},
    )  # fmt: skip
    assert response.status_code == 201
    created = response.json()[0]["service_request_id"]
    assert Report.objects.filter(public_id=created).exists()
    assert not created.isdigit()
