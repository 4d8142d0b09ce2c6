"""The exercises of chapters 1, 2, 4, 5, 6 and 7, run as a learner runs them in one kernel:
typical wrong answers first, then the chapter's right answer, then the right answer again —
each with the words it must show (tests/learner.py runs the cells as the notebooks do)."""

from __future__ import annotations

import pytest
from learner import RIGHT, Kernel, chapter_cells, not_yet

PASSWORD = "correct horse battery staple"


def verdicts(kernel: Kernel, check: str, answers: list[str]) -> list[str]:
    """What the check cell says after each answer cell, in order, in one kernel."""
    said = []
    for answer in answers:
        kernel.run(answer)
        said.append(kernel.check(check))
    return said


def test_chapter_1_the_events_table():
    kernel = Kernel()
    kernel.run("from cqrs_auth.course import check_dispatched_column, check_events_sql, read_sql")
    [answer], [check] = chapter_cells("01", "solution"), chapter_cells("01", "check")
    assert verdicts(
        kernel,
        check,
        [
            "events_sql = ...\ndispatched_column = ...",
            'events_sql = read_sql("001_create_users.sql")\ndispatched_column = "dispatchedAt"',
            'events_sql = read_sql("002_create_events.sql")\ndispatched_column = "dispatched"',
            answer,
            answer,
        ],
    ) == [
        not_yet("`events_sql` is still the placeholder `...`: write your answer there"),
        not_yet(
            "events_sql is the SQL of another file; expected the one that creates the events "
            "table, 002_create_events.sql"
        ),
        not_yet(
            "`dispatched` is what event_table shows; the column in the SQL has another name: "
            "find it in events_sql"
        ),
        RIGHT,
        RIGHT,
    ]


BUS = """
class MiniCommandBus:
    def __init__(self):
        self.handlers = {{}}

    def register(self, command_type, handler):
        self.handlers[command_type] = handler

    def execute(self, command):
        {execute}
"""


def test_chapter_2_the_command_bus():
    """The issue's case among them: a bare KeyError for an unknown command is not right."""
    kernel = Kernel()
    kernel.run("from cqrs_auth.course import check_command_bus")
    [answer], [check] = chapter_cells("02", "solution"), chapter_cells("02", "check")
    said = verdicts(
        kernel,
        check,
        [
            BUS.format(execute="return self.handlers[type(command)].execute(command)"),
            BUS.format(execute="return self.handlers[type(command)](command)"),
            BUS.format(
                execute="handler = self.handlers.get(type(command))\n"
                "        return handler.execute(command) if handler else None"
            ),
            answer,
            answer,
        ],
    )
    assert said == [
        not_yet(
            "a command nobody registered raised a bare KeyError (<class "
            "'cqrs_auth.course.bus_check.UnknownCommand'>), which reads like a bug in the bus; "
            "expected an error of your own that says no handler is registered for that command "
            "and names it, as the kit's NoHandlerError does"
        ),
        not_yet(
            "execute() called the handler like a function; a handler is an object with an "
            "execute(command) method: return handler.execute(command)"
        ),
        not_yet(
            "executing a command nobody registered returned None; expected an error that names "
            "the command (raise it when no handler is registered for type(command))"
        ),
        RIGHT,
        RIGHT,
    ]


@pytest.fixture
def kernel(make_app):
    kernel = Kernel(app=make_app(), password=PASSWORD)
    kernel.run("from cqrs_auth import CreateUserCommand")
    return kernel


def test_chapter_4_the_user_id_in_the_token(kernel):
    kernel.run(
        "from cqrs_auth.course import check_user_id_from_token, decode_token\n"
        "grace = app.command_bus.execute("
        "CreateUserCommand('grace', 'grace@example.org', password, password))"
    )
    [answer], [check] = chapter_cells("04", "solution"), chapter_cells("04", "check")
    login = "grace_login = app.local_strategy.validate('grace@example.org', password)\n"
    assert verdicts(
        kernel,
        check,
        [
            login + "grace_id = grace_login.access_token",
            "grace_id = decode_token(grace_login.access_token)",
            answer,
            answer,
        ],
    ) == [
        not_yet(
            "grace_id is a whole JWT; decode it with decode_token(...) and take the claim 'sub'"
        ),
        not_yet("grace_id is the decoded token (a dict); take ['claims']['sub'] from it"),
        RIGHT,
        RIGHT,
    ]


def test_chapter_5_me_with_a_token(kernel):
    kernel.run(
        "from cqrs_auth.course import check_me_username\n"
        "app.command_bus.execute(CreateUserCommand('ada', 'ada@example.org', password, password))\n"
        "authorization = 'Bearer ' + app.local_strategy.validate("
        "'ada@example.org', password).access_token"
    )
    [answer], [check] = chapter_cells("05", "solution"), chapter_cells("05", "check")
    assert verdicts(
        kernel,
        check,
        [
            "answer = app.graphql('query { me { username } }')",
            "answer = app.graphql('query { me { username email } }', token=authorization)",
            answer,
            answer,
        ],
    ) == [
        not_yet(
            "`me` answered UNAUTHENTICATED: pass Ada's token, "
            "app.graphql(query, token=authorization)"
        ),
        not_yet(
            "answer is {'data': {'me': {'username': 'ada', 'email': 'ada@example.org'}}}; "
            "expected only the username: ask for `me { username }` and nothing else"
        ),
        RIGHT,
        RIGHT,
    ]


AGAIN = (
    "(grace had signed up already, so this time the form answered CONFLICT: your code filled "
    "the form and clicked, which is what this task asks)\n" + RIGHT
)


def test_chapter_6_the_signup_form(kernel):
    kernel.run(
        "from cqrs_auth.course import TryItPage, check_form_signup, event_types\n"
        "page = TryItPage(app)\nform = page.signup"
    )
    [answer], [check] = chapter_cells("06", "solution"), chapter_cells("06", "check")
    short = answer.replace('"a long and uncommon passphrase"', '"short"')
    bypass = (
        "app.command_bus.execute("
        "CreateUserCommand('grace', 'grace@example.org', password, password))"
    )
    assert verdicts(kernel, check, ["", short, bypass, answer, answer]) == [
        not_yet(
            "grace was not signed up by the form: set its four fields, then call "
            "form.button.click() (the command bus alone does not fill the form)"
        ),
        not_yet("the form refused the signup: A password needs at least 15 characters."),
        not_yet(
            "grace was not signed up by the form: set its four fields, then call "
            "form.button.click() (the command bus alone does not fill the form)"
        ),
        AGAIN,  # grace exists since the wrong try; the code in front of the check is right
        AGAIN,
    ]
    assert verdicts(kernel, check, [short]) == [
        not_yet("the form refused the signup: A password needs at least 15 characters.")
    ]


def test_chapter_6_the_right_answer_first_then_again(make_app):
    kernel = Kernel(app=make_app())
    kernel.run(
        "from cqrs_auth.course import TryItPage, check_form_signup, event_types\n"
        "page = TryItPage(app)\nform = page.signup"
    )
    [answer], [check] = chapter_cells("06", "solution"), chapter_cells("06", "check")
    assert verdicts(kernel, check, [answer, answer]) == [RIGHT, AGAIN]


def test_chapter_7_the_email_conflict(kernel):
    kernel.run(
        "from cqrs_auth.course import check_email_conflict, expect_error\n"
        "grace = app.command_bus.execute("
        "CreateUserCommand('grace', 'grace@example.org', password, password))"
    )
    [answer], [check] = chapter_cells("07", "solution"), chapter_cells("07", "check")
    taken = not_yet(
        "the signup clashed on the username, which is taken (by grace, or by an earlier try of "
        "yours that went through): use one nobody has yet, so that only the email clashes"
    )
    assert verdicts(kernel, check, [answer.replace("grace_two", "grace")]) == [taken]
    with pytest.raises(AssertionError, match="expected a KitError, but the call succeeded"):
        kernel.run(answer.replace("GRACE@Example.org", "grace2@example.org"))  # signs grace_two up
    assert verdicts(kernel, check, [answer]) == [taken]  # the username the wrong try took
    three = answer.replace("grace_two", "grace_three")
    assert verdicts(kernel, check, [three, three]) == [RIGHT, RIGHT]
    assert kernel.run(three) == (
        "ConflictError: This email is already taken.  "
        "extensions={'code': 'CONFLICT', 'field': 'email'}\n"
    )
