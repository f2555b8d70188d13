"""docs/architecture.md describes the tree as it is: the apps, their concern sub-packages,
the modules split into packages; no module named for half of another, none over 500 lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "umbrella"
DOC = ROOT / "docs" / "architecture.md"
# Modules of the flat anatomy that grew into a package of the same name.
LAYERS = {"models", "actions", "queries", "views", "api", "urls", "admin", "tasks", "schemas"}
# Folders that are neither a concern nor a layer: Django's and Python's own.
NOT_CONCERNS = {"tests", "migrations", "management", "templatetags", "locale", "static"}
NOT_CONCERNS |= {"templates", "content", "__pycache__"}
# Names with an underscore that are not one module's half: Django's and the
# logging module's own terms, a template tag library (named in templates), and
# what the module holds said in two words.
WHOLE_NAMES = {
    "context_processors.py",
    "log_filters.py",
    "locate_index.py",
    "base_map.py",
    "content_loader.py",
    "training_courses.py",
    "training_labels.py",
}
MAX_LINES = 500


def _documented() -> dict[str, tuple[set[str], set[str]]]:
    """Return app → (concern sub-packages, layer packages) from the doc's app layout table."""
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- app layout")[1].split("<!-- end of app layout -->")[0]
    apps = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        app = cells[0].strip("`")
        concerns = set(re.findall(r"`([a-z0-9_]+)/`", cells[1]))
        layers = set(re.findall(r"`([a-z0-9_]+)/`", cells[2]))
        apps[app] = (concerns, layers)
    return apps


def _packages(app_dir: Path) -> set[str]:
    return {
        p.name
        for p in app_dir.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_CONCERNS
    }


def _source_files():
    for path in PACKAGE.rglob("*.py"):
        parts = set(path.relative_to(PACKAGE).parts)
        if parts & {"tests", "migrations", "__pycache__"}:
            continue
        yield path


def test_the_documented_apps_are_the_installed_ones():
    installed = {
        app.split(".")[1] for app in settings.INSTALLED_APPS if app.startswith("umbrella.")
    }
    assert set(_documented()) == installed


def test_each_app_has_the_documented_sub_packages():
    for app, (concerns, layers) in _documented().items():
        found = _packages(PACKAGE / app)
        assert found == concerns | layers, f"{app}: folders {sorted(found)}"
        assert layers <= LAYERS, f"{app}: {sorted(layers - LAYERS)} is not a module of the anatomy"
        assert not concerns & LAYERS, f"{app}: a concern named like a layer"


def test_no_module_is_named_for_half_of_another():
    halves = sorted(
        str(path.relative_to(ROOT))
        for path in _source_files()
        if "_" in path.stem.strip("_")
        and path.name not in WHOLE_NAMES
        and "management" not in path.parts
    )
    assert halves == []


def test_no_module_is_over_500_lines():
    long = sorted(
        f"{path.relative_to(ROOT)}: {n}"
        for path in _source_files()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert long == []


def test_the_alarm_walk_names_at_most_ten_files_and_each_exists():
    text = DOC.read_text(encoding="utf-8")
    walk = text.split("## Follow an alarm", 1)[1].split("\n## ", 1)[0]
    files = set(re.findall(r"`([a-z_/]+\.(?:py|js))`", walk))
    assert 5 <= len(files) <= 10, sorted(files)
    assert [f for f in sorted(files) if not (PACKAGE / f).is_file()] == []


# The base apps, lowest first: each may import only those below it (and the
# project's base modules); every domain app may import any of them.
BASE_LEVELS = {"core": 0, "areas": 1, "accounts": 2}
# Project modules under umbrella/ that are not apps, with the level they sit at.
PROJECT_MODULES = {"env": 0, "api.errors": 0, "api.openapi": 0, "api.schemas": 0}
# Imports against the direction still to fix; never add one (find the app's
# module instead, as accounts/menu.py, areas/references.py and core/indicators.py do).
KNOWN_UPWARD_IMPORTS: set[tuple[str, str]] = set()


def _imported_modules(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _level(module: str) -> tuple[str, int]:
    """Return (what ``umbrella.<module>`` is, its level; 99 for a domain app or the top)."""
    rest = module.split(".", 1)[1]
    for name, level in PROJECT_MODULES.items():
        if rest == name or rest.startswith(name + "."):
            return name, level
    app = rest.split(".")[0]
    return app, BASE_LEVELS.get(app, 99)


def test_base_apps_import_only_what_lies_below_them():
    """core ← areas ← accounts ← the domain apps (docs/architecture.md)."""
    upward = set()
    for path in _source_files():
        app = path.relative_to(PACKAGE).parts[0]
        if app not in BASE_LEVELS:
            continue
        for module in _imported_modules(path):
            if not module.startswith("umbrella.") or module.split(".")[1] == app:
                continue
            target, level = _level(module)
            if level >= BASE_LEVELS[app]:
                upward.add((str(path.relative_to(ROOT)), target.split(".")[0]))
    assert upward == KNOWN_UPWARD_IMPORTS
