"""The JSON API (django-ninja): one versioned instance, one router per app."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from umbrella.accounts.api import router as auth_router
from umbrella.alarms.api import router as alarms_router
from umbrella.api.errors import field_message, field_name, problem, problem_detail
from umbrella.api.openapi import LocalSwagger, UmbrellaNinjaAPI
from umbrella.areas.api import router as areas_router
from umbrella.consultation.api import router as consultation_router
from umbrella.directory.api import router as directory_router
from umbrella.notify.api import router as notify_router
from umbrella.observatory.api import router as observatory_router
from umbrella.reports.api import router as reports_router
from umbrella.training.api import router as training_router

api = UmbrellaNinjaAPI(
    title="Umbrella Brussels API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    docs=LocalSwagger(),
    openapi_url="/openapi.json",
    description=(
        "Public contracts of Umbrella Brussels. Authenticate with "
        "`Authorization: Bearer <token>` from `POST /api/v1/auth/token`."
    ),
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    """Answer 422 with sentences a person can read in her language, one per field.

    ``detail`` is the problem itself when there is one, else a pointer to
    ``errors`` (see umbrella/api/errors.py).
    """
    fields = [{"field": field_name(error), "message": field_message(error)} for error in exc.errors]
    return api.create_response(
        request, {"detail": problem_detail(fields), "errors": fields}, status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    response = api.create_response(
        request, {"detail": _("Authentication required: send a valid bearer token.")}, status=401
    )
    # RFC 9110 §11.6.1: a 401 names the scheme it wants.
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """Answer malformed JSON with 422 like any other invalid input; keep other errors.

    Every 422 has the documented shape, ``detail`` and ``errors``: a refusal
    that names no field is about the whole request (``"field": ""``).
    """
    status, message = exc.status_code, str(exc)
    if status == 400 and message.startswith("Cannot parse request body"):
        status, message = 422, _("The request body is not valid JSON.")
    if status == 422:
        return api.create_response(request, problem(message), status=422)
    return api.create_response(request, {"detail": message}, status=status)


api.add_router("/auth/", auth_router, tags=["auth"])
api.add_router("/areas/", areas_router, tags=["areas"])
api.add_router("/", alarms_router, tags=["alarms"])
api.add_router("/notify/", notify_router, tags=["notify"])
api.add_router("/", directory_router, tags=["directory"])
api.add_router("/", reports_router, tags=["reports"])
api.add_router("/", consultation_router, tags=["consultation"])
api.add_router("/training/", training_router, tags=["training"])
api.add_router("/", observatory_router, tags=["observatory"])
