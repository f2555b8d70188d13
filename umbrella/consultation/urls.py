from django.urls import path

from umbrella.consultation import views

app_name = "consultation"

urlpatterns = [
    path("", views.index, name="index"),
]
