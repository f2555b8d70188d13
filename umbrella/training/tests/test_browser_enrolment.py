"""Enrolment and coverage in a real browser, in French: a manager forms a training group
(an error first, input kept), a staff member joins it with its code, and the coverage page
lists the service. axe-core finds nothing on each page; no request leaves 127.0.0.1."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from umbrella.accounts import actions as accounts
from umbrella.accounts.models import MembershipRole, Role
from umbrella.browser import assert_no_axe_violations
from umbrella.testing import sign_in
from umbrella.training.models import Cohort, CohortMember
from umbrella.training.tests.factories import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def context_for(browser, live_server, outside_requests, user):
    session = sign_in(Client(), user).cookies["sessionid"].value
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="fr-BE")
    context.on("request", outside_requests.record)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context


def test_manager_forms_a_group_and_staff_join_with_its_code(
    live_server, browser, outside_requests, staff, resident
):
    make_course()
    cpas = staff.memberships.get().organisation
    manager = accounts.create_account("manager", Role.SERVICE_STAFF)
    accounts.add_membership(manager, cpas, role=MembershipRole.MANAGER)

    context = context_for(browser, live_server, outside_requests, manager)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/fr/training/")
        assert_no_axe_violations(page)
        page.click(f"a[href='/fr/training/organisations/{cpas.pk}/']")
        page.wait_for_selector("#id_name")
        assert_no_axe_violations(page)
        page.fill("#id_name", "Assistants sociaux")
        page.fill("#id_deadline", "2001-01-01")
        page.click("main form button[type=submit]")
        page.wait_for_selector(".errorlist")
        assert "La date limite ne peut pas être dans le passé." in page.content()
        assert page.input_value("#id_name") == "Assistants sociaux"
        assert_no_axe_violations(page)
        deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
        page.fill("#id_deadline", deadline)
        page.click("main form button[type=submit]")
        page.wait_for_selector("#id_email")
        cohort = Cohort.objects.get(name="Assistants sociaux")
        assert_no_axe_violations(page)
    finally:
        context.close()

    context = context_for(browser, live_server, outside_requests, staff)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/fr/training/join/")
        assert_no_axe_violations(page)
        page.fill("#id_code", cohort.join_code.lower())
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/fr/training/")
        assert "Assistants sociaux" in page.content()
        assert CohortMember.objects.filter(cohort=cohort, user=staff).exists()
        assert_no_axe_violations(page)
        page.goto(f"{live_server.url}/fr/training/coverage/")
        assert cpas.name in page.content()
        assert_no_axe_violations(page)
        assert outside_requests.urls == []
    finally:
        context.close()
