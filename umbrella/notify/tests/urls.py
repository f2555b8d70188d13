"""Test URLs: the stream where umbrella/urls.py will mount it (the lead adds it there)."""

from django.urls import path

from umbrella import urls as project_urls
from umbrella.notify.views import alarm_stream

urlpatterns = [path("api/v1/alarms/stream", alarm_stream), *project_urls.urlpatterns]
