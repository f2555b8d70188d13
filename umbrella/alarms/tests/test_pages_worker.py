"""The worker's pages (panic, check-in, circle): who may open them, what they show."""

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from umbrella.alarms import actions
from umbrella.alarms.models import Circle, DuressPin, TierKind
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db

WORKER_PAGES = ["/en/alarms/panic/", "/en/alarms/checkin/", "/en/alarms/circle/"]


@pytest.mark.parametrize("url", WORKER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", WORKER_PAGES)
@pytest.mark.parametrize("persona", ["resident", "responder", "outreach", "police"])
def test_other_roles_are_refused(client, personas, url, persona):
    sign_in(client, getattr(personas, persona))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", WORKER_PAGES)
def test_the_worker_opens_her_pages_with_a_neutral_title(client, worker, url):
    sign_in(client, worker)
    response = client.get(url)
    assert response.status_code == 200
    assert b"<title>Umbrella</title>" in response.content
    assert b'href="tel:112"' in response.content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["nl", "fr", "en", "ro", "bg", "es", "pt"])
def test_panic_page_in_every_safety_language(client, worker, language):
    sign_in(client, worker)
    response = client.get(f"/{language}/alarms/panic/")
    assert response.status_code == 200
    assert f'lang="{language}"'.encode() in response.content
    assert f'href="/{language}/alarms/manifest.webmanifest"'.encode() in response.content


def test_panic_page_loads_only_first_party_scripts_and_no_inline_script(client, worker):
    sign_in(client, worker)
    html = client.get("/en/alarms/panic/").content.decode()
    assert 'id="panic-button"' in html
    assert "<script>" not in html and "onclick" not in html
    for src in ("/static/alarms/common.js", "/static/alarms/panic.js"):
        assert f'src="{src}"' in html


def test_checkin_page_passes_the_running_timer(client, worker):
    from django.utils import timezone

    checkin = actions.start_checkin(worker, 30, timezone.now())
    sign_in(client, worker)
    response = client.get("/en/alarms/checkin/")
    assert response.context["current"]["id"] == checkin.pk
    assert response.context["current"]["state"] == "running"
    assert f'"id": {checkin.pk}'.encode() in response.content


def test_checkin_page_does_not_show_another_workers_timer(client, worker, outsider):
    from django.utils import timezone

    actions.start_checkin(outsider, 30, timezone.now())
    sign_in(client, worker)
    assert client.get("/en/alarms/checkin/").context["current"] is None


def test_circle_explains_that_the_police_are_off_by_default(client, worker):
    sign_in(client, worker)
    response = client.get("/en/alarms/circle/")
    assert response.status_code == 200
    assert response.context["settings_form"]["police_opt_in"].value() is False
    assert b"The police are never told unless you switch this on" in response.content


def test_add_and_remove_a_trusted_person(client, worker, responder):
    sign_in(client, worker)
    response = client.post(
        "/en/alarms/circle/", {"action": "add_contact", "contact-username": "Responder"}
    )
    assert response.status_code == 302
    tier = Circle.objects.get(owner=worker).tiers.get()
    assert tier.kind == TierKind.PEOPLE
    assert [m.invitation.invitee for m in tier.members.all()] == [responder]
    page = client.get("/en/alarms/circle/")
    assert b"These people are told, once they have accepted: responder." in page.content
    assert b"invited, waiting for an answer" in page.content

    client.post(
        "/en/alarms/circle/",
        {"action": "remove_contact", "username": "responder", "confirmed": "yes"},
    )
    assert not Circle.objects.get(owner=worker).tiers.exists()


NOBODY_YET = (
    b"Nobody in your circle has accepted yet: for now an alarm would reach nobody."
    b" In danger, call 112."
)


def test_until_someone_accepts_the_page_says_an_alarm_reaches_nobody(client, worker, responder):
    sign_in(client, worker)
    client.post("/en/alarms/circle/", {"action": "add_contact", "contact-username": "responder"})
    assert NOBODY_YET in client.get("/en/alarms/circle/").content
    invitation = Circle.objects.get(owner=worker).tiers.get().members.get().invitation
    actions.answer_invitation(invitation.pk, responder, accept=True, now=timezone.now())
    page = client.get("/en/alarms/circle/").content
    assert NOBODY_YET not in page
    assert b"accepted: told of your alarms" in page


def test_the_panic_page_says_an_alarm_reaches_nobody_until_someone_accepts(
    client, worker, responder
):
    sign_in(client, worker)
    assert NOBODY_YET in client.get("/en/alarms/panic/").content
    client.post("/en/alarms/circle/", {"action": "add_contact", "contact-username": "responder"})
    assert NOBODY_YET in client.get("/en/alarms/panic/").content
    invitation = Circle.objects.get(owner=worker).tiers.get().members.get().invitation
    actions.answer_invitation(invitation.pk, responder, accept=True, now=timezone.now())
    page = client.get("/en/alarms/panic/").content
    assert NOBODY_YET not in page
    assert b'href="tel:112"' in page


def test_an_unknown_person_is_invited_like_anyone(client, worker):
    # No oracle: the page answers a name nobody has exactly as a real one.
    sign_in(client, worker)
    response = client.post(
        "/en/alarms/circle/", {"action": "add_contact", "contact-username": "nobody-here"}
    )
    assert response.status_code == 302
    page = client.get("/en/alarms/circle/").content.decode()
    assert "nobody-here" in page and "invited, waiting for an answer" in page


def test_settings_add_the_outreach_rota_and_police_only_with_a_zone(client, worker, personas):
    from umbrella.accounts.models import Organisation, OrganisationKind

    outreach = Organisation.objects.get(kind=OrganisationKind.SUPPORT_ORGANISATION)
    zone = Organisation.objects.get(kind=OrganisationKind.POLICE_ZONE)
    sign_in(client, worker)
    client.post("/en/alarms/circle/", {"action": "add_contact", "contact-username": "responder"})
    refused = client.post(
        "/en/alarms/circle/",
        {
            "action": "settings",
            "settings-people_delay": "30",
            "settings-organisation": str(outreach.pk),
            "settings-organisation_delay": "90",
            "settings-police_opt_in": "on",
        },
    )
    assert refused.status_code == 200 and refused.context["settings_form"].errors["police_zone"]
    client.post(
        "/en/alarms/circle/",
        {
            "action": "settings",
            "settings-people_delay": "30",
            "settings-organisation": str(outreach.pk),
            "settings-organisation_delay": "90",
            "settings-police_opt_in": "on",
            "settings-police_zone": str(zone.pk),
        },
    )
    circle = Circle.objects.get(owner=worker)
    assert circle.police_opt_in is True
    kinds = [(t.kind, t.delay_seconds) for t in circle.tiers.order_by("position")]
    assert kinds == [(TierKind.PEOPLE, 30), (TierKind.ORGANISATION_ROTA, 90), (TierKind.POLICE, 90)]
    page = client.get("/en/alarms/circle/").content.decode()
    assert "After 30 seconds without an answer" in page


def test_duress_pin_is_stored_hashed(client, worker):
    sign_in(client, worker)
    mismatch = client.post(
        "/en/alarms/circle/", {"action": "set_pin", "pin-pin": "2468", "pin-pin_again": "1357"}
    )
    assert mismatch.status_code == 200 and not DuressPin.objects.exists()
    client.post(
        "/en/alarms/circle/", {"action": "set_pin", "pin-pin": "2468", "pin-pin_again": "2468"}
    )
    stored = DuressPin.objects.get(owner=worker)
    assert stored.pin_hash != "2468" and check_password("2468", stored.pin_hash)
    client.post("/en/alarms/circle/", {"action": "clear_pin", "confirmed": "yes"})
    assert not DuressPin.objects.exists()


def test_panic_and_checkin_pages_share_the_installable_app_head(client, worker):
    sign_in(client, worker)
    expected = [
        'rel="manifest" href="/ro/alarms/manifest.webmanifest"',
        '<meta name="theme-color"',
        '<meta name="mobile-web-app-capable" content="yes">',
        'rel="apple-touch-icon"',
        "/static/alarms/alarms.css",
    ]
    for page in ("panic", "checkin"):
        html = client.get(f"/ro/alarms/{page}/").content.decode()
        head = html.split("</head>")[0]
        for tag in expected:
            assert tag in head, (page, tag)


def test_removing_a_person_or_the_pin_asks_first_and_changes_nothing_until_yes(
    client, worker, responder
):
    sign_in(client, worker)
    client.post("/en/alarms/circle/", {"action": "add_contact", "contact-username": "responder"})
    client.post(
        "/en/alarms/circle/", {"action": "set_pin", "pin-pin": "2468", "pin-pin_again": "2468"}
    )
    asked = client.post("/en/alarms/circle/", {"action": "remove_contact", "username": "responder"})
    assert asked.status_code == 200
    assert b"Remove responder from your circle?" in asked.content
    assert b'name="confirmed" value="yes"' in asked.content
    assert b"tel:112" in asked.content
    assert Circle.objects.get(owner=worker).tiers.get().members.count() == 1
    asked = client.post("/en/alarms/circle/", {"action": "clear_pin"})
    assert b"Remove your duress PIN?" in asked.content
    assert DuressPin.objects.filter(owner=worker).exists()
    client.post("/en/alarms/circle/", {"action": "clear_pin", "confirmed": "yes"})
    assert not DuressPin.objects.filter(owner=worker).exists()
