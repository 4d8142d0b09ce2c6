"""The kit found from a regular (non-editable) install: a wheel carries sql/ and schema/."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

REPORT = """
import json, cqrs_auth, cqrs_auth.resources as r
from cqrs_auth.adapters.migrations import available
report = {"package": cqrs_auth.__file__, "sql": str(r.sql_dir()),
          "sql_files": sorted(p.name for p in r.sql_dir().glob("*.sql")),
          "migrations": [m.path.name for m in available("sqlite")]}
try:
    report["schema"] = str(r.schema_dir())
    report["schema_files"] = sorted(p.name for p in r.schema_dir().iterdir())
except FileNotFoundError:
    report["schema"] = None
print(json.dumps(report))
"""


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build a wheel of the repository and install it, alone, into a fresh virtualenv that
    sees the packages of the environment running the tests (for the dependencies: the system's
    with --system-site-packages, and a .venv's through a .pth file) but must import the kit
    from the wheel."""
    work = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", ROOT, cwd=work
    )
    [wheel] = (work / "dist").glob("cqrs_auth-*.whl")
    venv.create(work / "venv", system_site_packages=True, with_pip=True)
    python = work / "venv" / "bin" / "python"
    venv_site = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work
    )
    our_sites = [entry for entry in sys.path if entry.endswith("site-packages")]
    (Path(venv_site.strip()) / "test_environment.pth").write_text("\n".join(our_sites) + "\n")
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=work)
    report = json.loads(run(python, "-c", REPORT, cwd=work))
    report["site"] = str(work / "venv")
    return report


def test_the_installed_package_is_imported_from_the_virtualenv_not_the_checkout(installed):
    assert Path(installed["package"]).is_relative_to(installed["site"])


def test_sql_dir_resolves_inside_the_installed_package_with_every_migration(installed):
    package = Path(installed["package"]).parent
    assert Path(installed["sql"]) == package / "_resources" / "sql"
    assert installed["sql_files"] == sorted(p.name for p in (ROOT / "sql").glob("*.sql"))
    assert installed["migrations"] == [
        p.name for p in sorted((ROOT / "sql").glob("[0-9][0-9][0-9]_*.sqlite.sql"))
    ]


def test_schema_dir_resolves_inside_the_installed_package_when_the_repo_has_one(installed):
    if not (ROOT / "schema").is_dir():
        pytest.skip("the repository has no schema/ folder yet")
    package = Path(installed["package"]).parent
    assert Path(installed["schema"]) == package / "_resources" / "schema"
    assert installed["schema_files"] == sorted(p.name for p in (ROOT / "schema").iterdir())


SERVE_GRAPHIQL = """
import json, re, sys
from starlette.testclient import TestClient
import cqrs_auth
from cqrs_auth import bootstrap
from cqrs_auth.http.app import create_app
kit = bootstrap("sqlite:///" + sys.argv[1])
with TestClient(create_app(kit)) as client:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assets = re.findall(r'(?:src|href)="(static/[^"]+)"', page.text)
    served = {url: [client.get("/" + url).status_code, len(client.get("/" + url).content)]
              for url in assets}
print(json.dumps({"page": page.status_code, "served": served}))
"""


def test_the_installed_wheel_serves_graphiql_and_every_asset_it_loads(installed):
    python = Path(installed["site"]) / "bin" / "python"
    work = Path(installed["site"]).parent
    report = json.loads(run(python, "-c", SERVE_GRAPHIQL, work / "kit.db", cwd=work))
    assert report["page"] == 200
    static = ROOT / "cqrs_auth" / "http"
    assert "static/graphiql/graphiql.min.js" in report["served"]
    for url, (status, size) in report["served"].items():
        assert (status, size) == (200, (static / url).stat().st_size), url
