"""Small courses built in the database for the tests (the real content has its own tests)."""

from __future__ import annotations

from umbrella.training.courses.models import STIGMA_COURSE_SLUG
from umbrella.training.models import Choice, Course, Lesson, Module, Question, QuestionKind


def _fields(name: str, text: str) -> dict[str, str]:
    return {f"{name}_{lang}": f"{text} [{lang}]" for lang in ("nl", "fr", "en")}


def make_course(
    slug: str = STIGMA_COURSE_SLUG,
    modules: int = 2,
    questions: int = 6,
    per_quiz: int = 5,
    passing_score: int = 80,
) -> Course:
    """Create a course of ``modules`` modules, each with one lesson and ``questions``
    questions: the odd ones single choice (first choice correct), the even ones
    multiple choice (first two correct, third wrong)."""
    course = Course.objects.create(
        slug=slug,
        passing_score=passing_score,
        questions_per_quiz=per_quiz,
        **_fields("title", f"Course {slug}"),
        **_fields("summary", "Summary"),
    )
    for m in range(1, modules + 1):
        module = Module.objects.create(
            course=course,
            slug=f"module-{m}",
            position=m,
            **_fields("title", f"Module {m}"),
            **_fields("summary", f"Summary {m}"),
        )
        Lesson.objects.create(
            module=module,
            slug=f"lesson-{m}",
            position=1,
            **_fields("title", f"Lesson {m}"),
            **_fields("body", f"### Heading {m}\n\nSome **text**."),
        )
        for q in range(1, questions + 1):
            kind = QuestionKind.SINGLE if q % 2 else QuestionKind.MULTIPLE
            question = Question.objects.create(
                module=module,
                slug=f"m{m}-q{q}",
                position=q,
                kind=kind,
                **_fields("text", f"Question {m}.{q}"),
                **_fields("explanation", f"Because {m}.{q}"),
            )
            for c in range(1, 4):
                correct = c == 1 or (kind == QuestionKind.MULTIPLE and c == 2)
                Choice.objects.create(
                    question=question,
                    position=c,
                    is_correct=correct,
                    **_fields("text", f"Choice {m}.{q}.{c}"),
                )
    return course


def right_answers(attempt) -> dict[int, list[int]]:
    """Return the correct answers of every question drawn for ``attempt``."""
    return {
        item.question_id: sorted(item.question.correct_choice_ids())
        for item in attempt.items.select_related("question")
    }


def wrong_answers(attempt, wrong: int) -> dict[int, list[int]]:
    """Return answers with the first ``wrong`` questions answered wrong."""
    answers = right_answers(attempt)
    for qid in list(answers)[:wrong]:
        wrong_choice = Choice.objects.filter(question_id=qid, is_correct=False).first()
        assert wrong_choice is not None, f"question {qid} has a wrong choice"
        answers[qid] = [wrong_choice.pk]
    return answers


def pass_course(user, course, now):
    """Pass every module's quiz of ``course`` as ``user`` at ``now``; return the attempts."""
    from umbrella.training.courses.actions import start_attempt, submit_attempt

    done = []
    for module in course.modules.filter(retired=False):
        attempt = start_attempt(user, module, now)
        done.append(submit_attempt(attempt, right_answers(attempt), now))
    return done
