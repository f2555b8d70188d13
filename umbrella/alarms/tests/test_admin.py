from umbrella.accounts.models import Membership
from umbrella.alarms import actions
from umbrella.alarms.models import DutyShift, Source
from umbrella.testing import sign_in


def test_operators_see_alarms_and_deadlines_but_not_locations(
    client, personas, circle, published, t0
):
    alarm = actions.raise_alarm(
        personas.worker, Source.APP, t0, lat=50.8466, lon=4.3528, note="secret note"
    )
    sign_in(client, personas.admin)
    for url in [
        "/en/admin/alarms/alarm/",
        f"/en/admin/alarms/alarm/{alarm.pk}/change/",
        "/en/admin/alarms/deadline/",
        "/en/admin/alarms/roombutton/",
        "/en/admin/alarms/circle/",
        "/en/admin/alarms/checkin/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"secret note" not in response.content and b"50.8466" not in response.content


def test_operators_manage_duty_shifts_with_the_same_rules(client, personas, outreach_org):
    membership = Membership.objects.get(user=personas.outreach, organisation=outreach_org)
    sign_in(client, personas.admin)
    assert client.get("/en/admin/alarms/dutyshift/add/").status_code == 200
    form = {"membership": membership.pk, "weekday": 4, "starts_at": "22:00", "ends_at": "22:00"}
    refused = client.post("/en/admin/alarms/dutyshift/add/", form)
    assert refused.status_code == 200
    assert "A shift must end at another time than it starts." in refused.content.decode()
    assert not DutyShift.objects.exists()
    created = client.post("/en/admin/alarms/dutyshift/add/", {**form, "ends_at": "06:00"})
    assert created.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.weekday, shift.crosses_midnight()) == (4, True)
    listing = client.get("/en/admin/alarms/dutyshift/")
    assert "Friday from 22:00 to 06:00 the next day" in listing.content.decode()
