from django.urls import path

from umbrella.alarms import views
from umbrella.alarms.circles import views as circles
from umbrella.alarms.establishments import views as establishments

app_name = "alarms"

urlpatterns = [
    path("panic/", views.panic, name="panic"),
    path("checkin/", views.checkin, name="checkin"),
    path("circle/", circles.circle, name="circle"),
    path("look/", views.app_look, name="app_look"),
    path("invitations/", circles.invitations, name="invitations"),
    path("console/", views.console, name="console"),
    path("establishments/", establishments.establishments, name="establishments"),
    path("establishments/<int:pk>/", establishments.establishment, name="establishment"),
    path(
        "establishments/<int:pk>/compliance/",
        establishments.compliance,
        name="compliance",
    ),
    # PWA plumbing: served under /<lang>/alarms/ so the worker's scope covers the pages.
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
