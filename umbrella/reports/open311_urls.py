"""Open311 GeoReport v2 at /open311/v2/ (no language prefix)."""

app_name = "open311"

urlpatterns: list = []
