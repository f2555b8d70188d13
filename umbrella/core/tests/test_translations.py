"""Translation catalogues: complete in nl and fr, and in sync with the code."""

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
# The project's catalogue, then one per app that keeps its own (makemessages
# puts an app's strings in the app's ``locale`` directory when it has one).
LOCALE_DIRS = [LOCALE, *sorted(Path(settings.BASE_DIR).glob("umbrella/*/locale"))]
COMPLETE = ["nl", "fr"]


def _catalogues() -> list[Path]:
    return sorted(po for locale in LOCALE_DIRS for po in locale.glob("*/LC_MESSAGES/*.po"))


def _catalogues_of(lang: str, domain: str = "django") -> list[Path]:
    paths = (locale / lang / "LC_MESSAGES" / f"{domain}.po" for locale in LOCALE_DIRS)
    return [po for po in paths if po.exists()]


@pytest.mark.parametrize("lang", COMPLETE)
def test_msgfmt_reports_no_untranslated_or_fuzzy_message(lang):
    files = sorted(po for po in _catalogues() if po.parent.parent.name == lang)
    assert files, f"no catalogue for {lang}"
    for po in files:
        result = subprocess.run(  # noqa: S603 - fixed argv
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "untranslated" not in result.stderr, f"{po}: {result.stderr}"
        assert "fuzzy" not in result.stderr, f"{po}: {result.stderr}"


def _normalised(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return re.sub(r'^"POT-Creation-Date: .*\\n"$', "", text, flags=re.MULTILINE)


def test_makemessages_leaves_the_catalogues_unchanged(tmp_path):
    before = {po: _normalised(po) for po in _catalogues()}
    backups = {locale: tmp_path / f"locale{i}" for i, locale in enumerate(LOCALE_DIRS)}
    for locale, backup in backups.items():
        shutil.copytree(locale, backup)
    try:
        for domain in ("django", "djangojs"):
            call_command(
                "makemessages",
                all=True,
                no_location=True,
                domain=domain,
                verbosity=0,
                ignore_patterns=[".venv", "node_modules", "var"],
            )
        after = {po: _normalised(po) for po in _catalogues()}
    finally:
        for locale, backup in backups.items():
            shutil.rmtree(locale)
            shutil.copytree(backup, locale)
    base = Path(settings.BASE_DIR)
    changed = sorted(str(po.relative_to(base)) for po in after if before.get(po) != after[po])
    assert changed == [], f"run `make messages` and translate: {changed}"


# Every screen a sex worker sees (issue 13): the layout, her home and account
# pages, the directory, the report pages, feedback, panic, check-in and circle,
# with the API's sentences her screens show. Staff-only sources stay out (the
# 2FA and API-token pages, inboxes, consoles). An entry is a file, or a file
# and the names of its top-level classes or functions when the rest of the
# file is for staff (a model's labels, one form among the staff's).
WORKER_SCREENS: list[str | tuple[str, tuple[str, ...]]] = [
    # The layout around every page, the home page and the error pages.
    "umbrella/core/templates/core/base.html",
    "umbrella/core/templates/core/home.html",
    "umbrella/core/templates/400.html",
    "umbrella/core/templates/403.html",
    "umbrella/core/templates/404.html",
    "umbrella/alarms/templates/alarms/_pwa_head.html",
    # Her account: sign-up, sign-in, recovery, passphrase, her account's home,
    # and the messages of the forms, views, rate limits and sign-in backend.
    "umbrella/accounts/templates/accounts/_form.html",
    "umbrella/accounts/templates/accounts/home.html",
    "umbrella/accounts/templates/accounts/_worker_status.html",
    "umbrella/accounts/templates/accounts/account.html",
    "umbrella/accounts/templates/accounts/login.html",
    "umbrella/accounts/templates/accounts/signup.html",
    "umbrella/accounts/templates/accounts/recover.html",
    "umbrella/accounts/templates/accounts/recovery_codes.html",
    "umbrella/accounts/templates/accounts/regenerate_codes.html",
    "umbrella/accounts/templates/accounts/passphrase_change.html",
    "umbrella/accounts/templates/accounts/ratelimited.html",
    (
        "umbrella/accounts/forms.py",  # not the staff's 2FA code nor API tokens
        ("ChosenNameField", "NewPassphraseMixin", "SignUpForm", "RecoverForm"),
    ),
    ("umbrella/accounts/forms.py", ("SignInForm", "ConfirmPassphraseForm")),
    (
        "umbrella/accounts/views.py",
        ("ratelimited", "home", "account", "SignInView", "signup", "recover"),
    ),
    ("umbrella/accounts/views.py", ("regenerate_codes",)),
    ("umbrella/accounts/views.py", ("PassphraseChangeView",)),
    "umbrella/accounts/auth.py",
    "umbrella/accounts/ratelimits.py",
    ("umbrella/accounts/models.py", ("Role",)),  # her role on her account's page
    ("umbrella/accounts/menu.py", ("_worker",)),  # her section of the menu and home
    # The panic, check-in and circle screens.
    "umbrella/alarms/templates/alarms/panic.html",
    "umbrella/alarms/templates/alarms/checkin.html",
    "umbrella/alarms/templates/alarms/circle.html",
    "umbrella/alarms/templates/alarms/circle_confirm.html",
    "umbrella/alarms/templates/alarms/app_look.html",  # the phone's disguise
    "umbrella/alarms/disguise.py",
    "umbrella/alarms/forms.py",
    "umbrella/alarms/views.py",
    # Her circle page; not the invitations page of those asked into one.
    (
        "umbrella/alarms/circles/views.py",
        (
            "circle_state",
            "_reaches_somebody",
            "save_circle",
            "_settings_initial",
            "circle",
            "_save",
        ),
    ),
    "umbrella/api/errors.py",
    # The alarms API's sentences a sex worker's screens show: raising (the
    # 503 "call 112"), check-ins, her circle, her duress PIN, refusals.
    # (actions/duty.py is not here: shifts are set by establishments.)
    "umbrella/alarms/api.py",
    "umbrella/alarms/circles/api.py",
    "umbrella/alarms/establishments/api.py",
    "umbrella/alarms/exceptions.py",
    "umbrella/alarms/actions/alarms.py",
    "umbrella/alarms/actions/checkins.py",
    "umbrella/alarms/actions/circles.py",
    "umbrella/alarms/actions/idempotency.py",
    "umbrella/alarms/actions/pins.py",
    # The directory: list with its filters and map (directory.js takes its
    # words from the page's data- attributes; there is no djangojs string),
    # one place, the search's error sentences, and the labels of the choices
    # the pages show. pages.py and opening.py hold no message.
    "umbrella/directory/templates/directory/list.html",
    "umbrella/directory/templates/directory/_place_item.html",
    "umbrella/directory/templates/directory/detail.html",
    "umbrella/directory/views.py",
    "umbrella/directory/validation.py",
    ("umbrella/directory/models/common.py", ("Category", "TriState", "GenderFocus")),
    ("umbrella/directory/models/locations.py", ("FacilityKind", "Manager")),
    ("umbrella/directory/models/organisations.py", ("LanguageCode",)),
    # Finding a place by its name on the directory's and the report form's maps
    # (place-search.js takes its words from the include's data- attributes), and
    # what the search answers: the sentences of its 422 and 503.
    "umbrella/areas/templates/areas/_place_search.html",
    ("umbrella/areas/api.py", ("search_places", "_not_loaded")),
    "umbrella/training/templates/training/feedback_label.html",
    "umbrella/training/templates/training/feedback_link.html",
    # A sex worker's anonymous feedback on a service (issue 7: in all seven languages).
    "umbrella/training/templates/training/feedback_choose.html",
    "umbrella/training/templates/training/feedback_form.html",
    "umbrella/training/templates/training/feedback_thanks.html",
    "umbrella/training/feedback/forms.py",
    "umbrella/training/feedback/views.py",
    "umbrella/training/feedback/actions.py",
    # A report in her language, and its follow-up: a sex worker reporting
    # harassment follows her report there; the public list, one report and
    # her own reports, with the status names and filters they show.
    "umbrella/reports/templates/reports/new.html",
    "umbrella/reports/templates/reports/_duplicates.html",
    "umbrella/reports/templates/reports/thanks.html",
    "umbrella/reports/templates/reports/thanks_gone.html",
    "umbrella/reports/templates/reports/follow_up.html",
    "umbrella/reports/templates/reports/_facts.html",
    "umbrella/reports/templates/reports/_updates.html",
    "umbrella/reports/templates/reports/index.html",
    "umbrella/reports/templates/reports/detail.html",
    "umbrella/reports/templates/reports/mine.html",
    # Her report and its follow-up; not the bodies' figures.
    (
        "umbrella/reports/views.py",
        (
            "add_errors",
            "private",
            "language",
            "_categories_by_code",
            "new_report",
            "duplicates",
            "thanks",
            "_toilets",
            "_distance",
            "index",
            "detail",
            "photo",
            "_by_code",
            "_of_user",
            "_page",
            "_handle",
            "follow_up",
            "mine",
            "my_report",
        ),
    ),
    # What her report form and follow-up answer: refusals, the guard's
    # explanation, the photo's errors, and the "is it fixed?" e-mail.
    "umbrella/reports/actions/submit.py",
    "umbrella/reports/guard.py",
    "umbrella/reports/photos.py",
    ("umbrella/reports/actions/updates.py", ("reopen_report", "answer_fixed_question")),
    ("umbrella/reports/actions/maintenance.py", ("ask_fixed_question",)),
    ("umbrella/reports/forms.py", ("ReportForm", "FilterForm", "ReopenForm", "FixedForm")),
    (
        "umbrella/reports/models/reports.py",
        ("ReportStatus", "CloseReason", "ReporterKind", "FixedAnswer", "UpdateKind"),
    ),
]
WORKER_LANGUAGES = ["ro", "bg", "es", "pt"]
KEYWORDS = [
    "--keyword=gettext_noop", "--keyword=gettext_lazy", "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2", "--keyword=pgettext_lazy:1c,2", "--keyword=npgettext:1c,2,3",
    "--keyword=_", "--keyword=gettext", "--keyword=ngettext:1,2",
]  # fmt: skip


def _python_of(entry: str | tuple[str, tuple[str, ...]], tmp_path: Path, i: int) -> Path:
    """Return a Python file xgettext reads: the template's code, or the named definitions only."""
    name, names = entry if isinstance(entry, tuple) else (entry, ())
    source = Path(settings.BASE_DIR) / name
    text = source.read_text(encoding="utf-8")
    if name.endswith(".html"):
        from django.utils.translation.template import templatize

        text = templatize(text, origin=str(source))
    elif names:
        found: dict[str, str] = {}
        for node in ast.parse(text).body:
            if isinstance(node, ast.ClassDef | ast.FunctionDef):
                segment = ast.get_source_segment(text, node)
                assert segment is not None, f"{name}: no source for {node.name}"
                found[node.name] = segment
        assert set(names) <= set(found), f"{name}: no {sorted(set(names) - set(found))}"
        text = "\n\n".join(found[n] for n in names)
    else:
        return source
    target = tmp_path / f"source{i}.py"
    target.write_text(text, encoding="utf-8")
    return target


def _worker_template(tmp_path: Path) -> Path:
    """Extract the messages of the worker's screens, as makemessages would, into one .pot."""
    pots = []
    for i, entry in enumerate(WORKER_SCREENS):
        pot = tmp_path / f"{i}.pot"
        subprocess.run(  # noqa: S603 - fixed argv
            ["xgettext", "-L", "Python", "--from-code=UTF-8", "--no-location",  # noqa: S607
             "-o", str(pot), *KEYWORDS, str(_python_of(entry, tmp_path, i))],
            check=True,
        )  # fmt: skip
        if pot.exists():
            pots.append(str(pot))
    merged = tmp_path / "worker.pot"
    subprocess.run(["msgcat", "-o", str(merged), *pots], check=True)  # noqa: S603, S607
    return merged


def _msgids(po_text: str) -> list[str]:
    """Return the catalogue's message ids (long ones joined from their lines), not the header."""
    ids = []
    for first, rest in re.findall(r'^msgid "(.*)"\n((?:".*"\n)*)', po_text, re.M):
        text = first + "".join(re.findall(r'^"(.*)"$', rest, re.M))
        if text:
            ids.append(text)
    return ids


def test_every_worker_screen_source_exists():
    for entry in WORKER_SCREENS:
        name = entry[0] if isinstance(entry, tuple) else entry
        assert (Path(settings.BASE_DIR) / name).is_file(), name


@pytest.mark.parametrize("lang", WORKER_LANGUAGES)
def test_the_worker_screens_are_translated(lang, tmp_path):
    pot = _worker_template(tmp_path)
    assert pot.read_text(encoding="utf-8").count("msgid ") > 400  # the screens were found
    # The project's catalogue first, as Django looks it up (LOCALE_PATHS before apps).
    catalogue = tmp_path / f"{lang}-all.po"
    subprocess.run(  # noqa: S603 - fixed argv
        ["msgcat", "--use-first", "-o", str(catalogue), *map(str, _catalogues_of(lang))],  # noqa: S607
        check=True,
    )
    merged = tmp_path / f"{lang}.po"
    subprocess.run(  # noqa: S603 - fixed argv
        ["msgmerge", "-q", "--no-fuzzy-matching", "-o", str(merged),  # noqa: S607
         str(catalogue), str(pot)],
        check=True,
    )  # fmt: skip
    missing = tmp_path / "missing.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        subprocess.run(  # noqa: S603 - fixed argv
            ["msgattrib", flag, "--no-obsolete", "-o", str(missing), str(merged)],  # noqa: S607
            check=True,
        )
        ids = _msgids(missing.read_text(encoding="utf-8")) if missing.exists() else []
        assert ids == [], f"{lang}: {flag[2:]} on the worker's screens: {ids}"
        missing.unlink(missing_ok=True)
