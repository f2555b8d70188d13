from django.urls import path

from umbrella.alarms import (
    views,
    views_circle,
    views_disguise,
    views_establishment,
    views_invitations,
)

app_name = "alarms"

urlpatterns = [
    path("panic/", views.panic, name="panic"),
    path("checkin/", views.checkin, name="checkin"),
    path("circle/", views_circle.circle, name="circle"),
    path("look/", views_disguise.app_look, name="app_look"),
    path("invitations/", views_invitations.invitations, name="invitations"),
    path("console/", views.console, name="console"),
    path("establishments/", views_establishment.establishments, name="establishments"),
    path("establishments/<int:pk>/", views_establishment.establishment, name="establishment"),
    path(
        "establishments/<int:pk>/compliance/",
        views_establishment.compliance,
        name="compliance",
    ),
    # PWA plumbing: served under /<lang>/alarms/ so the worker's scope covers the pages.
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
