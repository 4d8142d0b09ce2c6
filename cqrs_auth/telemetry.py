"""The process's one OpenTelemetry SDK tracer provider, and OTLP export for `cqrs-auth serve`.

OpenTelemetry lets a process set its global tracer provider once. So the kit never replaces
one: `tracer_provider()` returns the SDK provider already set (by a deployer's own setup, or
earlier by the kit) or sets one; exporters and the course's recorder are added to it as span
processors. The SDK is optional (extras `course` and `otlp`); nothing here is imported by the
kit's request path.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

from opentelemetry import trace

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

OTLP_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
OTLP_MISSING = (
    "OTEL_EXPORTER_OTLP_ENDPOINT is set, but the OTLP exporter is not installed: "
    "pip install 'cqrs-auth[otlp]' (or unset the variable to serve without tracing)"
)


class TelemetryUnavailable(RuntimeError):
    """Tracing was asked for, but the OpenTelemetry SDK or exporter is not installed."""


def tracer_provider() -> TracerProvider:
    """The global SDK tracer provider, set now (service.name `cqrs-auth`, and this process's
    service.instance.id and process.pid) if none was."""
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
    except ImportError as error:
        raise TelemetryUnavailable("pip install 'cqrs-auth[course]' for tracing") from error
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    if not isinstance(current, trace.ProxyTracerProvider):
        raise TelemetryUnavailable(f"a non-SDK tracer provider is set: {type(current).__name__}")
    service = os.environ.get("OTEL_SERVICE_NAME", "cqrs-auth")
    # each of `serve`'s workers is an instance of the service: a backend tells them apart
    attributes = {"service.name": service, "service.instance.id": str(uuid.uuid4())}
    resource = Resource.create({**attributes, "process.pid": os.getpid()})
    provider = TracerProvider(resource=resource)
    trace.set_tracer_provider(provider)
    return provider


def otlp_requested() -> bool:
    return any(os.environ.get(name) for name in OTLP_ENDPOINTS)


def otlp_installed() -> bool:
    """Whether the OTLP exporter can be imported (without setting anything up)."""
    try:
        import opentelemetry.exporter.otlp.proto.http.trace_exporter  # noqa: F401
        import opentelemetry.sdk.trace.export  # noqa: F401
    except ImportError:
        return False
    return True


def export_over_otlp() -> TracerProvider:
    """Send every span to the OTLP/HTTP endpoint of the standard OTEL_EXPORTER_OTLP_* settings."""
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as error:
        raise TelemetryUnavailable(OTLP_MISSING) from error
    provider = tracer_provider()
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider
