"""Browser-test fixtures: real Chromium through Playwright, axe-core, and a
guard that no request leaves this machine.

Browser tests skip with a clear message only where no Chromium is installed
and only outside CI; in CI a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# Chromium flags for a closed network: no background calls to Google services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _chromium_path() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium once per test session."""
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium.")
        pytest.skip(
            "Browser test skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)."
        )
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class OutsideRequests:
    """Every request a page made to a host other than this machine."""

    urls: list[str] = field(default_factory=list)

    def record(self, request) -> None:
        parts = urlparse(request.url)
        if parts.scheme in ("data", "blob", "about", "chrome-extension"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            self.urls.append(request.url)


@pytest.fixture
def outside_requests() -> OutsideRequests:
    return OutsideRequests()


@pytest.fixture
def page(browser, outside_requests):
    """A fresh browser context and page; records requests that leave 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="en-GB")
    context.on("request", outside_requests.record)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    """Run axe-core (from node_modules, never a CDN) on the page; return violations."""
    # Evaluated, not added as a <script>: the site's CSP rightly refuses
    # inline scripts, and the check must run under the real policy.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return result["violations"]


def assert_no_axe_violations(page, **kwargs) -> None:
    """Fail with a readable summary when axe-core finds WCAG 2.1 AA violations."""
    violations = axe_violations(page, **kwargs)
    summary = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
    ]
    assert violations == [], f"axe-core violations on {page.url}:\n{json.dumps(summary, indent=2)}"


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last.

    Playwright's sync API keeps its event loop running in the main thread
    for the whole session once the browser starts; tests that use
    ``async_to_sync`` would then fail. Running every test that needs the
    browser after all others keeps both kinds honest.
    """
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))
