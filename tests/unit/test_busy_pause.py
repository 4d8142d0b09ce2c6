"""The pause before a SERVER_BUSY answer: what the hash lane needs for those ahead, clamped."""

from __future__ import annotations

from cqrs_auth.http.app import busy_pause


def test_a_light_overload_waits_the_shortest_pause():
    assert busy_pause(0.0, 1.0, 10.0) == 1.0
    assert busy_pause(0.4, 1.0, 10.0) == 1.0


def test_a_longer_line_waits_as_long_as_the_lane_needs_for_it():
    assert busy_pause(3.5, 1.0, 10.0) == 3.5


def test_no_line_makes_a_client_wait_longer_than_the_longest_pause():
    assert busy_pause(250.0, 1.0, 10.0) == 10.0
    assert busy_pause(250.0, 0.0, 0.0) == 0.0
