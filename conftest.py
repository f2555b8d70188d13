"""Test-wide set-up: the suite runs in Europe/Brussels, which has DST."""

import os
import time

os.environ["TZ"] = "Europe/Brussels"
if hasattr(time, "tzset"):
    time.tzset()

# Shared fixtures: browser tests (Chromium, axe-core, outside-request guard);
# personas, sign-in helpers and domain assertions for every app's tests.
pytest_plugins = ["umbrella.browser", "umbrella.testing"]
