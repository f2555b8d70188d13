"""The label and the feedback link on the directory's pages, through the training template tags."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from umbrella.areas.tests.conftest import brussels  # noqa: F401 -- loads the geography
from umbrella.directory.snapshot import reset_snapshot
from umbrella.directory.tests import factories
from umbrella.training.feedback.actions import refresh_directory_labels
from umbrella.training.feedback.queries import week_of
from umbrella.training.tests import feedback_factories as make

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=BRUSSELS)
LABEL = "Trained for a non-stigmatising approach"


@pytest.fixture(autouse=True)
def _fresh_snapshot():
    reset_snapshot()
    with time_machine.travel(NOW, tick=False):
        yield
    reset_snapshot()


@pytest.fixture
def places():
    org = make.accounts_organisation()
    make.staff(org, total=5, certified=4, at=NOW)
    labelled = factories.service(
        factories.organization(accounts_organisation=org), name_en="Trained desk"
    )
    plain = factories.service(factories.organization(), name_en="Other desk")
    make.answers(labelled.service, week_of(NOW) - timedelta(weeks=1), 5)
    refresh_directory_labels(NOW)
    return labelled, plain


def _item(body: str, name: str) -> str:
    start = body.index(name)
    return body[start : body.index("</li>", body.index("directory-status", start))]


def test_the_list_shows_the_label_on_labelled_services_only(client, places):
    body = client.get("/en/directory/", {"kind": "service"}).content.decode()
    assert LABEL in _item(body, "Trained desk")
    assert LABEL not in _item(body, "Other desk")


def test_the_detail_page_shows_the_label_and_the_link_to_the_form(client, places):
    labelled, plain = places
    body = client.get(f"/en/directory/place/service-{labelled.pk}/").content.decode()
    assert "Staff trained for a non-stigmatising approach" in body  # the directory's own line
    assert "sex workers say they were treated with respect" in body
    assert f'href="/en/training/feedback/service/{labelled.service.pk}/"' in body
    body = client.get(f"/nl/directory/place/service-{plain.pk}/").content.decode()
    assert f'href="/nl/training/feedback/service/{plain.service.pk}/"' in body
    assert "sex workers say" not in body


def test_a_toilet_has_no_feedback_link(client, places):
    toilet = factories.toilet()
    body = client.get(f"/en/directory/place/toilet-{toilet.pk}/").content.decode()
    assert "/training/feedback/" not in body


def test_the_api_agrees_with_the_pages(client, places):
    labelled, plain = places
    features = client.get("/api/v1/places", {"kind": "service"}).json()["features"]
    flags = {
        f["properties"]["service_id"]: f["properties"]["trained_non_stigmatising"] for f in features
    }
    assert flags == {labelled.service.pk: True, plain.service.pk: False}
