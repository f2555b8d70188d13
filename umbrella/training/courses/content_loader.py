"""Load course content from TOML files into the database (``manage.py load_training``).

The format is described in docs/training.md ("Content files"). Every file is
validated first; the first problem stops the load with a message that names the
file and the key (``modules/02-rights.toml: questions[3].choices: …``), and
nothing is written. The load itself is one transaction and updates rows in place
by slug, so running it again changes nothing and attempts keep their questions:
a module or question that left the files is retired, not deleted.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from umbrella.training.courses.models import Choice, Course, Lesson, Module, Question, QuestionKind

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
LANGUAGES = ("nl", "fr", "en")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODULE_FILE = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.toml$")


class ContentError(Exception):
    """A content file that does not follow the format; the message names file and key."""


@dataclass
class LoadResult:
    course: Course
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


# --- Validation ----------------------------------------------------------------


class _Checker:
    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, key: str, message: str):
        raise ContentError(f"{self.filename}: {key}: {message}")

    def get(self, data: dict, key: str, where: str, kind: type | tuple[type, ...]):
        path = f"{where}.{key}" if where else key
        if key not in data:
            self.fail(path, "missing")
        value = data[key]
        if isinstance(value, bool) and kind is not bool:
            self.fail(path, f"expected {_kind_name(kind)}, found true/false")
        if not isinstance(value, kind):
            self.fail(path, f"expected {_kind_name(kind)}, found {type(value).__name__}")
        return value

    def integer(self, data: dict, key: str, where: str = "", *, low: int, high: int) -> int:
        value = self.get(data, key, where, int)
        if not low <= value <= high:
            self.fail(f"{where}.{key}" if where else key, f"must be between {low} and {high}")
        return value

    def slug(self, data: dict, key: str = "slug", where: str = "") -> str:
        value = self.get(data, key, where, str)
        if not SLUG.match(value) or len(value) > 80:
            self.fail(
                f"{where}.{key}" if where else key,
                f"{value!r} is not a slug (lower-case letters, digits and single hyphens)",
            )
        return value

    def text(self, data: dict, key: str, where: str = "") -> dict[str, str]:
        path = f"{where}.{key}" if where else key
        table = self.get(data, key, where, dict)
        if set(table) != set(LANGUAGES):
            found = ", ".join(sorted(table)) or "none"
            self.fail(path, f"needs exactly the keys nl, fr and en, found {found}")
        for language in LANGUAGES:
            value = table[language]
            if not isinstance(value, str) or not value.strip():
                self.fail(f"{path}.{language}", "must be a non-empty text")
        return {language: table[language].strip() for language in LANGUAGES}

    def array(self, data: dict, key: str, where: str = "") -> list[dict]:
        items = self.get(data, key, where, list)
        path = f"{where}.{key}" if where else key
        if not items:
            self.fail(path, "must not be empty")
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                self.fail(f"{path}[{i}]", "must be a table")
        return items


def _kind_name(kind) -> str:
    names = {
        int: "a whole number",
        str: "a text",
        dict: "a table",
        list: "an array",
        bool: "true or false",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _read(path: Path, display: str) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{display}: not valid TOML: {error}") from error
    except OSError as error:
        raise ContentError(f"{display}: cannot be read: {error.strerror}") from error


def parse_course(directory: Path) -> dict[str, Any]:
    """Read and validate a course directory; return plain data ready to load."""
    course_path = directory / "course.toml"
    display = f"{directory.name}/course.toml"
    if not course_path.is_file():
        raise ContentError(f"{display}: missing")
    data = _read(course_path, display)
    c = _Checker(display)
    course: dict[str, Any] = {
        "slug": c.slug(data),
        "version": c.integer(data, "version", low=1, high=10_000),
        "passing_score": c.integer(data, "passing_score", low=1, high=100),
        "questions_per_quiz": c.integer(data, "questions_per_quiz", low=1, high=100),
        "certificate_valid_days": c.integer(data, "certificate_valid_days", low=1, high=3650),
        "refresher_due_days": c.integer(data, "refresher_due_days", low=0, high=365),
        "title": c.text(data, "title"),
        "summary": c.text(data, "summary"),
        "modules": [],
    }
    if course["slug"] != directory.name:
        c.fail("slug", f"{course['slug']!r} differs from the directory name {directory.name!r}")
    if course["refresher_due_days"] >= course["certificate_valid_days"]:
        c.fail("refresher_due_days", "must be less than certificate_valid_days")
    module_dir = directory / "modules"
    paths = sorted(module_dir.glob("*.toml")) if module_dir.is_dir() else []
    if not paths:
        raise ContentError(f"{directory.name}/modules: no module files (NN-<slug>.toml)")
    question_slugs: dict[str, str] = {}
    positions: set[int] = set()
    for path in paths:
        module = _parse_module(path, f"{directory.name}/modules/{path.name}", question_slugs)
        if module["position"] in positions:
            raise ContentError(
                f"{directory.name}/modules/{path.name}: two modules are numbered {path.name[:2]}"
            )
        positions.add(module["position"])
        course["modules"].append(module)
    return course


def _parse_module(path: Path, display: str, question_slugs: dict[str, str]) -> dict[str, Any]:
    match = MODULE_FILE.match(path.name)
    if not match:
        raise ContentError(
            f"{display}: the file name must be NN-<slug>.toml (for example 01-the-law.toml)"
        )
    data = _read(path, display)
    c = _Checker(display)
    module: dict[str, Any] = {
        "position": int(match.group(1)),
        "slug": c.slug(data),
        "estimated_minutes": c.integer(data, "estimated_minutes", low=1, high=600),
        "title": c.text(data, "title"),
        "summary": c.text(data, "summary"),
        "lessons": [],
        "questions": [],
    }
    if module["slug"] != match.group(2):
        c.fail("slug", f"{module['slug']!r} differs from the file name's {match.group(2)!r}")
    lesson_slugs: set[str] = set()
    for i, lesson in enumerate(c.array(data, "lessons")):
        where = f"lessons[{i}]"
        slug = c.slug(lesson, where=where)
        if slug in lesson_slugs:
            c.fail(f"{where}.slug", f"{slug!r} is used twice in this module")
        lesson_slugs.add(slug)
        module["lessons"].append(
            {
                "slug": slug,
                "title": c.text(lesson, "title", where),
                "body": c.text(lesson, "body", where),
            }
        )
    for i, question in enumerate(c.array(data, "questions")):
        where = f"questions[{i}]"
        slug = c.slug(question, where=where)
        if slug in question_slugs:
            c.fail(f"{where}.slug", f"{slug!r} is already used in {question_slugs[slug]}")
        question_slugs[slug] = display
        kind = c.get(question, "kind", where, str)
        if kind not in QuestionKind.values:
            c.fail(f"{where}.kind", f'{kind!r} must be "single" or "multiple"')
        choices = []
        for j, choice in enumerate(c.array(question, "choices", where)):
            cw = f"{where}.choices[{j}]"
            correct = c.get(choice, "correct", cw, bool)
            choices.append({"correct": correct, "text": c.text(choice, "text", cw)})
        if len(choices) < 2:
            c.fail(f"{where}.choices", "needs at least two choices")
        right = sum(ch["correct"] for ch in choices)
        if kind == QuestionKind.SINGLE and right != 1:
            c.fail(
                f"{where}.choices",
                f"a single-choice question needs exactly one correct choice, found {right}",
            )
        if kind == QuestionKind.MULTIPLE and right < 1:
            c.fail(
                f"{where}.choices", "a multiple-choice question needs at least one correct choice"
            )
        module["questions"].append(
            {
                "slug": slug,
                "kind": kind,
                "text": c.text(question, "text", where),
                "explanation": c.text(question, "explanation", where),
                "choices": choices,
            }
        )
    return module


# --- Loading -------------------------------------------------------------------


def _translated(name: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{name}_{language}": values[language] for language in LANGUAGES}


def _upsert(model, result: LoadResult, label: str, lookup: dict, values: dict):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        result.created.append(label)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        result.updated.append(label)
    return obj


@transaction.atomic
def load_course(directory: Path) -> LoadResult:
    """Validate the course in ``directory`` and load it, updating rows in place."""
    data = parse_course(directory)
    course_values = {
        key: data[key]
        for key in (
            "version",
            "passing_score",
            "questions_per_quiz",
            "certificate_valid_days",
            "refresher_due_days",
        )
    }
    course_values |= _translated("title", data["title"]) | _translated("summary", data["summary"])
    course, created = Course.objects.get_or_create(slug=data["slug"], defaults=course_values)
    result = LoadResult(course=course)
    if created:
        result.created.append(course.slug)
    else:
        changed = [k for k, v in course_values.items() if getattr(course, k) != v]
        for k in changed:
            setattr(course, k, course_values[k])
        if changed:
            course.save()
            result.updated.append(course.slug)
    kept_modules = []
    for m in data["modules"]:
        label = f"{course.slug}/{m['slug']}"
        module = _upsert(
            Module,
            result,
            label,
            {"course": course, "slug": m["slug"]},
            {
                "position": m["position"],
                "estimated_minutes": m["estimated_minutes"],
                "retired": False,
            }
            | _translated("title", m["title"])
            | _translated("summary", m["summary"]),
        )
        kept_modules.append(module.pk)
        kept_lessons = []
        for position, lesson in enumerate(m["lessons"], start=1):
            obj = _upsert(
                Lesson,
                result,
                f"{label}/{lesson['slug']}",
                {"module": module, "slug": lesson["slug"]},
                {"position": position}
                | _translated("title", lesson["title"])
                | _translated("body", lesson["body"]),
            )
            kept_lessons.append(obj.pk)
        for gone in module.lessons.exclude(pk__in=kept_lessons):
            result.retired.append(f"{label}/{gone.slug}")
            gone.delete()
        kept_questions = []
        for position, q in enumerate(m["questions"], start=1):
            qlabel = f"{label}/{q['slug']}"
            question = _upsert(
                Question,
                result,
                qlabel,
                {"module": module, "slug": q["slug"]},
                {"position": position, "kind": q["kind"], "in_bank": True}
                | _translated("text", q["text"])
                | _translated("explanation", q["explanation"]),
            )
            kept_questions.append(question.pk)
            for cpos, ch in enumerate(q["choices"], start=1):
                _upsert(
                    Choice,
                    result,
                    f"{qlabel}#{cpos}",
                    {"question": question, "position": cpos},
                    {"is_correct": ch["correct"]} | _translated("text", ch["text"]),
                )
            for gone in question.choices.filter(position__gt=len(q["choices"])):
                result.retired.append(f"{qlabel}#{gone.position}")
                gone.delete()
        for gone in module.questions.filter(in_bank=True).exclude(pk__in=kept_questions):
            result.retired.append(f"{label}/{gone.slug}")
            gone.in_bank = False
            gone.save(update_fields=["in_bank"])
    for gone in course.modules.filter(retired=False).exclude(pk__in=kept_modules):
        result.retired.append(f"{course.slug}/{gone.slug}")
        gone.retired = True
        gone.save(update_fields=["retired"])
    return result


def course_directories(root: Path = CONTENT_DIR) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "course.toml").exists())
