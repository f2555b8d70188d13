"""The links a message carries: the site's addresses, without the site's URL configuration."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from umbrella.notify import links, transports


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("name", ["alarms:console", "alarms:checkin"])
def test_each_link_is_the_sites_own_address_in_each_language(name, language):
    with translation.override(language):
        assert links.page_path(name) == reverse(name)


def test_a_message_is_written_without_loading_the_sites_urls(settings):
    # The worker never loads umbrella/urls.py (every view, the API's schemas):
    # were a message to reverse in it, this name would fail to import.
    settings.ROOT_URLCONF = "umbrella.notify.tests.no_such_urlconf"
    settings.SITE_URL = "https://umbrella.example"
    assert transports.console_url("ro") == "https://umbrella.example/ro/alarms/console/"
    assert transports.checkin_url("bg") == "https://umbrella.example/bg/alarms/checkin/"
    text = transports.message_text("alarm.raised", "fr", {})
    assert text.endswith("https://umbrella.example/fr/alarms/console/")
