"""With tracing on, a signup, a login, a wrong login, a locked login and `me` (through GraphQL,
so the resolvers and the guard are in it) leave spans that name what ran, and never hold a
password, a hash, a token, an email or a username: not in a span's name, attributes, events or
status."""

from __future__ import annotations

from cqrs_auth.course import trace

from .helpers import PASSWORD, WRONG_PASSWORD, stored_hashes

SIGNUP = "mutation Signup($input: Signup!) { signup(input: $input) { username } }"
LOGIN = """mutation Login($email: EmailAddress!, $password: String!) {
  login(username: $email, password: $password) { Authorization } }"""
ME = "query Me { me { username email } }"
EMAIL = "ada.lovelace@example.org"


def run_every_request(app) -> str:
    """The requests of the docstring; returns the JWT that the login issued."""
    signup = {"username": "adalovelace", "email": EMAIL, "password": PASSWORD}
    assert "errors" not in app.graphql(SIGNUP, {"input": signup | {"passwordConfirm": PASSWORD}})
    login = app.graphql(LOGIN, {"email": EMAIL, "password": PASSWORD})
    token = login["data"]["login"]["Authorization"].removeprefix("Bearer ")
    for _attempt in range(3):
        wrong = app.graphql(LOGIN, {"email": EMAIL, "password": WRONG_PASSWORD})
        assert wrong["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    locked = app.graphql(LOGIN, {"email": EMAIL, "password": PASSWORD})
    assert locked["errors"][0]["extensions"]["code"] == "TOO_MANY_ATTEMPTS"
    assert app.graphql(ME, token=token)["data"]["me"]["username"] == "adalovelace"
    return token


def test_the_spans_of_every_request_name_what_ran_and_hold_no_secret_or_personal_data(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3)
    with trace() as recorded:
        token = run_every_request(app)
    names = set(recorded.names())
    assert {
        "resolver signup", "CommandBus.execute", "CreateUserHandler.execute",
        "PasswordHasher.hash", "UnitOfWork.commit", "EventDispatcher.dispatch",
        "EventBus.publish", "UserCreatedHandler.execute", "saga user_created",
        "SendWelcomeEmailHandler.execute", "local_auth_guard", "LocalStrategy.validate",
        "PerformLoginHandler.execute", "PasswordHasher.verify", "TokenService.issue",
        "saga lockout", "LockAccountHandler.execute", "resolver login", "resolver me",
        "TokenService.verify", "QueryBus.execute", "GetUserHandler.execute",
    } <= names  # fmt: skip
    exported = "".join(span.to_json() for span in recorded.spans)
    secrets = [PASSWORD, WRONG_PASSWORD, token, token.split(".")[2], *stored_hashes(app)]
    personal = [EMAIL, "adalovelace", "$argon2", "eyJ"]
    assert [s for s in secrets + personal if s in exported] == []
    commands = {span.attributes.get("cqrs.command") for span in recorded.spans}
    assert {"CreateUserCommand", "PerformLoginCommand", "LockAccountCommand"} <= commands
    operations = {span.attributes.get("cqrs.operation") for span in recorded.spans}
    assert {"Signup", "Login", "Me"} <= operations


def test_a_refused_login_is_an_error_span_named_by_its_error_class(make_app):
    app = make_app()
    with trace() as recorded:
        app.graphql(LOGIN, {"email": EMAIL, "password": PASSWORD})
    assert recorded.step("PerformLoginHandler.execute").error == "InvalidCredentials"
    assert recorded.step("local_auth_guard").error == "InvalidCredentials"
