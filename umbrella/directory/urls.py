from django.urls import path

from umbrella.directory import views_public

app_name = "directory"

urlpatterns = [
    path("", views_public.place_list, name="list"),
    path("place/<str:place_id>/", views_public.place_detail, name="detail"),
    path("export/hsds.json", views_public.export_hsds, name="export_hsds"),
    path("export/places.geojson", views_public.export_geojson, name="export_geojson"),
    path("export/places.csv", views_public.export_csv, name="export_csv"),
]
