"""The tracing helpers: no-op until a tracer provider is set, names only in attributes, and a
clear message when OTLP export is asked for without its extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cqrs_auth import telemetry, tracing
from cqrs_auth.course import trace
from cqrs_auth.http.server import serve

NO_PROVIDER = """
import sys
from cqrs_auth import tracing
from cqrs_auth.service.buses import CommandBus
assert not tracing.tracing_on()
assert tracing.span("CommandBus.execute", command="X") is tracing._OFF
assert "opentelemetry.sdk" not in sys.modules, "the SDK was imported with tracing off"
print("off")
"""


def test_without_a_tracer_provider_a_span_is_the_shared_no_op_and_the_sdk_is_not_loaded():
    result = subprocess.run(
        [sys.executable, "-c", NO_PROVIDER], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "off", result.stderr


@pytest.mark.parametrize("key", ["password", "password_hash", "token", "email", "username"])
def test_a_span_attribute_that_could_carry_a_secret_or_personal_data_is_refused(key: str):
    with trace(), pytest.raises(ValueError, match=key), tracing.span("x", **{key: "value"}):
        pass


def test_a_span_records_an_error_by_its_class_name_never_its_message():
    with trace() as recorded, pytest.raises(KeyError), tracing.span("failing"):
        raise KeyError("ada@example.org")
    assert recorded.step("failing").error == "KeyError"
    assert "ada@example.org" not in repr(recorded.steps)


def test_a_recording_sees_only_the_spans_that_ended_inside_its_block():
    with tracing.span("before"):
        pass
    with trace() as outer:
        with tracing.span("first"):
            pass
        with trace() as inner, tracing.span("second"):
            pass
    assert outer.names() == ["first", "second"] and inner.names() == ["second"]


def test_serve_explains_how_to_install_the_otlp_exporter_when_it_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.http.trace_exporter", None)
    with pytest.raises(telemetry.TelemetryUnavailable, match=r"cqrs-auth\[otlp\]"):
        telemetry.export_over_otlp()
    assert serve("sqlite://") == 2
    assert "pip install 'cqrs-auth[otlp]'" in capsys.readouterr().err
