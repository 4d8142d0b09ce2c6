"""`me { activity }`: the read model through GraphQL, in-process and over HTTP, on each database."""

from datetime import datetime

from .helpers import login, signup, token_of

ACTIVITY = """query Activity { me { username activity {
  signedUpAt loginCount lastLoginAt failedLoginsSinceLastSuccess lockedUntil
  passwordResetRequestedAt passwordChangedAt
} } }"""


def activity(client, token: str) -> dict:
    return client.execute(ACTIVITY, token=token)["data"]["me"]["activity"]


def test_me_shows_the_activity_projected_from_the_event_log(client):
    signup(client, "ada", "ada@example.org")
    login(client, password="not the password at all")
    token = token_of(login(client))
    seen = activity(client, token)
    logged_in = [e for e in client.kit.events() if e.type == "UserLoggedInEvent"]
    assert seen["loginCount"] == 1 and seen["failedLoginsSinceLastSuccess"] == 0
    assert datetime.fromisoformat(seen["lastLoginAt"]) == logged_in[-1].occurred_at
    assert datetime.fromisoformat(seen["signedUpAt"]).utcoffset().total_seconds() == 0
    assert seen["lockedUntil"] is seen["passwordChangedAt"] is None


def test_the_activity_lags_while_events_wait_for_dispatch_and_then_catches_up(client, monkeypatch):
    signup(client, "ada", "ada@example.org")
    token = token_of(login(client))
    monkeypatch.setattr(client.kit.dispatcher, "dispatch", lambda events: None)
    for _ in range(2):
        login(client)
    assert activity(client, token)["loginCount"] == 1  # the read side is behind the write side
    monkeypatch.undo()
    client.kit.dispatcher.dispatch_pending()  # the relay's job
    assert activity(client, token)["loginCount"] == 3
