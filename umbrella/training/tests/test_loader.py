"""The content loader: validation with clear messages, idempotent loads, updates by slug."""

from __future__ import annotations

import io
import textwrap

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from umbrella.training.courses.content_loader import ContentError, load_course
from umbrella.training.models import Choice, Course, Lesson, Module, Question

COURSE = """\
slug = "mini"
version = 1
passing_score = 80
questions_per_quiz = 2
certificate_valid_days = 730
refresher_due_days = 60
title = { nl = "Mini NL", fr = "Mini FR", en = "Mini EN" }
summary = { nl = "S nl", fr = "S fr", en = "S en" }
"""


def module_toml(
    slug: str, questions: list[str], kind: str = "single", title_en: str = "T en"
) -> str:
    parts = [
        f'slug = "{slug}"\nestimated_minutes = 10\n',
        f'title = {{ nl = "T nl", fr = "T fr", en = "{title_en}" }}\n',
        'summary = { nl = "S nl", fr = "S fr", en = "S en" }\n',
        textwrap.dedent(
            f"""
            [[lessons]]
            slug = "{slug}-lesson"
            title = {{ nl = "L nl", fr = "L fr", en = "L en" }}
            body.nl = "### Kop\\n\\nTekst."
            body.fr = "### Titre\\n\\nTexte."
            body.en = "### Head\\n\\nText."
            """
        ),
    ]
    for q in questions:
        parts.append(
            textwrap.dedent(
                f"""
                [[questions]]
                slug = "{q}"
                kind = "{kind}"
                text = {{ nl = "V {q}", fr = "Q {q}", en = "Q {q}" }}
                explanation = {{ nl = "Uitleg", fr = "Explication", en = "Explanation" }}
                [[questions.choices]]
                correct = true
                text = {{ nl = "ja", fr = "oui", en = "yes" }}
                [[questions.choices]]
                correct = false
                text = {{ nl = "nee", fr = "non", en = "no" }}
                """
            )
        )
    return "".join(parts)


@pytest.fixture
def course_dir(tmp_path):
    directory = tmp_path / "mini"
    (directory / "modules").mkdir(parents=True)
    (directory / "course.toml").write_text(COURSE)
    (directory / "modules" / "01-first.toml").write_text(module_toml("first", ["q1", "q2", "q3"]))
    (directory / "modules" / "02-second.toml").write_text(module_toml("second", ["q4", "q5"]))
    return directory


@pytest.mark.django_db
def test_load_creates_the_course(course_dir):
    result = load_course(course_dir)
    course = Course.objects.get(slug="mini")
    assert result.course == course
    assert (course.title_nl, course.title_fr, course.questions_per_quiz) == (
        "Mini NL",
        "Mini FR",
        2,
    )
    assert list(course.modules.values_list("slug", "position")) == [("first", 1), ("second", 2)]
    assert Lesson.objects.filter(module__course=course).count() == 2
    assert Question.objects.filter(module__course=course).count() == 5
    q1 = Question.objects.get(slug="q1")
    assert list(q1.choices.values_list("position", "is_correct", "text_fr")) == [
        (1, True, "oui"),
        (2, False, "non"),
    ]


@pytest.mark.django_db
def test_load_is_idempotent(course_dir):
    load_course(course_dir)
    ids = sorted(Question.objects.values_list("pk", flat=True))
    again = load_course(course_dir)
    assert (again.created, again.updated, again.retired) == ([], [], [])
    assert sorted(Question.objects.values_list("pk", flat=True)) == ids
    assert (
        Course.objects.count() == 1 and Module.objects.count() == 2 and Choice.objects.count() == 10
    )


@pytest.mark.django_db
def test_load_updates_in_place_and_retires_what_left(course_dir):
    load_course(course_dir)
    module_pk = Module.objects.get(slug="first").pk
    q1_pk = Question.objects.get(slug="q1").pk
    (course_dir / "modules" / "01-first.toml").write_text(
        module_toml("first", ["q1", "q2"], title_en="New title")
    )
    (course_dir / "modules" / "02-second.toml").unlink()
    result = load_course(course_dir)
    first = Module.objects.get(slug="first")
    assert first.pk == module_pk and first.title_en == "New title"
    assert Question.objects.get(slug="q1").pk == q1_pk
    assert not Question.objects.get(slug="q3").in_bank  # kept for old attempts
    assert list(first.bank().values_list("slug", flat=True)) == ["q1", "q2"]
    assert Module.objects.get(slug="second").retired
    assert "mini/first" in result.updated and "mini/second" in result.retired


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: (d / "course.toml").write_text(COURSE.replace('fr = "Mini FR", ', "")),
            "mini/course.toml: title: needs exactly the keys nl, fr and en",
        ),
        (
            lambda d: (d / "course.toml").write_text(COURSE.replace("passing_score = 80", "")),
            "mini/course.toml: passing_score: missing",
        ),
        (
            lambda d: (d / "modules" / "01-first.toml").write_text(
                module_toml("first", ["q1"]).replace("correct = false", "correct = true")
            ),
            "mini/modules/01-first.toml: questions[0].choices: a single-choice question needs "
            "exactly one correct choice, found 2",
        ),
        (
            lambda d: (d / "modules" / "02-second.toml").write_text(module_toml("second", ["q1"])),
            "mini/modules/02-second.toml: questions[0].slug: 'q1' is already used in "
            "mini/modules/01-first.toml",
        ),
        (
            lambda d: (d / "modules" / "02-second.toml").write_text("slug = = 1"),
            "mini/modules/02-second.toml: not valid TOML",
        ),
        (
            lambda d: (d / "modules" / "02-second.toml").write_text(
                module_toml("second", ["q9"]).replace('en = "Q q9"', 'en = "  "')
            ),
            "mini/modules/02-second.toml: questions[0].text.en: must be a non-empty text",
        ),
        (
            lambda d: (d / "modules" / "02-second.toml").write_text(
                module_toml("other", ["q9"], kind="several")
            ),
            "mini/modules/02-second.toml: slug: 'other' differs from the file name's 'second'",
        ),
        (
            lambda d: (d / "modules" / "2-x.toml").write_text(module_toml("x", ["q9"])),
            "mini/modules/2-x.toml: the file name must be NN-<slug>.toml",
        ),
    ],
)
@pytest.mark.django_db
def test_invalid_files_fail_with_file_and_key_and_write_nothing(course_dir, mutate, message):
    mutate(course_dir)
    with pytest.raises(ContentError) as caught:
        load_course(course_dir)
    assert str(caught.value).startswith(message)
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_the_command_loads_and_reports_errors(course_dir):
    out = io.StringIO()
    call_command("load_training", str(course_dir), stdout=out)
    assert "mini:" in out.getvalue() and Course.objects.filter(slug="mini").exists()
    (course_dir / "course.toml").write_text(COURSE.replace("version = 1", 'version = "one"'))
    with pytest.raises(CommandError, match=r"mini/course.toml: version: expected a whole number"):
        call_command("load_training", str(course_dir), stdout=io.StringIO())
