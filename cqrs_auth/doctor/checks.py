"""The doctor's checks of this machine: Python, packages, settings (the ports: ports.py)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..settings import Settings

MIN_PYTHON = (3, 11)
COURSE_PACKAGES = ("jupyterlab", "ipywidgets", "pandas")
INSTALL_ADVICE = (
    "run `bash scripts/start` (it installs the course into .venv), then `.venv/bin/cqrs-auth "
    "doctor`; with no network, install from a wheelhouse (WORKSHOP.md)"
)


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    advice: str = ""


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    if version[:2] >= MIN_PYTHON:
        return Check(True, f"Python {shown}")
    return Check(False, f"Python {shown} is too old", "install Python 3.11 or newer")


def check_packages(packages: tuple[str, ...] = COURSE_PACKAGES) -> list[Check]:
    kit = Path(__file__).resolve().parent.parent
    kit_check = Check(True, f"cqrs-auth {_version('cqrs-auth')} from {kit}")
    missing = [name for name in packages if importlib.util.find_spec(name) is None]
    if missing:
        return [kit_check, Check(False, f"missing: {', '.join(missing)}", INSTALL_ADVICE)]
    found = [f"{name} {_version(name)}" for name in packages]
    return [kit_check, Check(True, ", ".join(found))]


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:  # importable from a checkout, not installed
        return "(not installed)"


def check_settings() -> tuple[Check, Settings | None]:
    """The settings from the environment and .env, if they are valid."""
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        return Check(False, f"settings: {problems}", "fix it in the environment or .env"), None
    return Check(True, "settings (environment and .env) are valid"), settings
