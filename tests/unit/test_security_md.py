"""SECURITY.md maps each defence to the tests that prove it and the modules that hold it: every
test and module it names must exist, so the document cannot quietly rot."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECURITY = (ROOT / "SECURITY.md").read_text()
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
MODULE_REFERENCE = re.compile(r"`(cqrs_auth/[\w/.]*)`")


def defines(path: Path, name: str) -> bool:
    return (
        path.is_file() and re.search(rf"^(async )?def {name}\(", path.read_text(), re.M) is not None
    )


def test_every_test_security_md_names_is_defined_in_the_file_it_names():
    references = TEST_REFERENCE.findall(SECURITY)
    assert len(references) >= 60
    missing = [f"{file}::{name}" for file, name in references if not defines(ROOT / file, name)]
    assert missing == []


def test_every_module_security_md_names_exists():
    modules = MODULE_REFERENCE.findall(SECURITY)
    assert len(modules) >= 20
    assert [module for module in modules if not (ROOT / module).exists()] == []


def test_the_readme_links_security_md():
    assert "(SECURITY.md)" in (ROOT / "README.md").read_text()
