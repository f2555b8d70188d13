"""Every consultation test starts in the site's default language: a page in French or Dutch
activates its language for the thread, and ``reverse()`` in a later test would follow it."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override(None):
        yield
