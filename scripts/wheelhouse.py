"""Build a wheelhouse: every wheel the course needs, for learners' machines, so a room installs
the kit with no index at all (`pip install --no-index --find-links DIR`). Run it through
scripts/wheelhouse, which picks a Python that has pip.

Steps:
1. `pip wheel` here, for this machine: the kit's own wheel, hatchling and editables (the kit's
   build backend, for `pip install -e` from the wheelhouse), and a wheel for every dependency;
   a dependency published only as source is built here, once. Of these, the pure-Python
   wheels (`none-any`) go into DIR: they install on every platform.
2. For each target platform and Python version (X.Y means X.Y.0, so every X.Y.z can install
   the wheels), `pip download --only-binary :all:` the binary wheels that target needs into DIR
   (pure wheels already there are reused), then the dependencies only that platform asks for
   (see wheelhouse_targets.py). A target for which some package has no wheel is reported
   INCOMPLETE with that package's name, and the run exits 1.

Usage: bash scripts/wheelhouse DIR [--targets linux-x86_64,...] [--python 3.11,3.12]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from wheelhouse_targets import TARGETS, Target, conditional_needs

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ["3.11", "3.12", "3.13"]
BUILD_BACKEND = ["hatchling", "editables"]  # `pip install -e .` from the wheelhouse needs both
SETTLE_SECONDS = 180  # pip backtracks for a long time when some package has no wheel
MISSING = re.compile(
    r"No matching distribution found for (\S+)"
    r"|no matching distributions available for your environment:\s+(\S+)"
)


def pip(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str] | None:
    """pip's result, or None when it did not finish in time."""
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def build_here(wheelhouse: Path, extra: str) -> list[str]:
    """Step 1: wheels for this machine; keep the pure ones. Returns the versions resolved."""
    with tempfile.TemporaryDirectory() as scratch:
        built = pip("wheel", "--quiet", "-w", scratch, f"{ROOT}[{extra}]", *BUILD_BACKEND)
        if built is None or built.returncode != 0:
            sys.exit(f"wheelhouse: building wheels here failed:\n{built and built.stderr}")
        for wheel in Path(scratch).glob("*-none-any.whl"):
            shutil.copy(wheel, wheelhouse / wheel.name)
        return ["==".join(wheel.name.split("-")[:2]) for wheel in Path(scratch).glob("*.whl")]


def fetch(
    wheelhouse: Path, target: Target, python: str, wanted: list[str], *options: str,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str] | None:  # fmt: skip
    return pip(
        "download", "--quiet", "--only-binary", ":all:", "--dest", str(wheelhouse),
        "--find-links", str(wheelhouse), *(f"--platform={tag}" for tag in target.platforms),
        "--python-version", python, "--implementation", "cp", *options, *wanted, timeout=timeout,
    )  # fmt: skip


def why(result: subprocess.CompletedProcess[str]) -> str:
    """pip's reason, from its error or its explanation of a conflict (which goes to stdout)."""
    missing = MISSING.search(result.stderr + result.stdout)
    if missing:
        return f"no wheel for {missing[1] or missing[2]}"
    return result.stderr.strip().splitlines()[-1]


def download_for(wheelhouse: Path, extra: str, target: Target, python: str, pins: list[str]) -> str:
    """Step 2 for one target: the verdict, 'complete' or 'INCOMPLETE: why'."""
    result = fetch(wheelhouse, target, python, [f"cqrs-auth[{extra}]", *BUILD_BACKEND],
                   timeout=SETTLE_SECONDS)  # fmt: skip
    if result is None:  # name the culprit: with every version pinned pip fails at once
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as constraints:
            constraints.write("\n".join(pins) + "\n")
            constraints.flush()
            result = fetch(wheelhouse, target, python, [f"cqrs-auth[{extra}]"], "-c",
                           constraints.name)  # fmt: skip
        culprit = why(result) if result else "pip did not finish"
        return f"INCOMPLETE: {culprit} (and no other version settled in {SETTLE_SECONDS} s)"
    if result.returncode != 0:
        return f"INCOMPLETE: {why(result)}"
    added: list[str] = []
    while needs := conditional_needs(wheelhouse, target, python):
        result = fetch(wheelhouse, target, python, needs)
        if result is None or result.returncode != 0:
            return f"INCOMPLETE: {why(result) if result else 'pip did not finish'}"
        added += needs
    return f"complete (with {', '.join(added)} for this platform)" if added else "complete"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--targets", default=",".join(TARGETS), help="from: " + " ".join(TARGETS))
    parser.add_argument("--python", default=",".join(PYTHONS), help="Python versions (X.Y,...)")
    parser.add_argument("--extra", default="course")
    args = parser.parse_args(argv)
    targets = args.targets.split(",")
    if unknown := set(targets) - set(TARGETS):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    args.dir.mkdir(parents=True, exist_ok=True)
    pins = build_here(args.dir, args.extra)
    incomplete = 0
    for target in targets:
        for python in args.python.split(","):
            verdict = download_for(args.dir, args.extra, TARGETS[target], python, pins)
            incomplete += verdict.startswith("INCOMPLETE")
            print(f"{target:15} Python {python:5} {verdict}", flush=True)
    wheels = list(args.dir.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 2**20
    print(f"{args.dir}: {len(wheels)} wheels, {size:.0f} MiB")
    print(f"learners: pip install --no-index --find-links {args.dir} 'cqrs-auth[{args.extra}]'")
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
