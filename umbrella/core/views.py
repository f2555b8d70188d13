"""Pages every visitor sees, the health checks and the metrics."""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from umbrella.core import metrics as core_metrics
from umbrella.core.exceptions import Malformed, Refused
from umbrella.core.queries import (
    cache_is_up,
    database_is_up,
    last_worker_beat,
    pending_migrations,
    worker_is_alive,
)


@require_GET
def home(request):
    return render(request, "core/home.html")


@require_GET
def about(request):
    return render(request, "core/about.html")


@never_cache
@require_safe
def healthz_live(request):
    """Answer 200 while the process answers (liveness: restart it when this fails)."""
    return JsonResponse({"live": "ok"})


@never_cache
@require_safe
def healthz(request):
    """Answer 200 when the database, its schema, the cache and a worker are up; 503 naming
    what is down.

    Readiness: take the node out of rotation when this fails. A worker is up
    while some worker beat within ``WORKER_HEARTBEAT_MAX_AGE``; it beats
    however long its tasks rest, and stops only when one is stuck. The schema
    is down while a migration of this code is not applied: pages that need it
    would fail (``manage.py deploy`` applies them).
    """
    now = timezone.now()
    db_ok = database_is_up()
    beat = last_worker_beat() if db_ok else None
    worker_ok = db_ok and worker_is_alive(now)
    pending = pending_migrations() if db_ok else []
    body = {
        "database": "ok" if db_ok else "down",
        "schema": ("ok" if not pending else "down") if db_ok else "unknown",
        "cache": "ok" if cache_is_up() else "down",
        "worker": "ok" if worker_ok else "down",
        "worker_last_beat": beat.isoformat() if beat else None,
        "worker_max_age_seconds": settings.WORKER_HEARTBEAT_MAX_AGE,
    }
    if pending:
        body["pending_migrations"] = pending
    down = [name for name in ("database", "schema", "cache", "worker") if body[name] == "down"]
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)


@never_cache
@require_safe
def metrics(request):
    """Prometheus' text format (docs/operations.md): 404 unless ``METRICS_TOKEN`` is
    set, then only to ``Authorization: Bearer <METRICS_TOKEN>`` (compared in
    constant time)."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        return HttpResponse(
            "Send Authorization: Bearer <METRICS_TOKEN> to read the metrics.\n",
            status=401,
            content_type="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return HttpResponse(core_metrics.render(), content_type=core_metrics.CONTENT_TYPE)


def bad_request(request, exception):
    """The site's 400 page (``handler400``): a ``Malformed``'s own sentence, or the usual one."""
    return _refusal(request, "400.html", 400, exception, Malformed)


def permission_denied(request, exception):
    """The site's 403 page (``handler403``): a ``Refused``'s own sentence, else the general one."""
    return _refusal(request, "403.html", 403, exception, Refused)


def method_not_allowed(request, allow: str) -> HttpResponse:
    """The site's 405 page: what the page cannot do, in the page's language."""
    response = render(request, "405.html", status=405)
    response["Allow"] = allow
    response["Cache-Control"] = "private, no-store"
    return response


def _refusal(request, template: str, status: int, exception, readable: type) -> HttpResponse:
    # Only a refusal written for people is shown: other exceptions' texts are
    # developers' English (and may echo what the request sent).
    reason = str(exception) if isinstance(exception, readable) else ""
    response = render(request, template, {"reason": reason}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
