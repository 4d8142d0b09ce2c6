"""Start-up safety: production refuses what is only for development; an empty secret is unset."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError as SettingsError

from cqrs_auth import course
from cqrs_auth.settings import DEV_JWT_SECRET, Settings

SECRET = "a-production-secret-of-at-least-32-bytes!"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]


def test_production_refuses_debug_and_says_why():
    with pytest.raises(SettingsError, match="DEBUG=true is refused in production"):
        settings(ENVIRONMENT="production", DEBUG=True, JWT_SECRET=SECRET)
    assert settings(ENVIRONMENT="development", DEBUG=True, JWT_SECRET=SECRET).DEBUG


def test_production_refuses_the_development_secret_even_when_set_explicitly():
    with pytest.raises(SettingsError, match="development JWT_SECRET is refused in production"):
        settings(ENVIRONMENT="production", JWT_SECRET=DEV_JWT_SECRET)
    assert settings(ENVIRONMENT="production", JWT_SECRET=SECRET).production


def test_an_empty_jwt_secret_counts_as_unset(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "")
    assert Settings(_env_file=None).JWT_SECRET == DEV_JWT_SECRET  # type: ignore[call-arg]
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(SettingsError, match="JWT_SECRET must be set in production"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("before", [None, ""], ids=["unset", "empty"])
def test_the_course_gives_the_kernel_a_random_secret_when_none_or_an_empty_one_is_set(
    monkeypatch, before
):
    if before is None:
        monkeypatch.delenv("JWT_SECRET", raising=False)
    else:
        monkeypatch.setenv("JWT_SECRET", before)
    course.use_random_jwt_secret()
    secret = os.environ["JWT_SECRET"]
    assert len(secret) >= 32 and Settings(_env_file=None).JWT_SECRET == secret  # type: ignore[call-arg]


def test_the_course_keeps_a_secret_that_is_set(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", SECRET)
    course.use_random_jwt_secret()
    assert os.environ["JWT_SECRET"] == SECRET


def test_the_longest_server_busy_pause_may_not_be_shorter_than_the_shortest():
    with pytest.raises(SettingsError, match="SERVER_BUSY_MAX_PAUSE_SECONDS must be at least"):
        settings(SERVER_BUSY_PAUSE_SECONDS=5, SERVER_BUSY_MAX_PAUSE_SECONDS=2)
    both = settings(SERVER_BUSY_PAUSE_SECONDS=5, SERVER_BUSY_MAX_PAUSE_SECONDS=5)
    assert both.SERVER_BUSY_MAX_PAUSE_SECONDS == 5
