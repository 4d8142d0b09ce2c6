"""`cqrs-auth doctor`'s checks of the machine: each failure comes with what to do."""

from __future__ import annotations

import socket

import pytest

from cqrs_auth.doctor import checks
from cqrs_auth.doctor.checks import check_packages, check_port, check_python, check_settings


def test_python_3_10_is_too_old_and_the_advice_names_3_11():
    check = check_python((3, 10, 14))
    assert not check.ok
    assert check.what == "Python 3.10.14 is too old"
    assert "3.11" in check.advice


def test_python_3_11_and_newer_pass():
    assert check_python((3, 11, 0)).ok
    assert check_python((3, 13, 1)).ok


def test_a_missing_course_package_is_named_with_how_to_install_it():
    kit, course = check_packages(("jupyterlab", "no_such_course_package"))
    assert kit.ok and kit.what.startswith("cqrs-auth ")
    assert not course.ok
    assert course.what == "missing: no_such_course_package"
    assert "bash scripts/start" in course.advice


def test_present_course_packages_are_listed_with_their_versions():
    _, course = check_packages(("pandas",))
    assert course.ok
    assert course.what.startswith("pandas 3.")


@pytest.fixture
def listening_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_port_something_listens_on_fails_and_the_advice_says_what_to_do(listening_port):
    check = check_port(listening_port)
    assert not check.ok
    assert check.what == f"port {listening_port} is in use"
    assert "choose another port" in check.advice


def test_the_advice_for_a_busy_port_3000_is_another_port_for_serve(monkeypatch, listening_port):
    monkeypatch.setitem(checks.PORT_ADVICE, listening_port, checks.PORT_ADVICE[3000])
    assert "cqrs-auth serve --port 3001" in check_port(listening_port).advice


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert check_port(port).ok


def test_production_without_a_jwt_secret_is_a_failed_settings_check(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("JWT_SECRET", raising=False)
    check, settings = check_settings()
    assert settings is None
    assert not check.ok
    assert "JWT_SECRET must be set in production" in check.what
    assert check.advice
