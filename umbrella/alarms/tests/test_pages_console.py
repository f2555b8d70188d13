"""The responder console: only responders open it, and it lists only alarms routed to them."""

import json

import pytest
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.models import Source
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db

URL = "/nl/alarms/console/"


def open_alarms(response) -> list[dict]:
    html = response.content.decode()
    start = html.index('id="console-open-alarms"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("persona", ["resident", "outsider", "worker"])
def test_residents_and_sex_workers_are_refused(client, personas, persona):
    sign_in(client, getattr(personas, persona))
    assert client.get(URL).status_code == 403


def test_unverified_staff_are_sent_to_two_step_verification(client, responder):
    client.force_login(responder)
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/two-step/" in response["Location"]


def test_the_responder_sees_the_open_alarms_routed_to_her(client, personas, circle):
    now = timezone.now()
    mine = actions.raise_alarm(personas.worker, Source.APP, now)
    actions.raise_alarm(personas.outsider, Source.APP, now)  # routed to nobody
    sign_in(client, personas.responder)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"<title>Umbrella</title>" in response.content
    assert b'href="tel:112"' in response.content
    listed = open_alarms(response)
    assert [alarm["id"] for alarm in listed] == [mine.pk]
    # The page itself carries no precise location or note: those come from
    # the audited detail route.
    assert "lat" not in listed[0] and "note" not in listed[0]


def test_resolved_alarms_are_not_listed(client, personas, circle):
    alarm = actions.raise_alarm(personas.worker, Source.APP, timezone.now())
    actions.resolve(alarm, personas.responder, "safe", timezone.now())
    sign_in(client, personas.responder)
    assert open_alarms(client.get(URL)) == []


def test_another_responder_does_not_see_them(client, personas, circle):
    actions.raise_alarm(personas.worker, Source.APP, timezone.now())
    sign_in(client, personas.police)
    assert open_alarms(client.get(URL)) == []


def test_console_is_offered_in_dutch_french_and_english(client, responder):
    sign_in(client, responder)
    for language in ("nl", "fr", "en"):
        response = client.get(f"/{language}/alarms/console/")
        assert response.status_code == 200
        assert f'lang="{language}"'.encode() in response.content


def test_the_console_shows_the_count_of_open_alarms_routed_to_him(client, personas, circle):
    from umbrella.alarms.queries import open_alarm_count_for

    now = timezone.now()
    first = actions.raise_alarm(personas.worker, Source.APP, now)
    actions.raise_alarm(personas.worker, Source.APP, now)
    actions.raise_alarm(personas.outsider, Source.APP, now)  # routed to nobody
    actions.acknowledge(first, personas.responder, now)  # taken is still open
    assert open_alarm_count_for(personas.responder) == 2
    assert open_alarm_count_for(personas.police) == 0
    sign_in(client, personas.responder)
    html = client.get("/en/alarms/console/").content.decode()
    assert 'data-count="2"' in html and "2 open alarms" in html
    actions.resolve(first, personas.responder, "safe", now)
    assert open_alarm_count_for(personas.responder) == 1
    assert "1 open alarm<" in client.get("/en/alarms/console/").content.decode()


def test_an_anonymous_visitor_has_no_open_alarms():
    from django.contrib.auth.models import AnonymousUser

    from umbrella.alarms.queries import open_alarm_count_for

    assert open_alarm_count_for(AnonymousUser()) == 0


def test_the_page_carries_the_place_names_in_its_language(client, responder):
    from umbrella.areas.actions import load_brussels

    load_brussels()  # the rows only, inside this test's transaction: rolled back after it
    sign_in(client, responder)
    for language, name in (("nl", "Schaarbeek"), ("fr", "Schaerbeek")):
        html = client.get(f"/{language}/alarms/console/").content.decode()
        start = html.index('id="console-place-names"')
        names = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
        assert names["municipalities"]["21015"] == name
        assert len(names["neighbourhoods"]) > 100


@pytest.mark.parametrize(
    ("published", "readable"),
    [
        ("GARE DE L'OUEST", "Gare de l'Ouest"),
        ("ONZE LIEVE VROUW TER SNEEUW", "Onze Lieve Vrouw ter Sneeuw"),
        ("NOTRE-DAME AUX NEIGES", "Notre-Dame aux Neiges"),
        ("ETANGS D'IXELLES", "Etangs d'Ixelles"),
        ("BOONDAEL III", "Boondael III"),
        ("Schaerbeek", "Schaerbeek"),
    ],
)
def test_neighbourhood_names_published_in_capitals_read_as_names(published, readable):
    from umbrella.alarms.queries import readable_name

    assert readable_name(published) == readable
