"""The deployment files (Dockerfile, .dockerignore, docker-compose.yml) and the README's
Configuration table agree with what settings.py reads. Pure file checks: no Docker needed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "visionportal" / "settings.py"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
README = ROOT / "README.md"

APP_SERVICES = ("migrate", "web", "worker", "beat")
ALL_SERVICES = ("db", "redis", *APP_SERVICES)
# Variables the containers read that settings.py does not: each one is documented in the
# README's Configuration section like the settings variables.
CONTAINER_VARIABLES = {
    "WEB_CONCURRENCY": "gunicorn's worker count",
    "POSTGRES_PASSWORD": "the bundled PostgreSQL's password, also inside DATABASE_URL",
}
REQUIRED_SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD")

SETTINGS_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)"""
    r"""\s*["']([A-Z][A-Z0-9_]*)["']"""
)
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def settings_variables() -> set[str]:
    return set(SETTINGS_READ.findall(SETTINGS.read_text()))


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def service_environment(service: dict) -> dict[str, str | None]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
    return {name: None if value is None else str(value) for name, value in environment.items()}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    assert not current, "Dockerfile ends inside a continued line"
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in logical]


def readme_section(heading: str) -> str:
    match = re.search(
        rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", README.read_text(), re.M | re.S
    )
    assert match, f"README.md has no '## {heading}' section"
    return match.group(1)


def test_settings_variables_are_found_by_the_parser():
    # Guards every test below against a parser that silently finds nothing.
    found = settings_variables()
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= found
    assert len(found) >= 20


def test_compose_defines_database_redis_migrate_web_worker_and_beat(compose):
    assert set(compose["services"]) == set(ALL_SERVICES)


def test_app_services_run_one_image_built_from_the_dockerfile(compose):
    services = compose["services"]
    builds = {
        name: (services[name].get("build"), services[name].get("image")) for name in APP_SERVICES
    }
    assert len(set(map(repr, builds.values()))) == 1, builds
    build, image = builds["web"]
    assert build in (".", {"context": "."}), build
    assert image


def test_app_services_pass_only_variables_that_settings_reads(compose):
    known = settings_variables() | set(CONTAINER_VARIABLES)
    for name in APP_SERVICES:
        unknown = set(service_environment(compose["services"][name])) - known
        assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"


def test_every_interpolated_compose_variable_is_a_known_setting():
    known = settings_variables() | set(CONTAINER_VARIABLES)
    unknown = set(INTERPOLATION.findall(COMPOSE.read_text())) - known
    assert not unknown, f"docker-compose.yml interpolates unknown variables: {sorted(unknown)}"


def test_readme_configuration_documents_every_variable():
    section = readme_section("Configuration")
    documented = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", section, re.M))
    missing = (settings_variables() | set(CONTAINER_VARIABLES)) - documented
    assert not missing, f"README Configuration table lacks: {sorted(missing)}"


def test_required_secrets_must_be_given_and_have_no_default(compose):
    text = COMPOSE.read_text()
    for name in REQUIRED_SECRETS:
        uses = re.findall(rf"\$\{{{name}(:?[-?+]?)[^}}]*\}}", text)
        assert uses, f"{name} is not taken from the environment"
        assert set(uses) == {":?"}, f"{name} must be ${{{name}:?...}} everywhere, not {uses}"
    app_env = service_environment(compose["services"]["web"])
    assert app_env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in app_env["DATABASE_URL"]
    db_env = service_environment(compose["services"]["db"])
    assert db_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_no_secret_or_debug_default_is_insecure(compose):
    for name in APP_SERVICES:
        env = service_environment(compose["services"][name])
        assert env.get("EMAIL_HOST_PASSWORD") in (None, "${EMAIL_HOST_PASSWORD:-}")
        assert env.get("DEBUG") in (None, "${DEBUG:-}", "${DEBUG:-false}"), env.get("DEBUG")
        for setting in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
            value = env.get(setting)
            assert value in (None, f"${{{setting}:-}}", f"${{{setting}:-true}}"), value


def test_database_and_redis_report_health(compose):
    db_check = compose["services"]["db"]["healthcheck"]["test"]
    redis_check = compose["services"]["redis"]["healthcheck"]["test"]
    assert "pg_isready" in " ".join(db_check)
    assert "redis-cli ping" in " ".join(redis_check)
    assert compose["services"]["db"]["image"].startswith("postgres:15")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    assert any(
        "/var/lib/postgresql/data" in volume for volume in compose["services"]["db"]["volumes"]
    )


def test_migrate_runs_once_after_the_database_is_healthy(compose):
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


def test_web_starts_only_after_migrations_succeeded_and_redis_is_healthy(compose):
    depends = compose["services"]["web"]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["redis"]["condition"] == "service_healthy"


def test_web_serves_the_wsgi_app_with_gunicorn_on_port_8000(compose):
    web = compose["services"]["web"]
    command = web["command"]
    assert command[:2] == ["gunicorn", "visionportal.wsgi"]
    assert "0.0.0.0:8000" in command
    assert "8000:8000" in web["ports"]


def test_worker_and_beat_run_celery_for_the_project(compose):
    assert compose["services"]["worker"]["command"] == (
        "celery -A visionportal worker -l info -c 2".split()
    )
    beat = compose["services"]["beat"]["command"]
    assert beat[:4] == ["celery", "-A", "visionportal", "beat"]
    # The image's code directory is read-only for the app user: the schedule lives in /tmp.
    assert beat[beat.index("--schedule") + 1].startswith("/tmp/")  # noqa: S108


def test_image_installs_only_the_hash_checked_production_lock():
    runs = [args for instruction, args in dockerfile_instructions() if instruction == "RUN"]
    installs = [run for run in runs if "pip install" in run]
    assert installs, "the Dockerfile installs no Python packages"
    for run in installs:
        assert "--require-hashes" in run
        assert re.search(r"-r\s+requirements\.lock\b", run), run
    assert "requirements-dev.lock" not in DOCKERFILE.read_text()


def test_image_never_downloads_a_browser_with_playwright():
    assert not re.search(r"playwright\s+install", DOCKERFILE.read_text())


def test_image_is_slim_python_311_and_runs_as_a_non_root_user():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    users = [args for instruction, args in instructions if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    cmd_index = max(i for i, (instruction, _) in enumerate(instructions) if instruction == "CMD")
    user_index = max(i for i, (instruction, _) in enumerate(instructions) if instruction == "USER")
    assert user_index < cmd_index


def test_build_time_secret_key_lives_only_in_the_collectstatic_step():
    for instruction, args in dockerfile_instructions():
        if "SECRET_KEY" not in args:
            continue
        assert instruction == "RUN", f"SECRET_KEY must not persist via {instruction}"
        assert "collectstatic --no-input" in args


def test_image_serves_gunicorn_and_checks_health_at_healthz():
    instructions = dict(dockerfile_instructions())
    assert '"gunicorn", "visionportal.wsgi"' in instructions["CMD"]
    assert "0.0.0.0:8000" in instructions["CMD"]
    assert "/healthz" in instructions["HEALTHCHECK"]
    assert "urllib" in instructions["HEALTHCHECK"]


def test_build_context_leaves_out_local_state_and_secrets():
    ignored = {
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".env", "node_modules", "db.sqlite3", "staticfiles"} <= ignored
    # Compiled translations are committed and must reach the image.
    assert not ignored & {"locale", "*.mo", "**/*.mo"}


GUNICORN_CONFIG = ["--config", "python:visionportal.gunicorn_config"]


def _gunicorn_forwarded_allow_ips(command: list[str], trusted_proxy_count: str | None) -> str:
    """What the real gunicorn makes of `command` (as the image or compose runs it) in the
    repository root, from its --print-config."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORWARDED_ALLOW_IPS",)}
    env.pop("TRUSTED_PROXY_COUNT", None)
    # --print-config also loads the app: production settings want a key.
    env["SECRET_KEY"] = "print-config-only-not-a-secret"  # noqa: S105
    if trusted_proxy_count is not None:
        env["TRUSTED_PROXY_COUNT"] = trusted_proxy_count
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run(  # noqa: S603
        [gunicorn, *command[1:], "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("forwarded_allow")]
    return line.split("=", 1)[1].strip()


def _dockerfile_cmd() -> list[str]:
    return json.loads(dict(dockerfile_instructions())["CMD"])


def test_image_and_compose_load_the_gunicorn_config(compose):
    for command in (_dockerfile_cmd(), compose["services"]["web"]["command"]):
        assert command[:2] == ["gunicorn", "visionportal.wsgi"]
        index = command.index("--config")
        assert command[index : index + 2] == GUNICORN_CONFIG
        assert not any(arg.startswith("--forwarded-allow-ips") for arg in command)


@pytest.mark.parametrize(
    ("trusted_proxy_count", "expected"),
    [(None, "[]"), ("", "[]"), ("0", "[]"), ("1", "['*']"), ("2", "['*']")],
)
def test_gunicorn_trusts_forwarded_proto_only_behind_the_trusted_proxies(
    compose, trusted_proxy_count, expected
):
    # gunicorn's own default trusts X-Forwarded-Proto from loopback; without a proxy in
    # front nobody is trusted, behind TRUSTED_PROXY_COUNT proxies the peer (the proxy) is.
    for command in (_dockerfile_cmd(), compose["services"]["web"]["command"]):
        assert _gunicorn_forwarded_allow_ips(command, trusted_proxy_count) == expected


def test_gunicorn_refuses_a_bad_trusted_proxy_count_at_start_up():
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = subprocess.run(  # noqa: S603
        [gunicorn, "visionportal.wsgi", *GUNICORN_CONFIG, "--print-config"],
        cwd=ROOT,
        env={**os.environ, "TRUSTED_PROXY_COUNT": "one"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be an integer" in result.stdout + result.stderr


def test_readme_documents_how_gunicorn_trusts_the_proxy():
    configuration = readme_section("Configuration")
    row = next(line for line in configuration.splitlines() if "`TRUSTED_PROXY_COUNT`" in line)
    assert "--forwarded-allow-ips" in row
    assert "X-Forwarded-Proto" in row
