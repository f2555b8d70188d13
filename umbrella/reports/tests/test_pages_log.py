"""Follow-up codes never reach the logs: Django's request log and the access log mask them."""

from __future__ import annotations

import logging

import pytest

from umbrella.reports.log_filters import mask_follow_up_codes
from umbrella.reports.tests.world import make_report

pytestmark = pytest.mark.django_db


def test_the_code_is_masked_in_a_path():
    assert (
        mask_follow_up_codes('"GET /fr/reports/follow-up/Ab-_9xYz/?done=1 HTTP/1.1" 200')
        == '"GET /fr/reports/follow-up/[code]/?done=1 HTTP/1.1" 200'
    )
    assert mask_follow_up_codes("/en/reports/12/") == "/en/reports/12/"


def test_a_refused_follow_up_post_logs_no_code(client, world, caplog):
    _report, code = make_report(world.litter)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(f"/en/reports/follow-up/{code}/", {"action": "reopen", "text": ""})
    assert response.status_code == 400
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/reports/follow-up/[code]/" in logged
    assert code not in logged


def test_the_access_log_masks_the_code():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/nl/reports/follow-up/SECRETcode123/", "1.1", 200),
        None,
    )
    for log_filter in logging.getLogger("uvicorn.access").filters:
        log_filter.filter(record)
    assert "SECRETcode123" not in record.getMessage()
