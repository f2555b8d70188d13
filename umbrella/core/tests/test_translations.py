"""Translation catalogues: complete in nl and fr, and in sync with the code."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
COMPLETE = ["nl", "fr"]


def _catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("lang", COMPLETE)
def test_msgfmt_reports_no_untranslated_or_fuzzy_message(lang):
    files = sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po"))
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
    backup = tmp_path / "locale"
    shutil.copytree(LOCALE, backup)
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
        shutil.rmtree(LOCALE)
        shutil.copytree(backup, LOCALE)
    changed = sorted(str(po.relative_to(LOCALE)) for po in after if before.get(po) != after[po])
    assert changed == [], f"run `make messages` and translate: {changed}"
