"""The home of each role and the menu: one source of links, every link opens (200).

Each demo persona signs in with the test client, lands on her home, and
follows every link of her home and of her menu.
"""

import html
import re
from urllib.parse import urldefrag

import pytest
from django.urls import reverse
from django.utils import timezone

from umbrella.accounts.demo import ACCOUNTS, create_demo
from umbrella.accounts.menu import sections_for

PASSWORD = "demo-password-123"
HOME = reverse("accounts:home")

# The sections each persona's home must show, in order (the role's own list first).
EXPECTED_SECTIONS = {
    "demo-worker": ["worker"],
    "demo-responder": ["console", "establishments"],
    "demo-outreach": ["console", "reports"],
    "demo-resident": ["resident"],
    "demo-municipality": ["reports"],
    "demo-police": ["console", "reports"],
    "demo-staff": ["training"],
    "demo-secretary": ["platform"],
    "demo-admin": ["console", "reports", "training", "administration"],
}


@pytest.fixture
def demo(db):
    return create_demo(PASSWORD)


def _sign_in(client, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == HOME
    return client.get(HOME)


def _part(page: bytes, start: str, end: str) -> str:
    text = page.decode()
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def _hrefs(text: str, pattern: str = r'<a [^>]*href="([^"]+)"') -> list[str]:
    return [html.unescape(href) for href in re.findall(pattern, text)]


def _home_links(page: bytes) -> list[str]:
    return _hrefs(_part(page, "<main", "</main>"))


def _menu_links(page: bytes) -> list[str]:
    return _hrefs(_part(page, 'id="site-menu"', "</details>"))


def _role_links(page: bytes) -> list[str]:
    return _hrefs(_part(page, "<main", "</main>"), r'<a class="role-link[^"]*"[^>]*href="([^"]+)"')


def test_the_expected_personas_are_all_covered():
    assert set(EXPECTED_SECTIONS) == set(ACCOUNTS)


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_each_persona_lands_on_her_home_and_every_link_opens(client, demo, username):
    response = _sign_in(client, username)
    assert response.status_code == 200
    user = demo.users[username]
    sections = [section.key for section in response.context["sections"]]
    assert sections[: len(EXPECTED_SECTIONS[username])] == EXPECTED_SECTIONS[username]
    home_links = _home_links(response.content)
    menu_links = _menu_links(response.content)
    role_links = _role_links(response.content)
    assert role_links, "the home shows the role's links"
    # The menu carries the same links as the home, from the same source.
    assert set(role_links) <= set(menu_links)
    assert [link.url for s in sections_for(user) for link in s.links] == role_links
    for href in sorted(set(home_links + menu_links)):
        url = urldefrag(href).url
        if not url.startswith("/"):
            continue  # tel:112
        answer = client.get(url)
        assert answer.status_code == 200, f"{username}: {url} answered {answer.status_code}"


def test_the_worker_home_puts_the_panic_button_first_and_no_technical_things(client, demo):
    response = _sign_in(client, "demo-worker")
    role_links = _role_links(response.content)
    assert role_links[0] == reverse("alarms:panic")
    assert reverse("alarms:checkin") in role_links
    assert reverse("alarms:circle") in role_links
    assert reverse("directory:list") in role_links
    assert reverse("training:feedback_choose") in role_links
    assert reverse("reports:new") in role_links
    body = response.content.decode()
    assert "panic-link" in body
    assert "token" not in _part(response.content, "<main", "</main>").lower()
    assert reverse("accounts:tokens") not in body
    # Tokens are one discreet step away: account page, then "Advanced settings".
    account = client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:advanced") in account
    assert reverse("accounts:tokens") not in account
    assert reverse("accounts:tokens") in client.get(reverse("accounts:advanced")).content.decode()


def test_the_worker_home_lists_her_open_alarms_and_running_check_in(client, demo):
    from umbrella.alarms import actions as alarm_actions
    from umbrella.alarms.models import Source

    worker = demo.users["demo-worker"]
    now = timezone.now()
    alarm = alarm_actions.raise_alarm(worker, Source.APP, now)
    hidden = alarm_actions.raise_alarm(worker, Source.APP, now, duress=True, concealed=True)
    checkin = alarm_actions.start_checkin(worker, 30, now)
    body = _sign_in(client, "demo-worker").content.decode()
    assert f'data-alarm="{alarm.pk}"' in body
    assert f'data-checkin="{checkin.pk}"' in body
    # An alarm raised with the duress PIN looks cancelled to her, on her home too.
    assert f'data-alarm="{hidden.pk}"' not in body
    status = _part(body.encode(), 'id="worker-status"', "</ul>")
    due = timezone.localtime(checkin.due_at).strftime("%H:%M")
    assert f"due at {due}" in status
    assert "waiting for an answer" in status
