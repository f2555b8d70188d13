from django.urls import path

from umbrella.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.place_list, name="list"),
    path("place/<str:place_id>/", views.place_detail, name="detail"),
    path("export/hsds.json", views.export_hsds, name="export_hsds"),
    path("export/places.geojson", views.export_geojson, name="export_geojson"),
    path("export/places.csv", views.export_csv, name="export_csv"),
]
