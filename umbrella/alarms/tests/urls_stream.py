"""Test URLs: the project's, plus the alarm stream where umbrella/urls.py will mount it."""

from django.urls import path

from umbrella import urls as project_urls
from umbrella.notify.views import alarm_stream

urlpatterns = [path("api/v1/alarms/stream", alarm_stream), *project_urls.urlpatterns]
