"""Root URLs: the API and health check without a language, pages with one."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from umbrella.accounts.views import StaffSignInCallbackView
from umbrella.api.v1 import api
from umbrella.areas import tiles
from umbrella.core import views as core_views
from umbrella.training.courses.urls import verify_urlpatterns

# The site's own 400 and 403 pages give a Refused's or Malformed's sentence (core/exceptions.py).
handler400 = core_views.bad_request
handler403 = core_views.permission_denied

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/live", core_views.healthz_live, name="healthz-live"),
    path("metrics", core_views.metrics, name="metrics"),
    # GET /api/v1/alarms/stream (server-sent events) never reaches these: umbrella/asgi.py
    # hands it to notify/stream.py before Django.
    path("api/v1/", api.urls),
    path("open311/v2/", include("umbrella.reports.open311.urls")),
    path("api/hsds/", include("umbrella.directory.hsds.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff sign-in's return from the OpenID Connect provider: one fixed
    # address to register there, whatever the language (docs/accounts.md).
    path("oidc/callback/", StaffSignInCallbackView.as_view(), name="oidc-callback"),
    # The self-hosted base map, when a deployer installed one (docs/areas.md).
    path("tiles/base.pmtiles", tiles.base_map, name="base-map-tiles"),
]

urlpatterns += i18n_patterns(
    path("", include("umbrella.core.urls")),
    path("areas/", include("umbrella.areas.urls")),
    path("accounts/", include("umbrella.accounts.urls")),
    path("alarms/", include("umbrella.alarms.urls")),
    path("directory/", include("umbrella.directory.urls")),
    path("reports/", include("umbrella.reports.urls")),
    path("platform/", include("umbrella.consultation.urls")),
    path("training/", include("umbrella.training.urls")),
    path("observatory/", include("umbrella.observatory.urls")),
    path("verify/", include((verify_urlpatterns, "verify"))),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
