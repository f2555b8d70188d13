"""Attacks on the public Open311 endpoint (issue 15): what a stranger on the internet can try."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from umbrella.reports.open311 import views as open311
from umbrella.reports.tests.conftest import submit
from umbrella.reports.tests.test_open311_front import BASE, asgi, ids

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("geography")]


def test_cache_keys_of_an_escaped_and_a_split_query_differ():
    factory = RequestFactory()
    one_parameter = factory.get(f"{BASE}/requests.json?api_key=1%26status%3Dclosed")
    two_parameters = factory.get(f"{BASE}/requests.json?api_key=1&status=closed")
    key = open311.cache_key
    assert key(one_parameter, "json", "en", 1) != key(two_parameters, "json", "en", 1)
    # The order of the parameters does not matter; each repeated value counts.
    assert key(factory.get("/x?a=1&b=2"), "json", "en", 1) == key(
        factory.get("/x?b=2&a=1"), "json", "en", 1
    )
    assert key(factory.get("/x?a=1&a=2"), "json", "en", 1) != key(
        factory.get("/x?a=2"), "json", "en", 1
    )


def test_a_poisoned_cache_entry_is_not_served_for_another_query(matrix):
    now = timezone.now()
    open_reports = [submit(now=now - timedelta(days=n)).report for n in (1, 2)]
    # An unfiltered answer (api_key is ignored) cached under the escaped query …
    unfiltered = asgi("GET", f"{BASE}/requests.json?api_key=1%26status%3Dclosed")
    assert ids(unfiltered) == [r.public_id for r in open_reports]
    # … is not what a client asking for the closed reports gets.
    assert ids(asgi("GET", f"{BASE}/requests.json?api_key=1&status=closed")) == []
