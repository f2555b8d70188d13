"""The directory admin shows the training label read-only, saying where it comes from."""

from __future__ import annotations

import pytest

from umbrella.directory.models import Service
from umbrella.testing import sign_in
from umbrella.training.tests import feedback_factories as make


@pytest.mark.django_db
def test_the_label_is_read_only_in_the_directory_admin(client, platform_admin):
    service = make.service()
    sign_in(client, platform_admin)
    url = f"/en/admin/directory/service/{service.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="trained_non_stigmatising"' not in html
    assert "Set every hour by the training app" in html
    form = response.context["adminform"].form
    assert "trained_non_stigmatising" not in form.fields
    assert "trained_on" not in form.fields
    # A post that ticks the box changes nothing.
    data = {
        name: field.initial if field.initial is not None else ""
        for name, field in form.fields.items()
    }
    data.update({k: v for k, v in form.initial.items() if k in form.fields and v is not None})
    data["trained_non_stigmatising"] = "on"
    client.post(url, data)
    assert Service.objects.get(pk=service.pk).trained_non_stigmatising is False
