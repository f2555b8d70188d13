"""HSDS 3.0 read API at /api/hsds/ (no language prefix). See ``hsds_api.py``."""

from django.urls import path, re_path

from umbrella.directory import hsds_api

app_name = "hsds"

urlpatterns = [
    path("", hsds_api.meta, name="meta"),
    path("services", hsds_api.services, name="services"),
    path("services/<str:hsds_id>", hsds_api.service, name="service"),
    path("service_at_locations", hsds_api.service_at_locations, name="service_at_locations"),
    path(
        "service_at_locations/<str:hsds_id>",
        hsds_api.service_at_location,
        name="service_at_location",
    ),
    path("organizations", hsds_api.organizations, name="organizations"),
    path("organizations/<str:hsds_id>", hsds_api.organization, name="organization"),
    # Any other address under /api/hsds/ answers JSON too, not the HTML 404 page.
    re_path(r"^.*$", hsds_api.not_found),
]
