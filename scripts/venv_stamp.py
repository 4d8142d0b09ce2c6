"""Is the kit in this virtual environment installed, up to date, with the wanted extra?

scripts/setup-env.sh asks before it runs pip, so that a second `scripts/start` needs no network.
After a successful install it writes a stamp into the venv: the SHA-256 of pyproject.toml and
the extras now installed (an extra's closure: `test` pulls in `course`). The venv counts as up
to date when pyproject.toml still has that hash, the extra is among the stamped ones, the kit
imports from this checkout, and every distribution the kit and the extra require is installed.

Usage (run with the venv's python):
    python scripts/venv_stamp.py check ROOT EXTRA    exit 0: up to date; 1: install needed (why)
    python scripts/venv_stamp.py write ROOT EXTRA    record a successful install
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path

STAMP = Path(sys.prefix) / "cqrs-auth-install.json"
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([^\]]*)\])?")


def digest(root: Path) -> str:
    return hashlib.sha256((root / "pyproject.toml").read_bytes()).hexdigest()


def self_extras(line: str, own: str) -> list[str]:
    """`cqrs-auth[course]` inside an extra: the extras of the kit itself that it pulls in."""
    match = NAME.match(line)
    if not (match and match[1] == own and match[2]):
        return []
    return [extra.strip() for extra in match[2].split(",")]


def extras_closure(project: dict, extra: str) -> set[str]:
    optional, found, pending = project.get("optional-dependencies", {}), set(), [extra]
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending += [
                e for line in optional.get(current, []) for e in self_extras(line, project["name"])
            ]
    return found


def required_names(project: dict, extras: set[str]) -> set[str]:
    optional = project.get("optional-dependencies", {})
    lines = project.get("dependencies", []) + [x for e in extras for x in optional.get(e, [])]
    return {m[1] for m in map(NAME.match, lines) if m and m[1] != project["name"]}


def missing_distributions(names: set[str]) -> list[str]:
    missing = []
    for name in sorted(names):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def why_not_up_to_date(root: Path, extra: str) -> str | None:
    if not STAMP.exists():
        return "nothing installed yet"
    stamp = json.loads(STAMP.read_text())
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    names = required_names(project, extras_closure(project, extra))
    spec = importlib.util.find_spec("cqrs_auth")
    if stamp.get("pyproject") != digest(root):
        return "pyproject.toml changed since the last install"
    if extra not in stamp.get("extras", []):
        return f"the '{extra}' extra is not installed yet"
    if spec is None or spec.origin is None or not Path(spec.origin).is_relative_to(root):
        return "the kit is not installed from this checkout"
    missing = missing_distributions(names)
    return f"missing: {', '.join(missing)}" if missing else None


def write(root: Path, extra: str) -> None:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = extras_closure(project, extra)
    if STAMP.exists():
        previous = json.loads(STAMP.read_text())
        if previous.get("pyproject") == digest(root):
            extras |= set(previous.get("extras", []))
    STAMP.write_text(json.dumps({"pyproject": digest(root), "extras": sorted(extras)}) + "\n")


def main(argv: list[str]) -> int:
    action, root, extra = argv[0], Path(argv[1]).resolve(), argv[2]
    if action == "write":
        write(root, extra)
        return 0
    reason = why_not_up_to_date(root, extra)
    if reason is None:
        return 0
    print(f"setup-env: installing ({reason})", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
