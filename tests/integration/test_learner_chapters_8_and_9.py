"""The exercises of chapters 8 and 9, run as a learner runs them in one kernel: typical wrong
answers first, then the chapter's right answer, then the right answer again — each with the words
it must show. The answer cells define classes only; each check makes them on a kit of its own, so
an answer cell run again (without the cells above it) or a class re-defined changes nothing else."""

from __future__ import annotations

from learner import RIGHT, Kernel, chapter_cells, not_yet


def test_chapter_8_a_read_model_of_your_own():
    kernel = Kernel()
    kernel.run("from cqrs_auth.course import check_logins_projector")
    [answer], [check] = chapter_cells("08", "solution"), chapter_cells("08", "check")
    kernel.run(
        "class LoginsProjector:\n"
        "    def __init__(self, app):\n"
        "        self.app, self.rows, self.position = app, {}, 0\n\n"
        "    def execute(self, event):\n"
        "        row = self.rows.setdefault(event.user_id, {'logins': 0, 'last_login_at': None})\n"
        "        row['logins'] += 1\n"
        "        row['last_login_at'] = event.occurred_at\n"
    )
    said = kernel.check(check)
    assert said.startswith("✗ Not yet: after a login, rows has no row for 1 user(s) who logged in")
    assert said.endswith(
        "key rows by stored.payload['userId'], and start at position 0, so that logins from "
        "before your read model existed are in it too\n"
    )
    kernel.run(  # re-defined with other fields
        "class LoginsProjector:\n"
        "    def __init__(self, app):\n"
        "        self.app, self.rows = app, []\n"
    )
    assert kernel.check(check) == not_yet(
        "LoginsProjector(app) needs rows (a dict, empty at first) and position (an int, 0 at "
        "first): set both in __init__"
    )
    kernel.run(answer)
    assert kernel.check(check) == RIGHT
    kernel.run(answer)
    assert kernel.check(check) == RIGHT
    assert kernel.check(check) == RIGHT


SETUP_9 = """
from cqrs_auth.course import check_reset_handler, check_reset_mail
from cqrs_auth.domain.commands import ResetPasswordCommand, SendPasswordResetEmailCommand
from cqrs_auth.domain.events import PasswordChangedEvent, PasswordResetEmailSentEvent
"""


def changed(answer: str, old: str, new: str) -> str:
    assert old in answer
    return answer.replace(old, new)


def test_chapter_9_the_saga_and_its_mail_handler():
    kernel = Kernel()
    kernel.run(SETUP_9)
    [answer, _], [check, _] = chapter_cells("09", "solution"), chapter_cells("09", "check")
    one = "SendPasswordResetEmailCommand(email=event.email, causation_id=event.event_id)"
    wrong = [
        (
            changed(answer, f"return [{one}]", f"return {one}"),
            "the saga returned one SendPasswordResetEmailCommand, not in a list: the event bus "
            "runs each command of what a saga returns (a list, or None for none)",
        ),
        (
            changed(answer, "            if mail_id is None:\n                return None", ""),
            "the same PasswordResetRequestedEvent delivered again made a second token (the first "
            "mail's link stopped working): write the mail first; when uow.mail.put(...) returns "
            "None, this event has its mail and token already: stop",
        ),
        (
            changed(answer, "            uow.commit()\n", ""),
            "run directly for a user with an account, your handler left no mail (subject "
            "RESET_SUBJECT) in the outbox: did it write one, and commit?",
        ),
    ]
    for code, words in wrong:
        kernel.run(code)
        assert kernel.check(check) == not_yet(words)
    for _ in range(2):  # the answer cell again, without the cells above it
        kernel.run(answer)
        assert kernel.check(check) == RIGHT


def test_chapter_9_the_reset_handler():
    kernel = Kernel()
    kernel.run(SETUP_9)
    [first, answer], [_, check] = chapter_cells("09", "solution"), chapter_cells("09", "check")
    kernel.run(first)  # its imports serve the second answer, as in the chapter
    token_hash = "        token_hash = hash_reset_token(command.token)\n"
    wrong = [
        (
            changed(answer, token_hash, token_hash + "        self.hasher.hash('guess')\n"),
            "an unknown token cost 1 argon2id hash(es); expected none: check the token before "
            "you hash the new password, or every guessed token costs the server a hash",
        ),
        (
            changed(answer, "            uow.login_failures.clear(", "            print("),
            "after the reset the email is still locked: clear its failures and lock, "
            "uow.login_failures.clear(rules.parse_email(user.email).normalised)",
        ),
        (
            changed(answer, "if not uow.reset_tokens.use(token_hash, utcnow()):", "if False:"),
            "the token, used a second time, was accepted (your handler returned True): mark it "
            "used, uow.reset_tokens.use(token_hash, now), and refuse when that is False",
        ),
    ]
    for code, words in wrong:
        kernel.run(code)
        assert kernel.check(check).endswith(not_yet(words))
    for _ in range(2):
        kernel.run(answer)
        assert kernel.check(check) == RIGHT
