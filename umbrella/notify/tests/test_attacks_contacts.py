"""Contact points cannot be used to text or call strangers (issue 15, finding 19).

Adding a contact sent a code at once to any number, at the platform's cost,
and refused Belgian numbers written the Belgian way. Now: numbers are parsed
with ``phonenumbers`` (default region BE), the first message is a neutral
opt-in naming no alarm and no person, and verification messages are counted
per account and per target number, even across removals.
"""

from __future__ import annotations

import pytest

from umbrella.notify import providers
from umbrella.notify.models import CodeSent, ContactPoint
from umbrella.testing import assert_api_error, auth_header

URL = "/api/v1/notify/contacts"


def add(client, user, value, kind="sms"):
    return client.post(
        URL, {"kind": kind, "value": value}, content_type="application/json", **auth_header(user)
    )


@pytest.mark.parametrize(
    "typed", ["0470 12 34 56", "0470123456", "+32 470 12 34 56", "0032 470 12 34 56"]
)
def test_a_belgian_number_is_accepted_as_people_write_it(client, responder, typed):
    answer = add(client, responder, typed)
    assert answer.status_code == 201, answer.content
    assert ContactPoint.objects.get().value == "+32470123456"


@pytest.mark.parametrize("typed", ["0470 12", "12345", "+32 0", "not a number"])
def test_a_number_that_is_not_one_is_refused(client, responder, typed):
    assert_api_error(add(client, responder, typed), 422)
    assert not ContactPoint.objects.exists()


def test_the_first_message_is_a_neutral_opt_in(
    client, responder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert add(client, responder, "0470 12 34 56").status_code == 201
    ((_kind, to, text),) = providers.get_provider().sent
    assert to == "+32470123456"
    assert "ignore this message" in text and "nothing more will be sent" in text
    assert responder.username not in text and "alarm" not in text.lower()


def test_messages_to_one_number_are_limited_across_accounts(
    client, responder, outsider, worker, settings
):
    settings.CONTACT_CODE_RATE = "100/h"
    settings.CONTACT_CODES_PER_TARGET_PER_DAY = 2
    assert add(client, responder, "0470 12 34 56").status_code == 201
    assert add(client, outsider, "+32470123456").status_code == 201
    refused = add(client, worker, "0032 470 12 34 56")
    assert_api_error(refused, 429)
    assert ContactPoint.objects.count() == 2
    assert CodeSent.objects.count() == 2


def test_removing_and_adding_again_still_counts(client, responder, settings):
    settings.CONTACT_CODE_RATE = "100/h"
    settings.CONTACT_CODES_PER_ACCOUNT_PER_DAY = 2
    for _round in range(2):
        point = add(client, responder, "0470 12 34 56").json()
        client.delete(f"{URL}/{point['id']}", **auth_header(responder))
    assert_api_error(add(client, responder, "0470 99 88 77"), 429)
    assert not ContactPoint.objects.exists()


def test_the_ledger_keeps_no_number(client, responder):
    add(client, responder, "0470 12 34 56")
    digest = CodeSent.objects.get().target_digest
    assert len(digest) == 40 and "32470123456" not in digest
    # Keyed with the secret key: a plain hash of the number would not match.
    import hashlib

    assert digest != hashlib.sha1(b"+32470123456").hexdigest()  # noqa: S324 - what an unkeyed digest would be
