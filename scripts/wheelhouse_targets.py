"""The wheelhouse's targets: their pip platform tags, the wheel tags they accept, and the
dependencies that only their platform asks for.

`pip download --platform` evaluates environment markers on the machine it runs on, not on the
target: built on Linux, a Windows wheelhouse would lack `pywinpty ; os_name == "nt"` (terminado)
and `pywin32 ; sys_platform == "win32"` (jupyter_core). `conditional_needs` reads the wheels'
metadata and evaluates each marker for the target instead.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import canonicalize_name, parse_wheel_filename


@dataclass(frozen=True)
class Target:
    system: str  # platform.system()
    machine: str  # platform.machine()
    platforms: tuple[str, ...]  # given to pip download --platform

    def accepted_tags(self, python: str) -> set[Tag]:
        version = tuple(int(part) for part in python.split("."))
        platforms = list(self.platforms)
        if self.system == "Darwin":
            major, minor = (int(x) for x in platforms[0].split("_")[1:3])
            platforms = list(mac_platforms((major, minor), self.machine))
        return set(cpython_tags(version, platforms=platforms)) | set(
            compatible_tags(version, platforms=platforms)
        )

    def environment(self, python: str) -> dict[str, str]:
        windows, mac = self.system == "Windows", self.system == "Darwin"
        return {
            **default_environment(),
            "os_name": "nt" if windows else "posix",
            "sys_platform": "win32" if windows else ("darwin" if mac else "linux"),
            "platform_system": self.system,
            "platform_machine": self.machine,
            "python_version": python,
            "python_full_version": f"{python}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
        }


def linux(arch: str) -> tuple[str, ...]:
    """glibc 2.28 and older (Debian 10+, Ubuntu 20.04+, WSL 2): pip does not expand a
    manylinux_2_28 tag to the older ones by itself (it does expand manylinux2014 and macOS)."""
    newer = tuple(f"manylinux_2_{minor}_{arch}" for minor in range(28, 4, -1))
    return (*newer, f"manylinux2014_{arch}")


TARGETS = {
    "linux-x86_64": Target("Linux", "x86_64", linux("x86_64")),
    "linux-arm64": Target("Linux", "aarch64", linux("aarch64")),
    "macos-x86_64": Target("Darwin", "x86_64", ("macosx_11_0_x86_64",)),
    "macos-arm64": Target("Darwin", "arm64", ("macosx_11_0_arm64",)),
    "windows-x86_64": Target("Windows", "AMD64", ("win_amd64",)),
    "windows-arm64": Target("Windows", "ARM64", ("win_arm64",)),
}


def wheels_for(wheelhouse: Path, tags: set[Tag]) -> dict[str, Path]:
    """The wheels in the wheelhouse that install on a target, by project name."""
    found = {}
    for wheel in wheelhouse.glob("*.whl"):
        name, _, _, wheel_tags = parse_wheel_filename(wheel.name)
        if wheel_tags & tags:
            found[canonicalize_name(name)] = wheel
    return found


def requirements_of(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1
        )
        headers = HeaderParser().parsestr(archive.read(metadata).decode())
    return [Requirement(line) for line in headers.get_all("Requires-Dist") or []]


def conditional_needs(wheelhouse: Path, target: Target, python: str) -> list[str]:
    """Requirements of the target's wheels, true on the target, that no wheel there meets."""
    present = wheels_for(wheelhouse, target.accepted_tags(python))
    environment = target.environment(python)
    needs = set()
    for wheel in present.values():
        for requirement in requirements_of(wheel):
            marker = requirement.marker
            if marker is None or "extra" in str(marker):
                continue
            if marker.evaluate(environment) and canonicalize_name(requirement.name) not in present:
                needs.add(f"{requirement.name}{requirement.specifier}")
    return sorted(needs)
