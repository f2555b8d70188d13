"""Attacks on the circle: nobody is put in anyone's circle without accepting.

Issue 15, findings 3, 15 and 16: a circle was a username oracle, a way to
read any organisation's on-duty roster, to have chosen people alerted every
10 s at the platform's cost and to lure a responder to a chosen point; a
malformed body emptied it; its answers could stay in a cache.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import Membership, MembershipRole
from umbrella.alarms import actions, queries
from umbrella.alarms.exceptions import NotAllowed
from umbrella.alarms.models import AlarmRecipient, CircleInvitation, InvitationStatus, Source
from umbrella.alarms.tests.conftest import accept_everyone
from umbrella.testing import api_token_for, assert_api_error, auth_header, sign_in

URL = "/api/v1/circle"


def put(client, user, body):
    return client.put(URL, body, content_type="application/json", **auth_header(user))


def people_tier(*names):
    return {"kind": "people", "delay_seconds": 30, "members": list(names)}


def pending(invitee):
    return CircleInvitation.objects.get(invitee=invitee, status=InvitationStatus.PENDING)


# --- No oracle ------------------------------------------------------------------


def test_an_existing_and_a_missing_name_get_the_same_answer(client, personas):
    existing = put(client, personas.worker, {"tiers": [people_tier("Responder")]})
    missing = put(client, personas.outsider, {"tiers": [people_tier("Nobody-Called-This")]})
    assert existing.status_code == missing.status_code == 200
    one = existing.json()["tiers"][0]
    other = missing.json()["tiers"][0]
    assert one["people"] == [{"name": "responder", "status": "invited"}]
    assert other["people"] == [{"name": "nobody-called-this", "status": "invited"}]
    assert set(one) == set(other)


def test_a_declined_invitation_looks_like_a_missing_name(client, personas, t0):
    put(client, personas.worker, {"tiers": [people_tier("responder")]})
    actions.answer_invitation(
        pending(personas.responder).pk, personas.responder, accept=False, now=t0
    )
    got = client.get(URL, **auth_header(personas.worker)).json()
    assert got["tiers"][0]["people"] == [{"name": "responder", "status": "invited"}]


def test_the_circle_page_shows_invited_waiting_for_both(client, personas):
    sign_in(client, personas.worker)
    for name in ("responder", "nobody-called-this"):
        answer = client.post(
            reverse("alarms:circle"), {"action": "add_contact", "contact-username": name}
        )
        assert answer.status_code == 302
    page = client.get(reverse("alarms:circle")).content.decode()
    assert page.count("invited, waiting for an answer") == 2
    assert "nobody is called" not in page.lower()


# --- Nobody is alerted until accepted ---------------------------------------------


def test_an_invited_person_is_not_alerted_until_he_accepts(client, personas, t0):
    put(client, personas.worker, {"tiers": [people_tier("responder")]})
    first = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert not AlarmRecipient.objects.filter(alarm=first).exists()
    actions.cancel(first, personas.worker, None, t0)

    actions.answer_invitation(
        pending(personas.responder).pk, personas.responder, accept=True, now=t0
    )
    second = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert list(AlarmRecipient.objects.filter(alarm=second).values_list("user", flat=True)) == [
        personas.responder.pk
    ]
    assert client.get(URL, **auth_header(personas.worker)).json()["tiers"][0]["people"] == [
        {"name": "responder", "status": "accepted"}
    ]


def test_an_organisation_roster_is_not_reachable_without_its_acceptance(
    client, personas, outreach_org, t0
):
    tier = {"kind": "organisation_rota", "delay_seconds": 30, "organisation_id": outreach_org.pk}
    put(client, personas.outsider, {"tiers": [tier]})
    alarm = actions.raise_alarm(personas.outsider, Source.APP, t0)
    assert not AlarmRecipient.objects.filter(alarm=alarm).exists()
    got = client.get(f"/api/v1/alarms/{alarm.pk}", **auth_header(personas.outsider)).json()
    assert got["recipients"] == []
    assert (
        client.get(URL, **auth_header(personas.outsider)).json()["tiers"][0]["organisation_status"]
        == "invited"
    )


def test_an_organisation_that_serves_everyone_is_reached_once_its_manager_says_so(
    personas, outreach_org, t0
):
    manager = personas.outreach
    Membership.objects.filter(user=manager, organisation=outreach_org).update(
        role=MembershipRole.MANAGER
    )
    with pytest.raises(NotAllowed):
        actions.set_organisation_policy(
            outreach_org, personas.responder, accepts_every_sex_worker=True, now=t0
        )
    actions.set_organisation_policy(outreach_org, manager, accepts_every_sex_worker=True, now=t0)
    actions.set_circle(
        personas.outsider,
        [actions.TierSpec("organisation_rota", 30, organisation_id=outreach_org.pk)],
        t0,
        police_opt_in=False,
    )
    alarm = actions.raise_alarm(personas.outsider, Source.APP, t0)
    assert AlarmRecipient.objects.filter(alarm=alarm, user=personas.outreach).exists()


def test_only_the_invited_person_can_answer(personas, t0):
    actions.set_circle(
        personas.worker, [actions.TierSpec("people", 30, ["responder"])], t0, police_opt_in=False
    )
    invitation = pending(personas.responder)
    for stranger in (personas.worker, personas.outsider, personas.outreach):
        with pytest.raises(NotAllowed):
            actions.answer_invitation(invitation.pk, stranger, accept=True, now=t0)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_a_name_nobody_has_is_never_given_to_a_later_account(personas, t0):
    actions.set_circle(
        personas.worker, [actions.TierSpec("people", 30, ["later-person"])], t0, police_opt_in=False
    )
    later, _codes = accounts_actions.sign_up_sex_worker(
        "later-person", "a long enough passphrase 42"
    )
    assert not queries.pending_for(later).exists()


def test_he_can_leave_her_circle_and_is_no_longer_alerted(client, personas, circle, t0):
    sign_in(client, personas.responder)
    invitation = CircleInvitation.objects.get(invitee=personas.responder)
    asked = client.post(
        reverse("alarms:invitations"), {"action": "leave", "invitation": invitation.pk}
    )
    assert asked.status_code == 200  # the question first
    assert "Leave" in asked.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    client.post(
        reverse("alarms:invitations"),
        {"action": "leave", "invitation": invitation.pk, "confirmed": "yes"},
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.LEFT
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert not AlarmRecipient.objects.filter(alarm=alarm, user=personas.responder).exists()


def test_the_invitee_accepts_on_his_invitations_page_linked_from_his_home(client, personas):
    put(client, personas.worker, {"tiers": [people_tier("responder")]})
    sign_in(client, personas.responder)
    home = client.get(reverse("accounts:home")).content.decode()
    assert reverse("alarms:invitations") in home
    page = client.get(reverse("alarms:invitations")).content.decode()
    assert personas.worker.username in page
    invitation = pending(personas.responder)
    client.post(reverse("alarms:invitations"), {"action": "accept", "invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


# --- Rate limit ------------------------------------------------------------------------


@override_settings(CIRCLE_INVITATIONS_PER_DAY=3)
def test_new_invitations_are_limited_per_day_even_when_names_are_removed(client, personas):
    for name in ("a-one", "a-two", "a-three"):
        assert put(client, personas.worker, {"tiers": [people_tier(name)]}).status_code == 200
    refused = put(client, personas.worker, {"tiers": [people_tier("a-four")]})
    assert_api_error(refused, 429)
    got = client.get(URL, **auth_header(personas.worker)).json()
    assert got["tiers"][0]["members"] == ["a-three"]


# --- Finding 15: malformed bodies change nothing -----------------------------------------


@pytest.mark.parametrize(
    "body", ["[]", "null", '"x"', "42", "[null,null]", "{}", '{"tiers": null}', '{"tiers": [null]}']
)
def test_a_body_that_is_not_the_documented_object_changes_nothing(client, personas, circle, body):
    before = client.get(URL, **auth_header(personas.worker)).json()
    assert before["tiers"]
    answer = put(client, personas.worker, body)
    assert_api_error(answer, 422)
    assert client.get(URL, **auth_header(personas.worker)).json() == before


# --- Finding 16: no-store on sensitive answers ------------------------------------------------


def test_sensitive_answers_are_not_cached(client, personas, circle, t0):
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    checkin = actions.start_checkin(personas.worker, 30, t0)
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(personas.worker)}"}
    routes = [
        ("get", f"/api/v1/alarms/{alarm.pk}", None),
        ("get", "/api/v1/alarms", None),
        ("get", "/api/v1/alarms?open=1", None),
        ("get", URL, None),
        ("put", URL, '{"tiers": []}'),
        ("get", "/api/v1/checkins", None),
        ("get", f"/api/v1/checkins/{checkin.pk}", None),
        ("get", "/api/v1/notify/contacts", None),
        ("put", "/api/v1/duress-pin", '{"pin": "2468"}'),
        ("delete", "/api/v1/duress-pin", None),
    ]
    for method, path, body in routes:
        kwargs = {"content_type": "application/json", "data": body} if body else {}
        answer = getattr(client, method)(path, **kwargs, **token)
        assert answer.status_code < 300, (path, answer.content)
        assert "no-store" in answer.headers.get("Cache-Control", ""), path


def test_an_accepted_circle_still_escalates(personas, outreach_org, t0):
    actions.set_circle(
        personas.worker,
        [
            actions.TierSpec("people", 30, ["responder"]),
            actions.TierSpec("organisation_rota", 60, organisation_id=outreach_org.pk),
        ],
        t0,
        police_opt_in=False,
    )
    accept_everyone(personas.worker, timezone.now())
    alarm = actions.raise_alarm(personas.worker, Source.APP, t0)
    assert AlarmRecipient.objects.filter(alarm=alarm, user=personas.responder).exists()
