"""manage.py vapid_keys and where the keys come from."""

import json

from django.core.management import call_command
from py_vapid import Vapid02

from umbrella.notify import vapid


def test_the_command_creates_keys_once(settings, tmp_path):
    settings.VAPID_FILE = str(tmp_path / "sub" / "vapid.json")
    call_command("vapid_keys", verbosity=0)
    first = json.loads((tmp_path / "sub" / "vapid.json").read_text())
    call_command("vapid_keys", verbosity=0)
    assert json.loads((tmp_path / "sub" / "vapid.json").read_text()) == first
    assert (tmp_path / "sub" / "vapid.json").stat().st_mode & 0o077 == 0
    assert vapid.vapid_public_key() == first["public_key"]
    assert isinstance(vapid.vapid_signer(), Vapid02)


def test_keys_in_the_environment_win_and_no_file_is_written(settings, tmp_path):
    keys = vapid.generate_keys()
    settings.VAPID_FILE = str(tmp_path / "env-test.json")
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys["public_key"], keys["private_key"]
    call_command("vapid_keys", verbosity=0)
    assert not (tmp_path / "env-test.json").exists()
    assert vapid.vapid_public_key() == keys["public_key"]
    signer = vapid.vapid_signer()
    headers = signer.sign({"aud": "https://push.example", "sub": "mailto:a@example.org"})
    assert "vapid" in headers["Authorization"].lower()
