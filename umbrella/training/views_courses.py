"""The learner's pages: courses, lessons, quizzes, certificates (the check: views_verify)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language

from umbrella.training import actions_courses, queries, queries_feedback
from umbrella.training.certificates import certificate_pdf
from umbrella.training.forms_courses import QuizForm
from umbrella.training.models import Attempt, Course, Module
from umbrella.training.rendering import render_markdown

CONTENT_LANGUAGES = ("nl", "fr", "en")


def content_language() -> str:
    """Return the language the course text is shown in: the page's, else English."""
    language = (get_language() or "en").split("-")[0]
    return language if language in CONTENT_LANGUAGES else "en"


def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    user = request.user
    courses = [
        queries.course_progress(user, course, now) for course in queries.courses_for_learners()
    ]
    context = {
        "courses": courses,
        "language": content_language(),
        "certificates": queries.user_certificates(user) if user.is_authenticated else [],
        "cohorts": queries.user_cohorts(user, now) if user.is_authenticated else [],
        "managed": queries.managed_organisations(user) if user.is_authenticated else [],
        "now": now,
        # The stigma loop: where staff read what sex workers say, and who moderates it.
        "feedback_reader": user.is_authenticated
        and user.is_staff_role()
        and user.memberships.exists(),
        "feedback_moderator": queries_feedback.is_moderator(user),
    }
    return render(request, "training/index.html", context)


def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = get_object_or_404(Course, slug=course)
    progress = queries.course_progress(request.user, course_obj, timezone.now())
    if not progress.modules:
        raise Http404
    return render(
        request,
        "training/course.html",
        {"course": course_obj, "progress": progress, "language": content_language()},
    )


def _module(course: str, module: str) -> Module:
    return get_object_or_404(
        Module.objects.select_related("course"), course__slug=course, slug=module, retired=False
    )


def module_detail(request: HttpRequest, course: str, module: str) -> HttpResponse:
    module_obj = _module(course, module)
    lessons = list(module_obj.lessons.order_by("position"))
    progress = queries.course_progress(request.user, module_obj.course, timezone.now())
    mine = next(m for m in progress.modules if m.module.pk == module_obj.pk)
    open_attempt = (
        queries.open_attempt(request.user, module_obj) if request.user.is_authenticated else None
    )
    return render(
        request,
        "training/module.html",
        {
            "course": module_obj.course,
            "module": module_obj,
            "lessons": lessons,
            "mine": mine,
            "open_attempt": open_attempt,
            "language": content_language(),
        },
    )


def lesson_detail(request: HttpRequest, course: str, module: str, lesson: str) -> HttpResponse:
    module_obj = _module(course, module)
    lessons = list(module_obj.lessons.order_by("position"))
    current = next((item for item in lessons if item.slug == lesson), None)
    if current is None:
        raise Http404
    index = lessons.index(current)
    language = content_language()
    body, body_language = current.translated_with_language("body", language)
    return render(
        request,
        "training/lesson.html",
        {
            "course": module_obj.course,
            "module": module_obj,
            "lesson": current,
            "body": render_markdown(body),
            "body_language": body_language,
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "position": index + 1,
            "count": len(lessons),
            "language": language,
        },
    )


@login_required
def start_quiz(request: HttpRequest, course: str, module: str) -> HttpResponse:
    module_obj = _module(course, module)
    if request.method != "POST":
        # Someone sent to sign in from the "start the quiz" button comes back here with a
        # GET: show the module, whose button starts the quiz.
        return redirect("training:module", course=course, module=module)
    try:
        attempt = actions_courses.start_attempt(request.user, module_obj, timezone.now())
    except actions_courses.QuizError as error:
        return render(
            request,
            "training/module_error.html",
            {"course": module_obj.course, "module": module_obj, "error": str(error)},
            status=409,
        )
    return redirect("training:attempt", course=course, module=module, attempt=attempt.pk)


@login_required
def attempt_detail(request: HttpRequest, course: str, module: str, attempt: int) -> HttpResponse:
    attempt_obj = get_object_or_404(
        Attempt.objects.select_related("module__course"),
        pk=attempt,
        user=request.user,
        module__slug=module,
        module__course__slug=course,
    )
    language = content_language()
    items = list(
        attempt_obj.items.select_related("question")
        .prefetch_related("question__choices", "chosen")
        .order_by("position")
    )
    context = {
        "course": attempt_obj.module.course,
        "module": attempt_obj.module,
        "attempt": attempt_obj,
        "language": language,
    }
    if attempt_obj.is_finished():
        return _results(request, attempt_obj, items, context)
    form = QuizForm(items, language, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            actions_courses.submit_attempt(attempt_obj, form.answers(), timezone.now())
            return redirect(
                "training:attempt", course=course, module=module, attempt=attempt_obj.pk
            )
        return render(request, "training/quiz.html", context | {"form": form}, status=400)
    return render(request, "training/quiz.html", context | {"form": form})


def _results(request, attempt: Attempt, items, context) -> HttpResponse:
    language = context["language"]
    rows = []
    for number, item in enumerate(items, start=1):
        chosen = {c.pk for c in item.chosen.all()}
        rows.append(
            {
                "number": number,
                "text": item.question.translated("text", language),
                "explanation": item.question.translated("explanation", language),
                "is_correct": item.is_correct,
                "choices": [
                    {
                        "text": c.translated("text", language),
                        "chosen": c.pk in chosen,
                        "correct": c.is_correct,
                    }
                    for c in item.question.choices.all()
                ],
            }
        )
    progress = queries.course_progress(request.user, attempt.module.course, timezone.now())
    following = next(
        (m.module for m in progress.modules if not m.passed and m.module.pk != attempt.module_id),
        None,
    )
    return render(
        request,
        "training/results.html",
        context
        | {
            "rows": rows,
            "right": sum(1 for r in rows if r["is_correct"]),
            "total": len(rows),
            "progress": progress,
            "following": following,
        },
    )


@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = queries.certificate_by_code(code)
    if certificate is None or certificate.user_id != request.user.pk:
        raise Http404
    response = HttpResponse(
        certificate_pdf(certificate, content_language()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response
