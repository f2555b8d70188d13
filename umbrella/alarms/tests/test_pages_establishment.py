"""Establishment pages: rooms and buttons, reference persons, compliance."""

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Membership, MembershipRole, OrganisationKind, Role
from umbrella.alarms import actions
from umbrella.alarms.models import DutyShift, RoomButton
from umbrella.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(personas, establishment):
    """The establishment's manager: a reference person account with a manager membership."""
    person = accounts_actions.create_account("manager", Role.ESTABLISHMENT_REFERENCE)
    accounts_actions.add_membership(person, establishment, role=MembershipRole.MANAGER)
    return person


def url(establishment, suffix=""):
    return f"/en/alarms/establishments/{establishment.pk}/{suffix}"


def test_outsiders_get_404_revealing_nothing(client, personas, establishment):
    other = accounts_actions.ensure_organisation("Other place", OrganisationKind.ESTABLISHMENT)
    for persona in ("worker", "resident", "police", "outreach"):
        sign_in(client, getattr(personas, persona))
        assert client.get(url(establishment)).status_code == 404
        assert client.get(url(establishment, "compliance/")).status_code == 404
        assert client.get(url(other)).status_code == 404
    sign_in(client, personas.resident)
    assert client.get("/en/alarms/establishments/").status_code == 404


def test_a_plain_member_responder_cannot_manage(client, personas, establishment):
    # The responder persona is an on-duty member, but neither a manager nor
    # an establishment reference account.
    sign_in(client, personas.responder)
    assert client.get(url(establishment)).status_code == 404


def test_manager_registers_a_button_and_sees_its_key_once(client, manager, establishment, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    sign_in(client, manager)
    assert client.get("/en/alarms/establishments/").status_code == 302
    response = client.post(
        url(establishment), {"action": "add_button", "button-room_label": "Room 3"}
    )
    assert response.status_code == 302
    button = RoomButton.objects.get(establishment=establishment)
    page = client.get(url(establishment)).content.decode()
    assert "curl -X POST http://127.0.0.1:8123/api/v1/alarms/device/" in page
    key = page.split("/api/v1/alarms/device/")[1].split("<")[0]
    assert key.startswith(button.device_key_prefix)
    assert actions.button_for_key(key) == button
    again = client.get(url(establishment)).content.decode()
    assert key not in again and button.device_key_prefix in again


def test_test_mode_and_revoke(client, manager, establishment):
    button, _key = actions.create_room_button(establishment, "Room 1", timezone.now())
    sign_in(client, manager)
    client.post(url(establishment), {"action": "test_mode", "button": button.pk, "test_mode": "on"})
    button.refresh_from_db()
    assert button.test_mode
    client.post(url(establishment), {"action": "revoke", "button": button.pk, "confirmed": "yes"})
    button.refresh_from_db()
    assert button.revoked_at is not None


def test_reference_persons_and_on_duty(client, personas, manager, establishment):
    sign_in(client, manager)
    refused = client.post(url(establishment), {"action": "add_person", "person-username": "worker"})
    assert refused.status_code == 400 and refused.context["person_form"].errors
    client.post(url(establishment), {"action": "add_person", "person-username": "outreach"})
    membership = Membership.objects.get(user=personas.outreach, organisation=establishment)
    assert membership.on_duty is False
    client.post(
        url(establishment), {"action": "on_duty", "membership": membership.pk, "on_duty": "on"}
    )
    membership.refresh_from_db()
    assert membership.on_duty
    client.post(
        url(establishment),
        {"action": "remove_person", "membership": membership.pk, "confirmed": "yes"},
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_compliance_lists_each_rooms_last_successful_test(client, personas, manager, establishment):
    tested, key = actions.create_room_button(
        establishment, "Room 1", timezone.now(), test_mode=True
    )
    actions.create_room_button(establishment, "Room 2", timezone.now())
    alarm, _created = actions.press_room_button(key, timezone.now())
    assert alarm.is_test
    actions.acknowledge(alarm, personas.responder, timezone.now())
    sign_in(client, manager)
    response = client.get(url(establishment, "compliance/"))
    rows = {button.room_label: button for button in response.context["buttons"]}
    assert rows["Room 1"].last_successful_test is not None
    assert rows["Room 1"].test_alarms == 1 and rows["Room 1"].real_alarms == 0
    assert rows["Room 2"].last_successful_test is None
    assert b"Never tested" in response.content


def test_manager_schedules_shifts_and_sees_who_is_on_duty_now(
    client, personas, manager, establishment
):
    # The responder persona is switched on duty by the fixture; the manager is not.
    monday_noon = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    Membership.objects.filter(user=personas.responder).update(on_duty=False)
    mine = Membership.objects.get(user=manager, organisation=establishment)
    sign_in(client, manager)
    with time_machine.travel(monday_noon, tick=False):
        page = client.get(url(establishment))
        assert "Nobody is on duty now" in page.content.decode()
        added = client.post(
            url(establishment),
            {
                "action": "add_shift",
                "shift-membership": mine.pk,
                "shift-weekday": "0",
                "shift-starts_at": "22:00",
                "shift-ends_at": "06:00",
            },
            follow=True,
        )
        text = added.content.decode()
        assert "Monday from 22:00 to 06:00 the next day" in text
        assert "Nobody is on duty now" in text
        client.post(
            url(establishment),
            {
                "action": "add_shift",
                "shift-membership": mine.pk,
                "shift-weekday": "0",
                "shift-starts_at": "11:30",
                "shift-ends_at": "13:00",
            },
        )
        page = client.get(url(establishment))
        text = page.content.decode()
        assert "Nobody is on duty now" not in text
        assert [row.membership.user for row in page.context["on_duty_now"]] == [manager]
        assert "Monday from 11:30 to 13:00" in text
    shift = DutyShift.objects.get(starts_at=time(11, 30))
    # Back in the present, a session last used months ago has expired (idle timeout).
    sign_in(client, manager)
    removed = client.post(
        url(establishment), {"action": "remove_shift", "shift": shift.pk, "confirmed": "yes"}
    )
    assert removed.status_code == 302
    assert list(DutyShift.objects.values_list("starts_at", flat=True)) == [time(22, 0)]


def test_an_empty_shift_answers_400_with_a_translated_message(client, manager, establishment):
    mine = Membership.objects.get(user=manager, organisation=establishment)
    sign_in(client, manager)
    shift = {
        "action": "add_shift",
        "shift-membership": mine.pk,
        "shift-weekday": "2",
        "shift-starts_at": "09:00",
        "shift-ends_at": "09:00",
    }
    response = client.post(url(establishment), shift)
    assert response.status_code == 400
    assert "A shift must end at another time than it starts." in response.content.decode()
    response = client.post(url(establishment).replace("/en/", "/fr/"), shift)
    assert response.status_code == 400
    assert "A shift must end at another time than it starts." not in response.content.decode()
    assert response.context["shift_form"].errors["ends_at"]
    assert not DutyShift.objects.exists()


def test_shifts_of_another_establishment_cannot_be_touched(client, manager, establishment):
    other = accounts_actions.ensure_organisation("Other place", OrganisationKind.ESTABLISHMENT)
    stranger = accounts_actions.create_account("stranger-ref", Role.ESTABLISHMENT_REFERENCE)
    theirs = accounts_actions.add_membership(stranger, other)
    shift = actions.add_duty_shift(theirs, 0, time(9, 0), time(17, 0))
    sign_in(client, manager)
    assert (
        client.post(url(establishment), {"action": "remove_shift", "shift": shift.pk}).status_code
        == 404
    )
    response = client.post(
        url(establishment),
        {
            "action": "add_shift",
            "shift-membership": theirs.pk,
            "shift-weekday": "0",
            "shift-starts_at": "09:00",
            "shift-ends_at": "10:00",
        },
    )
    assert response.status_code == 400
    assert DutyShift.objects.count() == 1


# --- Removals ask first (without JavaScript) ---------------------------------------


def test_removing_a_button_asks_first_and_removes_nothing_until_confirmed(
    client, manager, establishment
):
    button, key = actions.create_room_button(establishment, "Room 1", timezone.now())
    sign_in(client, manager)
    page = client.get(url(establishment)).content.decode()
    assert "Remove the button of Room 1" in page
    asked = client.post(url(establishment), {"action": "revoke", "button": button.pk})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Remove the button of Room 1?" in html
    assert "stop working at once" in html
    assert 'name="confirmed" value="yes"' in html
    assert f'name="button" value="{button.pk}"' in html
    assert f'href="{url(establishment)}"' in html  # "No, go back"
    button.refresh_from_db()
    assert button.revoked_at is None
    assert actions.button_for_key(key) == button
    # Only "yes" confirms: any other value asks again.
    again = client.post(
        url(establishment), {"action": "revoke", "button": button.pk, "confirmed": "1"}
    )
    assert again.status_code == 200
    button.refresh_from_db()
    assert button.revoked_at is None
    done = client.post(
        url(establishment), {"action": "revoke", "button": button.pk, "confirmed": "yes"}
    )
    assert done.status_code == 302
    button.refresh_from_db()
    assert button.revoked_at is not None
    assert actions.button_for_key(key) is None


def test_removing_a_shift_or_a_person_asks_first(client, personas, manager, establishment):
    sign_in(client, manager)
    client.post(url(establishment), {"action": "add_person", "person-username": "outreach"})
    membership = Membership.objects.get(user=personas.outreach, organisation=establishment)
    shift = actions.add_duty_shift(membership, 0, time(22, 0), time(6, 0))

    asked = client.post(url(establishment), {"action": "remove_shift", "shift": shift.pk})
    assert asked.status_code == 200
    assert "Remove the shift of outreach, Monday from 22:00 to 06:00 the next day?" in (
        asked.content.decode()
    )
    assert DutyShift.objects.filter(pk=shift.pk).exists()

    asked = client.post(
        url(establishment), {"action": "remove_person", "membership": membership.pk}
    )
    assert asked.status_code == 200
    assert "Remove outreach as a reference person?" in asked.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

    client.post(
        url(establishment),
        {"action": "remove_person", "membership": membership.pk, "confirmed": "yes"},
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not DutyShift.objects.filter(pk=shift.pk).exists()


def test_the_question_is_asked_in_the_pages_language(client, manager, establishment):
    button, _key = actions.create_room_button(establishment, "Kamer 2", timezone.now())
    sign_in(client, manager)
    for language, question in (
        ("nl", "De knop van Kamer 2 verwijderen?"),
        ("fr", "Supprimer le bouton de Kamer 2 ?"),
    ):
        response = client.post(
            url(establishment).replace("/en/", f"/{language}/"),
            {"action": "revoke", "button": button.pk},
        )
        assert question in response.content.decode()


def test_dates_on_the_establishment_pages_put_the_day_first(
    client, personas, manager, establishment
):
    button, key = actions.create_room_button(
        establishment, "Room 1", timezone.now(), test_mode=True
    )
    pressed_at = datetime(2026, 3, 4, 21, 5, tzinfo=ZoneInfo("Europe/Brussels"))
    alarm, _created = actions.press_room_button(key, pressed_at)
    actions.acknowledge(alarm, personas.responder, pressed_at)
    sign_in(client, manager)
    for language, shown in (("en", "04/03/2026 21:05"), ("nl", "4-3-2026 21:05")):
        page = client.get(url(establishment).replace("/en/", f"/{language}/"))
        assert shown in page.content.decode()
        compliance = client.get(url(establishment, "compliance/").replace("/en/", f"/{language}/"))
        assert shown in compliance.content.decode()
    french = client.get(url(establishment).replace("/en/", "/fr/")).content.decode()
    assert "04/03/2026 21:05" in french
    assert "03/04/2026" not in french
    # No twelve-hour clock ("9:05 PM"). A bare "PM" is no test: the page's CSRF token, 64 random
    # letters and digits, holds it about once in sixty runs.
    assert not re.search(r"\d:\d\d\s*[AP]\.?\s?M\b", french, re.IGNORECASE)
