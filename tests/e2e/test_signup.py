from .helpers import PASSWORD, SIGNUP, only_error, signup


def test_a_new_user_signs_up_and_gets_their_username_and_email_back(client):
    result = signup(client, "ada", "ada@example.org")
    assert result == {"data": {"signup": {"username": "ada", "email": "ada@example.org"}}}


def test_a_username_taken_in_other_letter_case_is_a_conflict_on_username(client):
    assert "errors" not in signup(client, "ada", "ada@example.org")
    error = only_error(signup(client, "ADA", "someone.else@example.org"))
    assert error["extensions"] == {"code": "CONFLICT", "field": "username"}
    assert error["path"] == ["signup"]


def test_an_email_taken_in_other_letter_case_is_a_conflict_on_email(client):
    assert "errors" not in signup(client, "ada", "ada@example.org")
    error = only_error(signup(client, "countess", "ADA@EXAMPLE.ORG"))
    assert error["extensions"] == {"code": "CONFLICT", "field": "email"}


def test_a_password_confirmation_that_differs_is_refused_naming_password_confirm(client):
    error = only_error(signup(client, passwordConfirm=PASSWORD + "!"))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "passwordConfirm"}
    assert error["message"] == "The two passwords do not match."


def test_a_password_rule_violation_names_the_password_field(client):
    error = only_error(signup(client, password="short", passwordConfirm="short"))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}


def test_an_invalid_email_literal_is_a_request_error_with_bad_user_input(client):
    result = client.execute(
        'mutation { signup(input: {username: "ada", email: "not-an-address",'
        f' password: "{PASSWORD}", passwordConfirm: "{PASSWORD}"}}) {{ username }} }}'
    )
    assert "data" not in result
    error = only_error(result)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "path" not in error
    assert "Invalid email address" in error["message"]
    assert error["locations"]  # points at the literal


def test_an_invalid_email_variable_is_a_request_error_with_bad_user_input(client):
    result = signup(client, email="ada-at-example.org")
    assert "data" not in result
    error = only_error(result)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "path" not in error
    assert "$input" in error["message"] and "Invalid email address" in error["message"]


def test_signup_never_exposes_a_password_or_a_hash(client):
    result = client.execute(SIGNUP.replace("username email", "username email password"))
    assert "data" not in result
    assert "Cannot query field 'password'" in only_error(result)["message"]
