"""docs/privacy.md lists every personal field of the models, and only fields that exist.

The rule for "personal" (issue 15, finding 9), applied to every model of the
project's apps:

- every encrypted field (``umbrella.core.crypto``'s ``Encrypted*`` fields):
  whatever is encrypted at rest is so because it is sensitive;
- on a *sensitive* model (one with an encrypted field): every point field
  (``lat``, ``lon``, ``latitude``, ``longitude``, ``accuracy``, with a prefix
  such as ``precise_``), every free-text note (a TextField named like note,
  outcome, comment, message, text, description), and every foreign key to the
  user model (who raised it, who wrote it);
- on any model: every e-mail field or field named like e-mail, phone or
  address, every push endpoint, and every digest of personal data (a name
  ending in ``_digest``, or naming an IP or client address or key).

The table of docs/privacy.md has one row per field, its first cell
``app_label.Model.field`` in backticks. Rows beyond the rule (a JSON payload, a
pseudonym) are welcome, as long as the field exists.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from umbrella.core import crypto

DOC = Path(settings.BASE_DIR) / "docs" / "privacy.md"

ENCRYPTED = tuple(
    cls
    for name, cls in vars(crypto).items()
    if name.startswith("Encrypted") and isinstance(cls, type) and issubclass(cls, models.Field)
)
POINT = re.compile(r"(^|_)(lat|lon|latitude|longitude|accuracy)$")
NOTE = re.compile(r"note|outcome|comment|message|^text$|description")
CONTACT = re.compile(r"e_?mail|phone|address$|^endpoint$")
DIGEST = re.compile(r"_digest$|(^|_)ip(_|$)|client_(key|hash|address)")
ROW = re.compile(r"^\|\s*`([a-z_]+\.[A-Za-z]+\.[a-z0-9_]+)`\s*\|", re.MULTILINE)


def personal_fields() -> dict[str, str]:
    """Return ``app.Model.field`` → why, for every field the rule calls personal."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("umbrella."):
            continue
        fields = model._meta.concrete_fields
        sensitive = any(isinstance(f, ENCRYPTED) for f in fields)
        for f in fields:
            why = None
            if isinstance(f, ENCRYPTED):
                why = "encrypted"
            elif sensitive and POINT.search(f.name):
                why = "a point on a sensitive model"
            elif sensitive and isinstance(f, models.TextField) and NOTE.search(f.name):
                why = "free text on a sensitive model"
            elif sensitive and f.is_relation and f.related_model is user_model:
                why = "a person on a sensitive model"
            elif isinstance(f, models.EmailField) or CONTACT.search(f.name):
                why = "a contact"
            elif DIGEST.search(f.name):
                why = "a digest of personal data"
            if why:
                found[f"{model._meta.label}.{f.name}"] = why
    return found


def listed() -> list[str]:
    return ROW.findall(DOC.read_text(encoding="utf-8"))


def field_exists(name: str) -> bool:
    app_label, model_name, field_name = name.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return any(f.name == field_name for f in model._meta.concrete_fields)


def test_the_rule_finds_the_fields_we_know_are_personal():
    found = personal_fields()
    for name in (
        "alarms.Alarm.latitude",
        "alarms.Alarm.note",
        "alarms.Alarm.outcome",
        "alarms.Alarm.owner",
        "alarms.CheckIn.note",
        "reports.Report.precise_lat",
        "reports.Report.public_lat",
        "reports.Report.email",
        "notify.ContactPoint.value",
        "accounts.User.email",
    ):
        assert name in found, name


def test_every_personal_field_is_in_the_inventory():
    missing = sorted(set(personal_fields()) - set(listed()))
    assert missing == [], f"add a row to docs/privacy.md for: {missing}"


def test_every_listed_field_exists():
    rows = listed()
    assert len(rows) >= 20  # the table was found
    assert [name for name in rows if not field_exists(name)] == []
    assert len(rows) == len(set(rows)), "a field is listed twice"


def test_every_row_says_purpose_who_and_when():
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if ROW.match(line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 4 and all(cells), line
