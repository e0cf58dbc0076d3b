"""The settings are the one place that reads the environment (AN_*), with the 5-second promise."""

import re

import pytest

from actions.periods import business_today
from actions.settings import Settings
from tests.rasa.actions.fakes import TODAY
from tests.rasa.rendering import ROOT


def test_settings_defaults_and_the_an_prefix(monkeypatch):
    for name in ("AN_BANK_URL", "AN_BANK_SERVICE_TOKEN", "AN_BANK_TIMEOUT_SECONDS", "AN_BANK_NOW"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.bank_url == "http://127.0.0.1:8010"
    assert settings.bank_service_token == "sandbox-dev-token"
    assert settings.bank_timeout_seconds == 3.0
    assert settings.bank_now is None
    monkeypatch.setenv("AN_BANK_URL", "http://bank.internal:9000")
    monkeypatch.setenv("AN_BANK_SERVICE_TOKEN", "real-token")
    monkeypatch.setenv("AN_BANK_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("AN_BANK_NOW", "2026-11-26T10:00:00")
    settings = Settings()
    assert (settings.bank_url, settings.bank_service_token) == ("http://bank.internal:9000",
                                                                "real-token")
    assert settings.bank_timeout_seconds == 2.5
    assert business_today(settings) == TODAY


def test_settings_refuse_a_timeout_that_breaks_the_5_second_promise():
    with pytest.raises(ValueError):
        Settings(bank_timeout_seconds=10)


def test_only_the_settings_read_the_environment():
    for path in (ROOT / "actions").glob("*.py"):
        if path.name != "settings.py":
            source = path.read_text(encoding="utf-8")
            assert not re.search(r"os\.environ|getenv|from os import", source), path.name
