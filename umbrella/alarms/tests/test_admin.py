from umbrella.alarms import actions
from umbrella.alarms.models import Source
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
