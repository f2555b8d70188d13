"""The training app's JSON API routes (mounted at /api/v1/training/ in umbrella/api/v1.py).

Public contracts (docs/api.md):
- ``GET /api/v1/training/courses`` → the courses, each with ``id``, ``title``
  keyed by language and its ``modules``;
- ``GET /api/v1/training/certificates/<code>`` → ``{"status": "valid"|"expired",
  "course", "issued_at", "valid_until"}``, 404 for an unknown code. Nothing
  else: no name. A revoked certificate answers 404 like an unknown code.

The routes are the courses' (feedback has none). They stay in this module, not in
``courses/``, because django-ninja names each operation after its module
(``operationId`` ``umbrella_training_api_courses``), which generated clients use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from umbrella.areas.schemas import Error
from umbrella.training.courses import queries
from umbrella.training.courses.models import CertificateStatus

router = Router()


class TrainingTitle(Schema):
    nl: str
    fr: str
    en: str


class TrainingModule(Schema):
    id: str = Field(description="The module's slug, stable across releases.")
    position: int
    title: TrainingTitle
    estimated_minutes: int


class TrainingCourse(Schema):
    id: str = Field(description="The course's slug, stable across releases.")
    title: TrainingTitle
    modules: list[TrainingModule]


class TrainingCourseRef(Schema):
    id: str
    title: TrainingTitle


class TrainingCertificate(Schema):
    status: Literal["valid", "expired"]
    course: TrainingCourseRef
    issued_at: datetime
    valid_until: datetime


@router.get(
    "/courses",
    response=list[TrainingCourse],
    url_name="training_courses",
    summary="The training courses and their modules",
)
def courses(request: HttpRequest):
    """Return every published course with its modules, titles in nl, fr and en."""
    return [
        {
            "id": course.slug,
            "title": course.translations("title"),
            "modules": [
                {
                    "id": module.slug,
                    "position": module.position,
                    "title": module.translations("title"),
                    "estimated_minutes": module.estimated_minutes,
                }
                for module in queries.course_modules(course)
            ],
        }
        for course in queries.courses_for_learners()
    ]


@router.get(
    "/certificates/{code}",
    response={200: TrainingCertificate, 404: Error},
    url_name="training_certificate",
    summary="Check a certificate by its code",
)
def certificate(request: HttpRequest, code: str):
    """Answer whether the certificate with this code is valid or expired, with its
    course and dates. The holder's name is never given. Unknown (or revoked): 404."""
    found = queries.certificate_by_code(code)
    status = found.status_at(timezone.now()) if found is not None else None
    if found is None or status == CertificateStatus.REVOKED:
        return Status(404, {"detail": _("No certificate has this code.")})
    return Status(
        200,
        {
            "status": status,
            "course": {"id": found.course.slug, "title": found.course.translations("title")},
            "issued_at": found.issued_at,
            "valid_until": found.valid_until,
        },
    )
