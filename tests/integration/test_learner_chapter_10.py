"""Chapter 10's exercise, run as a learner runs it in one kernel: typical wrong answers first, then
the chapter's right answer, then the right answer again — each with the words it must show. The
check runs the answer on a kit of its own, so a wrong try leaves nothing behind for the next."""

from __future__ import annotations

from learner import RIGHT, Kernel, chapter_cells, not_yet

SETUP = "from cqrs_auth.course import check_erase_login_failure\n"


def changed(answer: str, old: str, new: str) -> str:
    assert old in answer
    return answer.replace(old, new)


def test_chapter_10_the_erasure_of_a_failed_login():
    kernel = Kernel()
    kernel.run(SETUP)
    [answer], [check] = chapter_cells("10", "solution"), chapter_cells("10", "check")
    kernel.run("erase_login_failure = ...")
    assert kernel.check(check) == not_yet(
        "`erase_login_failure` is still the placeholder `...`: write your answer there"
    )
    replace = "dataclasses.replace(event, email=ERASED)"
    wrong = [
        (
            changed(answer, f"return {replace}", "return event"),
            "the email is still there: replace it, dataclasses.replace(event, email=ERASED)",
        ),
        (
            changed(answer, f"return {replace}", f"{replace}"),
            "erase_login_failure(event) returned a NoneType; return the event, erased: an event "
            "of the same class (dataclasses.replace(event, ...) makes one; the event itself is "
            "frozen)",
        ),
        (
            changed(answer, "email=ERASED", "email=event.email.upper()"),
            "the email became 'SOMEONE@EXAMPLE.ORG'; write ERASED instead. A hash of an email is "
            "not erased (hash a guessed email and compare), and the kit's consumers know ERASED: "
            "the read model applies an erased event to no row",
        ),
        (
            changed(answer, "email=ERASED", "email=ERASED, failures=0"),
            "failures became 0; keep it (2): it is no personal data, and the lockout's history "
            "is still true",
        ),
        (
            changed(answer, "email=ERASED", "email=ERASED, event_id='x'"),
            "the event's id or time changed: keep them, the log rewrites the event in place and "
            "its consumers know it by its id",
        ),
    ]
    for source, words in wrong:
        kernel.run(source)
        assert kernel.check(check) == not_yet(words)
    kernel.run(answer)
    assert kernel.check(check) == RIGHT
    kernel.run(answer)
    assert kernel.check(check) == RIGHT
    assert kernel.check(check) == RIGHT


def test_a_hash_of_the_email_is_refused_in_words():
    kernel = Kernel()
    kernel.run(SETUP)
    [check] = chapter_cells("10", "check")
    kernel.run(
        "import dataclasses, hashlib\n"
        "def erase_login_failure(event):\n"
        "    digest = hashlib.sha256(event.email.encode()).hexdigest()\n"
        "    return dataclasses.replace(event, email=digest)\n"
    )
    said = kernel.check(check)
    assert said.startswith("✗ Not yet: the email became '")
    assert "A hash of an email is not erased (hash a guessed email and compare)" in said
