"""The GraphiQL assets in the package are exactly the pinned npm packages' files.

scripts/vendor-graphiql fetches the pinned versions again (npm checks each tarball's sha512
against the one pinned in the script) into a temporary folder; every committed file must be
byte for byte what it fetched, and nothing else may lie beside them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "cqrs_auth" / "http" / "static" / "graphiql"


def test_the_vendored_graphiql_files_are_the_pinned_packages_files(tmp_path: Path):
    if shutil.which("npm") is None:
        if os.environ.get("REQUIRE_NODE") == "1":
            pytest.fail("REQUIRE_NODE=1, so this cannot skip: npm is not installed")
        pytest.skip("npm is not installed (scripts/system-packages.sh installs Node.js and npm)")
    fetched = tmp_path / "graphiql"
    subprocess.run(["bash", ROOT / "scripts" / "vendor-graphiql", fetched], check=True, timeout=300)
    names = sorted(p.name for p in VENDORED.iterdir())
    assert names == sorted(p.name for p in fetched.iterdir())
    assert {"LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"} <= set(names)
    for name in names:
        assert (VENDORED / name).read_bytes() == (fetched / name).read_bytes(), name
