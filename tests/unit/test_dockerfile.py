"""The Dockerfile, read without a Docker engine (dockerfile-parse): what it copies and runs
exists in the project, its base is pinned, and each image runs as a user that is not root."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from cqrs_auth.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.fixture(scope="module")
def instructions() -> list[dict]:
    return [
        i for i in DockerfileParser(str(ROOT / "Dockerfile")).structure
        if i["instruction"] != "COMMENT"
    ]  # fmt: skip


def stages(instructions: list[dict]) -> dict[str, list[dict]]:
    """Each stage's instructions, by the stage's name (FROM ... AS name)."""
    found: dict[str, list[dict]] = {}
    for instruction in instructions:
        if instruction["instruction"] == "FROM":
            current = found.setdefault(instruction["value"].split()[-1], [])
        elif found:
            current.append(instruction)
    return found


def test_the_base_image_is_a_pinned_patch_release_of_python_3_11_slim(instructions):
    [arg] = [i["value"] for i in instructions if i["instruction"] == "ARG"]
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", arg)


def test_every_copied_source_exists_and_is_not_left_out_of_the_build_context(instructions):
    ignored = [
        line for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    copies = [i["value"].split() for i in instructions if i["instruction"] == "COPY"]
    sources = [s for words in copies if not words[0].startswith("--from") for s in words[:-1]]
    sources = [s for s in sources if not s.startswith("--")]
    assert {"pyproject.toml", "cqrs_auth", "sql", "schema", "notebooks"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_the_api_and_lab_images_run_as_a_user_that_is_not_root(instructions):
    for name in ("api", "lab"):
        users = [i["value"] for i in stages(instructions)[name] if i["instruction"] == "USER"]
        assert users and users[-1] not in ("root", "0"), name


def test_the_api_image_runs_cqrs_auth_serve_on_all_interfaces(instructions):
    [command] = [i["value"] for i in stages(instructions)["api"] if i["instruction"] == "CMD"]
    program, *args = json.loads(command)
    assert program in PYPROJECT["scripts"]
    parsed = build_parser().parse_args(args)
    assert (parsed.command, parsed.host) == ("serve", "0.0.0.0")


def test_the_lab_image_runs_jupyterlab_from_the_course_extra_on_the_notebooks(instructions):
    lab = stages(instructions)["lab"]
    [command] = [i["value"] for i in lab if i["instruction"] == "CMD"]
    program, subcommand, *args = json.loads(command)
    assert (program, subcommand) == ("jupyter", "lab")
    assert any(dep.startswith("jupyterlab") for dep in PYPROJECT["optional-dependencies"]["course"])
    notebooks = next(a for a in args if a.startswith("--notebook-dir=")).split("=", 1)[1]
    copies = [i["value"].split() for i in lab if i["instruction"] == "COPY"]
    assert ["notebooks", notebooks] in [words[-2:] for words in copies]


def test_the_extras_the_dockerfile_installs_are_in_pyproject(instructions):
    runs = " ".join(i["value"] for i in instructions if i["instruction"] == "RUN")
    extras = set(re.findall(r"\[(\w+)\]", runs))
    assert extras == {"course"}
    assert extras <= set(PYPROJECT["optional-dependencies"])
