"""The API docs page in a real browser: Swagger UI from our own files, under our CSP."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_the_operations_with_no_outside_request_and_no_csp_error(
    live_server, page, outside_requests
):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    # Swagger UI fetched the OpenAPI document and drew the operations.
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/areas/locate" in path for path in paths)
    assert refused == []
    assert outside_requests.urls == []
