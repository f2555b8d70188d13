"""The shipped course loads with the loader (as many modules as have been written)."""

from __future__ import annotations

import pytest

from umbrella.training.courses.content_loader import CONTENT_DIR, course_directories, load_course
from umbrella.training.courses.models import STIGMA_COURSE_SLUG


@pytest.mark.django_db
def test_the_shipped_course_loads_and_every_quiz_can_be_drawn():
    directories = course_directories(CONTENT_DIR)
    assert CONTENT_DIR / STIGMA_COURSE_SLUG in directories
    result = load_course(CONTENT_DIR / STIGMA_COURSE_SLUG)
    course = result.course
    files = sorted((CONTENT_DIR / STIGMA_COURSE_SLUG / "modules").glob("*.toml"))
    assert course.modules.filter(retired=False).count() == len(files) >= 1
    for module in course.modules.all():
        assert module.lessons.exists()
        assert module.bank().count() >= course.questions_per_quiz
    again = load_course(CONTENT_DIR / STIGMA_COURSE_SLUG)
    assert (again.created, again.updated, again.retired) == ([], [], [])
