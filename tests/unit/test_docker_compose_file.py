"""docker-compose.yml, checked by Debian's docker-compose (v1): it validates without an engine."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed (scripts/system-packages.sh installs it)")
    result = subprocess.run(
        [
            "docker-compose",
            "-f",
            str(ROOT / "docker-compose.yml"),
            "--profile",
            "mariadb",
            "config",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_compose_file_offers_mysql_8_and_mariadb_10_11(compose):
    images = {name: service["image"] for name, service in compose["services"].items()}
    assert images == {"mysql": "mysql:8.0", "mariadb": "mariadb:10.11"}


def test_the_database_url_in_the_compose_file_comment_matches_its_credentials(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    user, password, port, database = re.search(
        r"mysql\+pymysql://(\w+):([\w-]+)@127\.0\.0\.1:(\d+)/(\w+)", text
    ).groups()
    env = compose["services"]["mysql"]["environment"]
    assert (env["MYSQL_USER"], env["MYSQL_PASSWORD"], env["MYSQL_DATABASE"]) == (
        user,
        password,
        database,
    )
    assert compose["services"]["mysql"]["ports"] == [f"127.0.0.1:{port}:3306/tcp"]
