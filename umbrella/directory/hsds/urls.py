"""HSDS 3.0 read API at /api/hsds/ (no language prefix). See ``api.py``."""

from django.urls import path, re_path

from umbrella.directory.hsds import api

app_name = "hsds"

urlpatterns = [
    path("", api.meta, name="meta"),
    path("services", api.services, name="services"),
    path("services/<str:hsds_id>", api.service, name="service"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path(
        "service_at_locations/<str:hsds_id>",
        api.service_at_location,
        name="service_at_location",
    ),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<str:hsds_id>", api.organization, name="organization"),
    # Any other address under /api/hsds/ answers JSON too, not the HTML 404 page.
    re_path(r"^.*$", api.not_found),
]
