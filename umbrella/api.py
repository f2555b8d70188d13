"""The JSON API (django-ninja): one versioned instance, one router per app."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from umbrella.accounts.api import router as auth_router
from umbrella.alarms.api import router as alarms_router
from umbrella.areas.api import router as areas_router
from umbrella.directory.api import router as directory_router
from umbrella.notify.api import router as notify_router

api = NinjaAPI(
    title="Umbrella Brussels API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    description=(
        "Public contracts of Umbrella Brussels. Authenticate with "
        "`Authorization: Bearer <token>` from `POST /api/v1/auth/token`."
    ),
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    """Answer 422 with a sentence a person can read, plus the field details."""
    fields = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        fields.append({"field": ".".join(location), "message": error.get("msg", "")})
    return api.create_response(
        request,
        {"detail": _("The request is not valid. Check the fields listed."), "errors": fields},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": _("Authentication required: send a valid bearer token.")}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """Answer malformed JSON with 422 like any other invalid input; keep other errors."""
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return api.create_response(
            request, {"detail": _("The request body is not valid JSON.")}, status=422
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("/auth/", auth_router, tags=["auth"])
api.add_router("/areas/", areas_router, tags=["areas"])
api.add_router("/", alarms_router, tags=["alarms"])
api.add_router("/notify/", notify_router, tags=["notify"])
api.add_router("/", directory_router, tags=["directory"])
