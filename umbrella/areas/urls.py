from django.urls import path

from umbrella.areas import views

app_name = "areas"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("police-zones/", views.police_zones, name="police_zones"),
    path("police-zones/<str:code>/", views.police_zone, name="police_zone"),
]
