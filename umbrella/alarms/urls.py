app_name = "alarms"

urlpatterns: list = []
