"""The environment table in docs/deployment.md and the code read the same variables.

An operator configures Umbrella from that table alone, so:

- the environment is read only in ``umbrella/settings/`` (through the helpers
  of ``umbrella/env.py``); every other module reads ``settings.X``;
- every variable the settings read is a row of the table, and every row is a
  variable the settings read (no stale rows), each named once;
- code reads only settings that exist (the settings' or Django's), never with a
  fallback (``getattr(settings, "X", default)``), and every setting taken from
  the environment is used somewhere;
- the test suite's own variables (``CI``, ``CHROMIUM_PATH``) have a table of
  their own in the same page, and are read only by test code.

The code is read as Python syntax trees, not with regular expressions, so a
comment or a docstring that names a variable is not a read.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache
from pathlib import Path

from django.conf import global_settings, settings

from umbrella.env import parse_email_url

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "umbrella"
DOC = ROOT / "docs" / "deployment.md"
# The settings package: one module per concern (umbrella/settings/__init__.py says which).
SETTINGS_FILES = frozenset((PACKAGE / "settings").glob("*.py"))
ENV_FILE = PACKAGE / "env.py"
PRODUCTION_FILE = PACKAGE / "production.py"

# umbrella/env.py's readers; production.py receives is_set as "configured".
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_choice", "is_set", "configured"}
# Test-only modules outside a tests/ folder.
TEST_MODULES = {PACKAGE / "browser.py", PACKAGE / "testing.py"}
# Uses of os.environ outside env.py that read no variable of ours, with why.
ALLOWED_ENVIRON = {
    # Django's own bootstrap variable: which settings module to load.
    ("asgi.py", "DJANGO_SETTINGS_MODULE"),
    # serve hands its whole environment to the web processes it starts.
    ("core/management/commands/serve.py", "copy"),
    # backup hands pg_dump and pg_restore the environment plus libpq's
    # variables (the password never on a command line).
    ("core/backup.py", "copy"),
}
NAME = re.compile(r"`([A-Z][A-Z0-9_]*)`")


def _is_test_code(path: Path) -> bool:
    return "tests" in path.relative_to(PACKAGE).parts or path in TEST_MODULES


@cache
def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")}


def _production_modules() -> dict[Path, ast.Module]:
    return {path: tree for path, tree in _modules().items() if not _is_test_code(path)}


@cache
def _tables() -> dict[str, list[list[str]]]:
    """Return each table of docs/deployment.md by its first header cell: the names
    in the first cell of each row."""
    tables: dict[str, list[list[str]]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            current = None
            continue
        first = line.strip("|").split("|")[0].strip()
        if current is None:
            current = tables.setdefault(first, [])
        elif not set(first) <= set("-: "):
            current.append(NAME.findall(first))
    return tables


def _table_names(header: str) -> list[str]:
    rows = _tables()[header]
    assert rows, f"docs/deployment.md has no rows under '| {header} |'"
    return [name for row in rows for name in row]


def _callee(node: ast.Call) -> str | None:
    """Return the called function's name: ``f(…)`` or ``module.f(…)``, not ``obj.method(…)``
    (``threading.Event().is_set()`` is not env.py's ``is_set``)."""
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        if node.func.value.id in ("env", "os", "builtins"):
            return node.func.attr
    return None


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _helper_reads(tree: ast.Module) -> list[tuple[str | None, int]]:
    """Every call of an env.py reader: (the variable's name, or None when not a literal; line)."""
    return [
        (_string(node.args[0]) if node.args else None, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _callee(node) in ENV_HELPERS
    ]


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _environ_uses(tree: ast.Module) -> list[tuple[str, int, bool]]:
    """Every use of ``os.environ``/``os.getenv``: (the variable, or the method called
    on the whole environment, or "?"; line; whether it reads a variable)."""
    parents = _parents(tree)
    uses = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute | ast.Name):
            continue
        is_environ = (
            isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")
        ) or (isinstance(node, ast.Name) and node.id in ("environ", "getenv"))
        if not is_environ:
            continue
        parent = parents.get(node)
        what, reads = "?", False
        if isinstance(parent, ast.Subscript):  # os.environ["X"], read or written
            what, reads = _string(parent.slice) or "?", isinstance(parent.ctx, ast.Load)
        elif isinstance(parent, ast.Attribute):  # os.environ.get("X") / .copy()
            call = parents.get(parent)
            what = parent.attr
            if isinstance(call, ast.Call) and call.args and _string(call.args[0]):
                what, reads = _string(call.args[0]) or "?", parent.attr in ("get", "pop")
        elif isinstance(parent, ast.Call) and parent.func is node and parent.args:  # getenv("X")
            what, reads = _string(parent.args[0]) or "?", True
        elif isinstance(parent, ast.Call):  # dict(os.environ, …): the whole environment
            what = "copy"
        elif isinstance(parent, ast.Compare):  # "X" in os.environ
            what, reads = _string(parent.left) or "?", True
        uses.append((what, node.lineno, reads))
    return uses


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _settings_py_reads() -> list[str]:
    names = [name for path in SETTINGS_FILES for name, _ in _helper_reads(_modules()[path])]
    names += [name for name, _ in _helper_reads(_modules()[PRODUCTION_FILE])]
    assert None not in names, "the settings read a variable whose name is not a literal"
    return [name for name in names if name is not None]


def test_the_environment_is_read_only_in_settings():
    stray = []
    for path, tree in _production_modules().items():
        if path not in SETTINGS_FILES | {ENV_FILE, PRODUCTION_FILE}:
            stray += [f"{_rel(path)}:{line} {name}" for name, line in _helper_reads(tree)]
        if path != ENV_FILE:
            stray += [
                f"{_rel(path)}:{line} os.environ {what}"
                for what, line, _ in _environ_uses(tree)
                if (_rel(path), what) not in ALLOWED_ENVIRON
            ]
    assert stray == [], "read the environment in umbrella/settings/, then settings.X"


def test_every_variable_read_is_in_the_table():
    documented = set(_table_names("variable"))
    missing = sorted(set(_settings_py_reads()) - documented)
    assert missing == [], f"add these to the table in docs/deployment.md: {missing}"


def test_every_row_of_the_table_is_read():
    stale = sorted(set(_table_names("variable")) - set(_settings_py_reads()))
    assert stale == [], f"docs/deployment.md lists variables nothing reads: {stale}"


def test_each_variable_has_one_row():
    for header in ("variable", "test variable"):
        twice = [name for name, n in Counter(_table_names(header)).items() if n > 1]
        assert twice == [], f"listed more than once in '| {header} |': {twice}"


def test_the_test_suites_variables_have_their_own_table_and_only_tests_read_them():
    documented = set(_table_names("variable"))
    for_tests = set(_table_names("test variable"))
    read_by_tests: set[str] = set()
    for path, tree in _modules().items():
        if _is_test_code(path):
            read_by_tests |= {what for what, _, reads in _environ_uses(tree) if reads}
    assert sorted(read_by_tests - documented - for_tests) == []
    assert sorted(for_tests - read_by_tests) == [], "stale rows in the tests' table"
    assert for_tests & documented == set(), "a variable is in both tables"


def _defined_settings() -> set[str]:
    """Return every upper-case name the settings assign (inside if/else too)."""
    names = set()
    for node in (node for path in SETTINGS_FILES for node in ast.walk(_modules()[path])):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()}
    # EMAIL_URL's parts are set through globals().update(parse_email_url(…)).
    return names | set(parse_email_url("EMAIL_URL", "smtp://user:password@host:587"))


def _settings_read_in_code() -> dict[str, list[str]]:
    """Every ``settings.X`` read outside the settings (and ``s["X"]`` in production.py)."""
    reads: dict[str, list[str]] = {}
    for path, tree in _production_modules().items():
        if path in SETTINGS_FILES:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute | ast.Subscript):
                continue
            name = None
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "settings"
                and node.attr.isupper()
            ):
                name = node.attr
            elif (
                path == PRODUCTION_FILE
                and isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == "s"
            ):
                name = _string(node.slice)
            if name:
                reads.setdefault(name, []).append(f"{_rel(path)}:{node.lineno}")
    return reads


def test_code_reads_only_settings_that_exist():
    known = _defined_settings() | {name for name in dir(global_settings) if name.isupper()}
    unknown = {name: where for name, where in _settings_read_in_code().items() if name not in known}
    assert unknown == {}, "define these in umbrella/settings/ (from the environment if needed)"


def test_every_setting_from_the_environment_is_used():
    """A setting the settings take from the environment that nothing reads is a
    stale row waiting to happen: the operator sets it and nothing changes."""
    trees = [_modules()[path] for path in SETTINGS_FILES]
    from_environment = set()
    for node in (node for tree in trees for node in tree.body):
        if isinstance(node, ast.Assign) and _helper_reads(ast.Module(body=[node], type_ignores=[])):
            from_environment |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    # Names the settings themselves use after defining them (DEBUG in the key check, …).
    used_in_settings = {
        node.id
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    django_reads = {name for name in dir(global_settings) if name.isupper()}
    unused = sorted(
        from_environment - set(_settings_read_in_code()) - used_in_settings - django_reads
    )
    assert unused == [], f"settings taken from the environment that nothing reads: {unused}"


def test_nothing_reads_a_setting_with_a_fallback():
    """``getattr(settings, "X", default)`` hides a missing setting behind a second
    default; ``hasattr`` asks whether a setting exists. Both are refused in
    umbrella/, tests included."""
    found = []
    for path, tree in _modules().items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _callee(node) in ("getattr", "hasattr")
                and node.args
                and (
                    (isinstance(node.args[0], ast.Name) and node.args[0].id == "settings")
                    or (isinstance(node.args[0], ast.Attribute) and node.args[0].attr == "settings")
                )
            ):
                found.append(f"{_rel(path)}:{node.lineno}")
    assert found == [], "read settings.X: every setting is defined in umbrella/settings/"


def test_the_settings_modules_are_found():
    """Guard the guard: the package's modules, the ones that read the environment among them."""
    assert {path.name for path in SETTINGS_FILES} >= {"__init__.py", "base.py", "security.py"}
    assert {"SECRET_KEY", "DATABASE_URL", "LOG_FORMAT"} <= set(_settings_py_reads())


def test_the_table_parser_sees_the_tables():
    """Guard the guard: the parser finds both tables and a few known rows."""
    assert {"SECRET_KEY", "DATABASE_URL", "LOG_FORMAT"} <= set(_table_names("variable"))
    assert "CHROMIUM_PATH" in _table_names("test variable")
