"""The establishment page in a real browser: a manager schedules a night shift,
sees who is on duty now, in Romanian; axe-core finds nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from umbrella.accounts import actions as accounts_actions
from umbrella.accounts.models import MembershipRole, Role
from umbrella.alarms.models import DutyShift
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_adds_a_night_shift_and_the_page_stays_accessible(
    live_server, browser, outside_requests, personas, establishment
):
    manager = accounts_actions.create_account("manager", Role.ESTABLISHMENT_REFERENCE)
    accounts_actions.add_membership(manager, establishment, role=MembershipRole.MANAGER)
    session = sign_in(Client(), manager).cookies["sessionid"].value
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="ro-RO")
    context.on("request", outside_requests.record)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        url = f"{live_server.url}/ro/alarms/establishments/{establishment.pk}/"
        page.goto(url)
        # The responder persona is switched on duty by the fixture.
        assert "responder" in page.locator("#on-duty-now").inner_text()
        assert_no_axe_violations(page)

        # An empty shift is refused with a message next to the field.
        page.select_option("#id_shift-membership", label="manager")
        page.select_option("#id_shift-weekday", "4")
        page.fill("#id_shift-starts_at", "22:00")
        page.fill("#id_shift-ends_at", "22:00")
        page.click("form[aria-labelledby=add-shift-heading] button[type=submit]")
        page.wait_for_selector("#id_shift-ends_at[aria-invalid=true]")
        assert "O tură trebuie să se termine" in page.content()
        assert_no_axe_violations(page)

        page.fill("#id_shift-ends_at", "06:00")
        page.click("form[aria-labelledby=add-shift-heading] button[type=submit]")
        page.wait_for_url(url)
        assert "vineri, de la 22:00 la 06:00 a doua zi" in page.content()
        assert DutyShift.objects.get().membership.user == manager
        assert_no_axe_violations(page)
        assert outside_requests.urls == []
    finally:
        context.close()
