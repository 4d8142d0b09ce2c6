"""Finding `sql/` and `schema/`, which sit at the top of the repository.

A wheel carries them inside the package (`cqrs_auth/_resources/`, see pyproject.toml); a
source checkout or an editable install reads them from the repository itself.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the kit's {name}/ folder")


def sql_dir() -> Path:
    return resource_dir("sql")


def schema_dir() -> Path:
    return resource_dir("schema")
