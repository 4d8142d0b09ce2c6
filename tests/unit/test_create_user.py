"""CreateUserHandler: the input rules, each failure naming its field, and what a signup leaves."""

from __future__ import annotations

import pytest

from cqrs_auth.domain.commands import CreateUserCommand
from cqrs_auth.domain.errors import ConflictError, ValidationError
from cqrs_auth.domain.model import UserView
from cqrs_auth.domain.queries import GetUserQuery

from .conftest import PASSWORD


def sign_up(kit, username="ada", email="ada@example.org", password=PASSWORD, confirm=None):
    confirm = password if confirm is None else confirm
    return kit.command_bus.execute(CreateUserCommand(username, email, password, confirm))


def refusal(kit, **fields) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        sign_up(kit, **fields)
    return caught.value


def test_a_signup_stores_the_user_with_a_hash_and_answers_without_one(kit):
    user = sign_up(kit)
    assert isinstance(user, UserView)
    assert (user.username, user.email) == ("ada", "ada@example.org")
    stored = kit.db.users[user.user_id][0]
    assert stored.password_hash != PASSWORD and kit.hasher.hashes == 1


def test_a_signup_stores_a_user_created_event_and_the_saga_queues_one_welcome_mail(kit):
    user = sign_up(kit)
    assert kit.event_types() == ["UserCreatedEvent", "WelcomeEmailSentEvent"]
    [mail] = kit.db.mails
    assert mail.recipient == "ada@example.org" and "ada" in mail.subject
    assert mail.causation_id == kit.db.events[0].event_id
    assert kit.db.events[1].payload()["mailId"] == mail.id
    assert kit.query_bus.execute(GetUserQuery(user.user_id)) == user


def test_the_email_is_normalised_by_email_validator_and_its_domain_lower_cased(kit):
    user = sign_up(kit, email="  Ada@EXAMPLE.org ")
    assert user.email == "Ada@example.org"
    assert kit.db.users[user.user_id][2] == "ada@example.org"


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "@example.org", "ada@@example.org", ""])
def test_an_invalid_email_is_refused_naming_the_email_field(kit, email):
    error = refusal(kit, email=email)
    assert error.field == "email" and error.extensions["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("username", ["ab", "x" * 101, "ada lovelace", "ada!", "äda", ""])
def test_a_username_outside_the_pattern_is_refused_naming_the_username_field(kit, username):
    assert refusal(kit, username=username).field == "username"


@pytest.mark.parametrize("username", ["abc", "x" * 100, "ada.lovelace_1-2"])
def test_a_username_of_3_to_100_letters_digits_dots_underscores_and_dashes_is_accepted(
    kit, username
):
    assert sign_up(kit, username=username).username == username


def test_a_password_of_14_characters_is_refused_and_one_of_15_accepted(kit):
    assert kit.settings.PASSWORD_MIN_LENGTH == 15
    error = refusal(kit, password="zq9!xkW2vLpmT4c"[:14])
    assert error.field == "password" and "at least 15" in error.message
    assert sign_up(kit, password="zq9!xkW2vLpmT4c").username == "ada"


def test_the_minimum_length_follows_the_password_min_length_setting(make_kit):
    kit = make_kit(PASSWORD_MIN_LENGTH=20)
    error = refusal(kit, password="zq9!xkW2vLpmT4c-19c")
    assert error.field == "password" and "at least 20" in error.message


def test_the_password_is_nfkc_normalised_before_it_is_hashed(kit):
    # 14 characters and the ligature "\ufb01", which NFKC turns into the two letters "fi"
    password = "zq9!xkW2vLpmT4" + "\ufb01"
    user = sign_up(kit, password=password)
    stored = kit.db.users[user.user_id][0]
    assert stored.password_hash == kit.hasher.hash("zq9!xkW2vLpmT4fi")


def test_a_confirmation_typed_in_another_unicode_form_of_the_same_password_is_accepted(kit):
    user = sign_up(kit, password="zq9!xkW2vLpmT4\ufb01", confirm="zq9!xkW2vLpmT4fi")
    assert user.username == "ada"


def test_a_password_longer_than_128_characters_is_refused_and_128_accepted(kit):
    assert refusal(kit, password="zq9!xkW2" * 16 + "a").field == "password"
    assert sign_up(kit, password="zq9!xkW2" * 16).username == "ada"


def test_a_common_password_is_refused_saying_so(kit):
    for common in ("1qaz2wsx3edc4rfv", "Qwerty123456789"):  # both in zxcvbn's list, any case
        error = refusal(kit, password=common)
        assert error.field == "password" and "common" in error.message


@pytest.mark.parametrize(
    "username, email, password",
    [
        ("lovelace.ada", "someone@example.org", "lovelace.ada-2024!"),
        ("adalovelace", "someone@example.org", "ADALOVELACE12345"),
        ("someone", "countess.lovelace@example.org", "countess.lovelace"),
    ],
)
def test_a_password_too_similar_to_the_username_or_email_is_refused(kit, username, email, password):
    error = refusal(kit, username=username, email=email, password=password)
    assert error.field == "password" and "similar" in error.message


def test_a_confirmation_that_differs_is_refused_naming_the_password_confirm_field(kit):
    error = refusal(kit, confirm=PASSWORD + "!")
    assert error.field == "passwordConfirm"


def test_a_refused_signup_stores_nothing_and_hashes_nothing(kit):
    refusal(kit, confirm="something else entirely")
    assert kit.db.users == {} and kit.db.events == [] and kit.hasher.hashes == 0


def test_a_taken_username_in_other_letter_case_is_a_conflict_naming_the_username(kit):
    sign_up(kit, username="Ada", email="one@example.org")
    with pytest.raises(ConflictError) as caught:
        sign_up(kit, username="aDA", email="two@example.org")
    assert caught.value.field == "username" and caught.value.extensions["code"] == "CONFLICT"


def test_a_taken_email_in_other_letter_case_is_a_conflict_naming_the_email(kit):
    sign_up(kit, username="one", email="ada@example.org")
    with pytest.raises(ConflictError) as caught:
        sign_up(kit, username="two", email="ADA@Example.ORG")
    assert caught.value.field == "email"
    assert kit.event_types().count("UserCreatedEvent") == 1
