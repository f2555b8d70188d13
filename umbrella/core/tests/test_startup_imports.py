"""A web process starts without the heavy libraries only a few pages use.

Each of them is imported where it is used (a certificate, a calendar feed, a
photo's check, a sign-up, an outbound request, a lookup); loaded at start they
were ~45 MB in every web process, the one holding 2,000 alarm streams included
(bench/alarm_latency.py measures its RSS). The test starts the ASGI application
in a fresh interpreter, with production settings, and reads ``sys.modules``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]

# Imported on first use, never at start (PIL: reports/photos.py sets its limit then).
LAZY = (
    "httpx",
    "icalendar",
    "reportlab",
    "segno",
    "markdown_it",
    "nh3",
    "phonenumbers",
    "confusable_homoglyphs.confusables",
    "numpy",
    "shapely",
    "PIL",
)

PROBE = """
import json, sys
import umbrella.asgi
from django.urls import resolve
for path in ("/api/v1/alarms", "/en/", "/open311/v2/requests.json"):
    resolve(path)
print(json.dumps(sorted(sys.modules)))
"""


def test_the_web_application_starts_without_the_libraries_few_pages_need(tmp_path):
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="umbrella.settings",
        DEBUG="0",
        SECRET_KEY="startup-imports-" + "k" * 40,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        UMBRELLA_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    done = subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "umbrella.notify.stream" in loaded  # the probe did start the application
    assert [name for name in LAZY if name in loaded] == []
