"""The `DateTime` scalar: a moment as an ISO 8601 (RFC 3339) string in UTC.

A scalar rather than a plain String: the schema then says what the field holds (and tools that
generate client code can map it to their date type), and one serializer formats every time the
same way. On the wire it is still a string, since JSON has no date type. It is only ever
returned, never taken as input, so only the serializer is set.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ariadne import ScalarType

date_time = ScalarType("DateTime")


@date_time.serializer
def serialize_date_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()
