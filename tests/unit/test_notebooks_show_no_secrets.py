"""No output (or saved widget state) of a course notebook, chapter or exercise, shows a
password, a hash or a whole JWT.

Demo passwords may appear in a cell's source; they must never appear in what the cell printed,
displayed or left in the notebook's metadata.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import jwt
import nbformat
import pytest

COURSE = Path(__file__).resolve().parents[2] / "notebooks"
CHAPTERS = sorted(COURSE.glob("[0-9][0-9]-*.ipynb"))
NOTEBOOKS = CHAPTERS + sorted((COURSE / "exercises").glob("[0-9][0-9]-*.ipynb"))
HASH = re.compile(r"\$(argon2(id|i|d)|2[aby])\$[^…\s'\"]*\$[A-Za-z0-9+/.]{8,}")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}")
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


def secrets_shown(notebook: nbformat.NotebookNode) -> list[str]:
    """The hashes, whole JWTs and demo passwords in a notebook's outputs and metadata."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    passwords = set().union(*(demo_passwords(cell.source) for cell in code))
    shown = json.dumps([cell.outputs for cell in code]) + json.dumps(notebook.metadata)
    found = [match.group() for pattern in (HASH, JWT) for match in pattern.finditer(shown)]
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
    assert secrets_shown(notebook) == [argon2, token, "a demo passphrase"]


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
