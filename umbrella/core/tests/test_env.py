import pytest
from django.core.exceptions import ImproperlyConfigured

from umbrella.env import env_bool, env_int, env_list, env_str


def test_env_bool_accepts_clear_values_and_rejects_others(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_fails_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("X_NUM", 1, minimum=1)


def test_file_variant_is_read_and_stripped(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "from-a-file"


def test_missing_file_variant_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="X_SECRET_FILE"):
        env_str("X_SECRET")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example , ,b.example")
    assert env_list("X_HOSTS") == ["a.example", "b.example"]
    assert env_list("X_UNSET_LIST", ["x"]) == ["x"]
