"""The doctor's checks of this machine: Python, packages, settings, ports."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..settings import Settings

MIN_PYTHON = (3, 11)
COURSE_PACKAGES = ("jupyterlab", "ipywidgets", "pandas")
PORT_ADVICE = {
    8888: "JupyterLab: stop the other Jupyter, or use the URL JupyterLab prints (it takes the "
    "next free port)",
    3000: "cqrs-auth serve: stop what listens there, or run `cqrs-auth serve --port 3001`",
}
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


def check_port(port: int, host: str = "127.0.0.1") -> Check:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as the servers bind; on Windows it would share a busy port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            advice = PORT_ADVICE.get(port, "stop what listens there, or choose another port")
            return Check(False, f"port {port} is in use", advice)
    return Check(True, f"port {port} is free")
