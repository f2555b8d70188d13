from django.urls import path

from umbrella.areas import views

app_name = "areas"

urlpatterns = [
    path("map/", views.map_page, name="map"),
]
