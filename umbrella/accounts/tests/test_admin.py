from django.urls import reverse
from django.utils import timezone

from umbrella.accounts import actions
from umbrella.testing import sign_in


def test_admin_lists_people_by_role_and_hides_token_secrets(client, platform_admin, worker):
    token, plaintext = actions.issue_token(worker, timezone.now())
    sign_in(client, platform_admin)
    people = client.get(reverse("admin:accounts_user_changelist") + "?role__exact=sex_worker")
    assert people.status_code == 200
    listed = list(people.context["cl"].result_list)
    assert worker in listed and platform_admin not in listed
    assert {person.role for person in listed} == {"sex_worker"}
    page = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert plaintext not in html and token.key_hash not in html
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_admin_revoke_action(client, platform_admin, worker):
    token, _plaintext = actions.issue_token(worker, timezone.now())
    sign_in(client, platform_admin)
    client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_pages_for_organisations_and_memberships(client, platform_admin, personas):
    sign_in(client, platform_admin)
    for name in ("organisation", "membership"):
        assert client.get(reverse(f"admin:accounts_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    user_page = client.get(reverse("admin:accounts_user_change", args=[personas.police.pk]))
    assert user_page.status_code == 200
