"""The courses' pages: the learner's (courses, lessons, quizzes, certificates); enrolment
(join a group, accept an invitation, manage an organisation's groups) and coverage (per
organisation, per municipality, region-wide); and the public certificate check,
/<lang>/verify/ (a form to type the code) and /<lang>/verify/<code> (the QR code of a
certificate leads here), which answers the minimum, never the holder's name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from umbrella.accounts.models import Organisation
from umbrella.training.courses import actions, queries
from umbrella.training.courses.forms import CohortForm, InviteForm, JoinForm, QuizForm, VerifyForm
from umbrella.training.courses.models import Attempt, Cohort, Course, Module
from umbrella.training.feedback.queries import is_moderator

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
        "feedback_moderator": is_moderator(user),
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
    # Imported here, as certificate_pdf below: markdown-it and nh3 (~9 MB),
    # reportlab and segno (~25 MB) load in the processes that show a lesson or
    # a certificate, not in every web process (bench/alarm_latency.py, RSS).
    from umbrella.training.courses.rendering import render_markdown

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
        attempt = actions.start_attempt(request.user, module_obj, timezone.now())
    except actions.QuizError as error:
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
            actions.submit_attempt(attempt_obj, form.answers(), timezone.now())
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
    from umbrella.training.courses.certificates import certificate_pdf

    response = HttpResponse(
        certificate_pdf(certificate, content_language()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


# --- Enrolment and coverage ---------------------------------------------------


@login_required
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.join_with_code(request.user, form.cleaned_data["code"], timezone.now())
        except actions.EnrolmentError as error:
            form.add_error("code", str(error))
        else:
            messages.success(
                request,
                _("You joined the training group %(name)s.") % {"name": member.cohort.name},
            )
            return redirect("training:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "training/join.html", {"form": form}, status=status)


@login_required
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.invitation_by_token(token)
    if invitation is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            member = actions.accept_invitation(request.user, invitation, timezone.now())
        except actions.EnrolmentError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("You joined the training group %(name)s.") % {"name": member.cohort.name},
            )
            return redirect("training:index")
    return render(
        request,
        "training/accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


def _managed(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not queries.is_manager(request.user, organisation):
        raise Http404
    return organisation


@login_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _managed(request, pk)
    now = timezone.now()
    form = CohortForm(request.POST or None, today=timezone.localdate(now))
    if request.method == "POST" and form.is_valid():
        try:
            cohort = actions.create_cohort(
                request.user,
                organisation,
                form.cleaned_data["course"],
                form.cleaned_data["name"],
                form.cleaned_data["deadline"],
            )
        except actions.EnrolmentError as error:
            form.add_error("name", str(error))
        else:
            return redirect("training:cohort", pk=organisation.pk, cohort=cohort.pk)
    cohorts = []
    for cohort in organisation.training_cohorts.select_related("course").order_by("deadline"):
        members = queries.cohort_members(cohort, now)
        cohorts.append(
            {
                "cohort": cohort,
                "members": len(members),
                "certified": sum(1 for m in members if m.certificate),
                "overdue": sum(1 for m in members if m.overdue),
            }
        )
    return render(
        request,
        "training/organisation.html",
        {
            "organisation": organisation,
            "coverage": queries.organisation_coverage(organisation, now),
            "cohorts": cohorts,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cohort(request: HttpRequest, pk: int, cohort: int) -> HttpResponse:
    organisation = _managed(request, pk)
    cohort_obj = get_object_or_404(
        Cohort.objects.select_related("course"), pk=cohort, organisation=organisation
    )
    now = timezone.now()
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.invite_by_email(
            request.user,
            cohort_obj,
            form.cleaned_data["email"],
            now,
            language=(get_language() or "en")[:2],
        )
        messages.success(
            request,
            _("The invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("training:cohort", pk=organisation.pk, cohort=cohort_obj.pk)
    return render(
        request,
        "training/cohort.html",
        {
            "organisation": organisation,
            "cohort": cohort_obj,
            "members": queries.cohort_members(cohort_obj, now),
            "modules": queries.course_modules(cohort_obj.course).count(),
            "pending": cohort_obj.invitations.filter(accepted_at__isnull=True).count(),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


def coverage(request: HttpRequest) -> HttpResponse:
    """The public, region-wide view: every public service's share of staff trained.

    Figures about fewer than 5 staff are withheld (and totals that would give them away):
    the organisation's managers see their own exact figures on the organisation's page.
    """
    now = timezone.now()
    municipalities = queries.municipality_coverage(now)
    regional = queries.regional_coverage(now)
    region = queries.region_coverage(now)
    return render(
        request,
        "training/coverage.html",
        {
            "region": region,
            "region_shown": queries.total_is_shown(
                region, queries.region_withheld(municipalities, regional)
            ),
            "municipalities": municipalities,
            "regional": regional,
            "min_staff": queries.MIN_STAFF_SHOWN,
            "expiring_days": queries.EXPIRING_DAYS,
            "now": now,
        },
    )


# --- The public certificate check ---------------------------------------------


def verify_form(request: HttpRequest) -> HttpResponse:
    """Offer the form; send a known code to its result, answer the form again otherwise.

    A malformed code answers 400 and a well-formed one that no valid
    certificate carries 404, each with the form and a sentence saying why.
    """
    if "code" not in request.GET:
        return render(request, "training/verify_form.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if _shown_certificate(code) is not None:
            return redirect("verify:certificate", code=code)
        form.add_error("code", _("No valid certificate has this code."))
        status = 404
    else:
        status = 400
    return render(request, "training/verify_form.html", {"form": form}, status=status)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public check of a certificate: valid or expired, the course, the dates; no name."""
    certificate = _shown_certificate(code)
    status = certificate.status_at(timezone.now()) if certificate is not None else None
    return render(
        request,
        "training/verify.html",
        {
            "certificate": certificate,
            "status": status,
            "code": code,
            "language": content_language(),
            # A wrong code scanned or typed: the form is right there to try again.
            "form": VerifyForm() if certificate is None else None,
        },
        status=200 if certificate is not None else 404,
    )


def _shown_certificate(code: str):
    """Return the certificate with this code unless it was withdrawn (it then is no longer one)."""
    certificate = queries.certificate_by_code(code)
    if certificate is None or certificate.status_at(timezone.now()) == "revoked":
        return None
    return certificate
