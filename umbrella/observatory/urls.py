from django.urls import path

from umbrella.observatory import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
]
