"""No output (or saved widget state) of a course notebook, chapter or exercise, shows a
password, a hash, a whole JWT, a password reset token (alone or in its link) or a token's hash.

Demo passwords may appear in a cell's source; they must never appear in what the cell printed,
displayed or left in the notebook's metadata.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import secrets
from pathlib import Path

import jwt
import nbformat
import pytest

COURSE = Path(__file__).resolve().parents[2] / "notebooks"
CHAPTERS = sorted(COURSE.glob("[0-9][0-9]-*.ipynb"))
NOTEBOOKS = CHAPTERS + sorted((COURSE / "exercises").glob("[0-9][0-9]-*.ipynb"))
HASH = re.compile(r"\$(argon2(id|i|d)|2[aby])\$[^…\s'\"]*\$[A-Za-z0-9+/.]{8,}")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}")
RESET_LINK = re.compile(r"#token=[A-Za-z0-9_-]{16,}")
_URLSAFE = "[A-Za-z0-9_-]"
# secrets.token_urlsafe(32): 43 URL-safe characters; at random, digits and both cases (a run of
# 43 without one of them has odds of about 1 in 1,400)
RESET_TOKEN = re.compile(
    rf"(?<!{_URLSAFE})(?={_URLSAFE}*[0-9])(?={_URLSAFE}*[A-Z])(?={_URLSAFE}*[a-z]){_URLSAFE}{{43}}"
    rf"(?!{_URLSAFE})"
)
# a SHA-256 in hex, or as the repr of its 32 bytes (b'\x9f…')
SHA256 = re.compile(r"\b[0-9a-fA-F]{64}\b|(?<!\w)b(['\"])(?:\\x[0-9a-f]{2}|\\.|[ -~]){32}\1")
SECRETS = (HASH, JWT, RESET_LINK, RESET_TOKEN, SHA256)
PASSWORD_CALLS = {"CreateUserCommand": (2, 3), "signup": (2, 3), "validate": (1,)}


def _strings(node: ast.AST | None) -> list[str]:
    return [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else []


def demo_passwords(source: str) -> set[str]:
    """String literals that a cell uses as a password: assigned to a name or attribute with
    'password' in it, given as a `password` key or keyword, or passed in a password position."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and "password" in ast.unparse(node.targets[0]).lower():
            found += _strings(node.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and "password" in ast.unparse(key).lower():
                    found += _strings(value)
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func).rsplit(".", 1)[-1]
            for index in PASSWORD_CALLS.get(name, ()):
                if index < len(node.args):
                    found += _strings(node.args[index])
            for keyword in node.keywords:
                if keyword.arg and "password" in keyword.arg.lower():
                    found += _strings(keyword.value)
    return {text for text in found if len(text) >= 8}


def _texts(value: object) -> list[str]:
    """Every string inside an output (its text, and each of its data's forms), as displayed."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def secrets_shown(notebook: nbformat.NotebookNode) -> list[str]:
    """The hashes, whole JWTs, reset tokens and links, token hashes and demo passwords in a
    notebook's outputs and metadata."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    passwords = set().union(*(demo_passwords(cell.source) for cell in code))
    outputs = [output for cell in code for output in cell.outputs]
    shown = "\n".join(_texts(outputs)) + json.dumps(notebook.metadata)
    found = [match.group() for pattern in SECRETS for match in pattern.finditer(shown)]
    return found + [p for p in passwords if p in shown]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_output_of_a_chapter_or_exercise_shows_a_password_a_hash_or_a_token(path: Path):
    assert secrets_shown(nbformat.read(path, as_version=4)) == []


def test_the_check_finds_a_token_a_hash_and_a_password_in_an_output():
    token = jwt.encode({"sub": "u", "iat": 1, "exp": 2}, "k" * 32, algorithm="HS256")
    argon2 = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$ZGlnZXN0ZGlnZXN0ZGlnZXN0"
    cell = nbformat.v4.new_code_cell('password = "a demo passphrase"')
    cell.outputs = [nbformat.v4.new_output("stream", text=f"{token} {argon2} a demo passphrase")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    # (the token's signature alone is found too: it has the form of a reset token)
    assert {argon2, token, "a demo passphrase"} <= set(secrets_shown(notebook))


def test_the_check_finds_a_reset_token_its_link_and_its_hash_in_an_output():
    token = secrets.token_urlsafe(32)
    while not RESET_TOKEN.fullmatch(token):  # about 1 in 1,400 lacks a digit or a case
        token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).digest()
    link = f"http://localhost:3000/reset-password#token={token}"
    for shown in (token, f"open {link} within", digest.hex(), repr(digest)):
        cell = nbformat.v4.new_code_cell("mailed_reset_token(app, email)")
        cell.outputs = [nbformat.v4.new_output("stream", text=f"{shown}\n")]
        assert secrets_shown(nbformat.v4.new_notebook(cells=[cell])), shown


def test_the_check_lets_a_masked_link_and_a_masked_hash_pass():
    cell = nbformat.v4.new_code_cell("mail_table(app)")
    masked = "http://localhost:3000/reset-password#token=… (32 bytes, masked)"
    cell.outputs = [nbformat.v4.new_output("stream", text=masked)]
    assert secrets_shown(nbformat.v4.new_notebook(cells=[cell])) == []


def test_the_check_finds_the_passwords_the_chapters_use():
    found = set().union(
        *(
            demo_passwords(cell.source)
            for path in CHAPTERS
            for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code"
        )
    )
    assert {
        "correct horse battery staple",
        "not the right password",
        "a wrong guess for grace",
    } <= found
