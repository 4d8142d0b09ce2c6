"""docker-compose.yml, checked by Debian's docker-compose (v1): it validates without an engine."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cqrs_auth.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def compose_config(*options: str) -> dict:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed (scripts/system-packages.sh installs it)")
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), *options, "config"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def compose() -> dict:
    return compose_config("--profile", "mariadb")


def test_the_compose_file_runs_mysql_8_4_the_kits_api_and_lab_and_offers_mariadb(compose):
    services = compose["services"]
    assert {name: s.get("image") for name, s in services.items()} == {
        "mysql": "mysql:8.4", "mariadb": "mariadb:10.11",
        "api": "cqrs-auth:api", "lab": "cqrs-auth:lab",
    }  # fmt: skip
    assert services["api"]["build"]["target"] == "api"
    assert services["lab"]["build"]["target"] == "lab"


def test_mysql_has_a_healthcheck_and_a_volume_and_the_kit_waits_for_its_health(compose):
    mysql = compose["services"]["mysql"]
    assert mysql["healthcheck"]["test"][:2] == ["CMD", "mysqladmin"]
    assert any(volume.startswith("mysql-data:/var/lib/mysql") for volume in mysql["volumes"])
    for name in ("api", "lab"):
        assert compose["services"][name]["depends_on"] == {
            "mysql": {"condition": "service_healthy"}
        }


def test_the_api_runs_cqrs_auth_serve_on_all_interfaces_with_migrations_at_start(compose):
    api = compose["services"]["api"]
    args = build_parser().parse_args(api["command"][1:])
    assert api["command"][0] == "cqrs-auth"
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 3000)
    assert api["environment"]["MIGRATIONS_RUN"] == "true"
    assert api["environment"]["DATABASE_URL"].endswith("@mysql:3306/cqrs_auth")


def test_the_lab_gets_a_database_of_its_own_that_the_mysql_image_creates(compose):
    lab_url = compose["services"]["lab"]["environment"]["DATABASE_URL"]
    database = lab_url.rsplit("/", 1)[1]
    assert lab_url.startswith("mysql+pymysql://kit:") and "@mysql:3306/" in lab_url
    assert database != "cqrs_auth"  # every chapter drops the kit's tables in its database
    init = "\n".join(p.read_text() for p in (ROOT / "docker" / "mysql-init").glob("*.sql"))
    assert f"CREATE DATABASE IF NOT EXISTS {database} " in init
    assert f"GRANT ALL PRIVILEGES ON {database}.* TO 'kit'@'%'" in init


def test_every_published_port_listens_on_localhost_only(compose):
    for service in compose["services"].values():
        assert all(port.startswith("127.0.0.1:") for port in service.get("ports", []))


def test_the_env_example_sets_the_values_compose_uses(compose):
    with_example = compose_config("--env-file", str(ROOT / ".env.example"))
    assert (
        with_example["services"]["api"]["environment"]
        == (compose["services"]["api"]["environment"])
    )
    names = re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    used = set(re.findall(r"\$\{([A-Z_]+):-", (ROOT / "docker-compose.yml").read_text()))
    assert set(names) == used


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
