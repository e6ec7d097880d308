"""The deployment files agree with the code: every command, flag and `VIRTOOL_*` variable that
docker-compose.yml, docker-compose.override.yml and the Dockerfile use is one the CLI really has, with a value
it accepts. The CI workflow is valid YAML with the jobs maintainers rely on.
"""

import importlib.util
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from virtool_api.cli import main
from virtool_api.settings_table import subcommands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
OVERRIDE = ROOT / "docker-compose.override.yml"
DOCKERFILE = ROOT / "Dockerfile"
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
API_SERVICES = ("migrate", "public", "jobs")


def interpolate(value: Any) -> Any:
    """Compose's `${NAME:-default}` with its default, as `docker compose` does when NAME is unset."""
    if isinstance(value, str):
        return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", value)
    return value


def load_compose(*paths: Path) -> dict[str, Any]:
    """The files merged as `docker compose -f a -f b` merges them, for the keys used here."""
    merged: dict[str, Any] = {"services": {}, "volumes": {}}
    for path in paths:
        document = yaml.safe_load(path.read_text())
        merged["volumes"].update(document.get("volumes") or {})
        for name, service in document["services"].items():
            target = merged["services"].setdefault(name, {})
            for key, value in service.items():
                if key == "environment":
                    target.setdefault("environment", {}).update(value)
                elif key == "ports":
                    target.setdefault("ports", []).extend(value)
                else:
                    target[key] = value
    return merged


def dockerfile_instructions() -> list[tuple[str, str]]:
    """`(INSTRUCTION, arguments)` of the final stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            instructions = []
        instructions.append((instruction.upper(), arguments.strip()))
    return instructions


def dockerfile_exec_form(instruction: str) -> list[str]:
    [arguments] = [arguments for name, arguments in dockerfile_instructions() if name == instruction]
    return json.loads(arguments)


def dockerfile_environment() -> dict[str, str]:
    environment = {}
    for name, arguments in dockerfile_instructions():
        if name == "ENV":
            for key, value in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", arguments):
                environment[key] = value
    return environment


def cli_envvars(command: click.Command = main) -> set[str]:
    """Every environment variable any option of any command reads."""
    names: set[str] = set()
    for param in command.params:
        envvar = param.envvar
        if isinstance(envvar, str):
            names.add(envvar)
        elif envvar:
            names.update(envvar)
    for _, subcommand in subcommands(command):
        names |= cli_envvars(subcommand)
    return names


def invoke_parameters(
    arguments: list[str], environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Parse `virtool-api ARGUMENTS` with `environment` as click would at startup, without running it.

    Unknown commands and flags, and values an option rejects (from a flag or a `VIRTOOL_*` variable), raise
    click's usage errors. Returns the parameters of the command that would run, group options included.
    """
    for name in list(cli_envvars()):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, str(interpolate(value)))
    assert arguments and not arguments[0].startswith("-"), "set group options by VIRTOOL_* variables"
    context = main.make_context("virtool-api", [arguments[0]])
    parameters = dict(context.params)
    command: click.Command | None = main
    remaining = list(arguments)
    while isinstance(command, click.Group):
        name, remaining = remaining[0], remaining[1:]
        command = command.get_command(context, name)
        assert command is not None, f"virtool-api has no command {name!r} ({arguments})"
        if isinstance(command, click.Group):
            context = command.make_context(name, remaining[:1], parent=context)
        else:
            context = command.make_context(name, remaining, parent=context)
    parameters.update(context.params)
    return parameters


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose(COMPOSE)


@pytest.fixture(scope="module")
def compose_development() -> dict[str, Any]:
    return load_compose(COMPOSE, OVERRIDE)


# The CLI and the compose services --------------------------------------------------------------------------


def test_every_virtool_variable_of_the_deployment_files_is_a_cli_option(compose, compose_development):
    known = cli_envvars()
    used = set(dockerfile_environment())
    for document in (compose, compose_development):
        for service in document["services"].values():
            used |= set(service.get("environment", {}))
    virtool = {name for name in used if name.startswith("VIRTOOL_")}
    assert virtool, "the deployment files configure the server by VIRTOOL_* variables"
    assert virtool - known == set()


@pytest.mark.parametrize("overlay", ["production", "development"])
@pytest.mark.parametrize("service", API_SERVICES)
def test_each_api_service_command_parses_with_its_environment(
    service, overlay, compose, compose_development, monkeypatch
):
    document = compose if overlay == "production" else compose_development
    definition = document["services"][service]
    environment = {**dockerfile_environment(), **definition.get("environment", {})}
    arguments = definition.get("command", dockerfile_exec_form("CMD"))
    invoke_parameters(arguments, environment, monkeypatch)


def test_the_public_and_job_services_serve_one_api_each_without_migrating(compose, monkeypatch):
    served = {}
    for service in ("public", "jobs"):
        definition = compose["services"][service]
        parameters = invoke_parameters(definition["command"], definition["environment"], monkeypatch)
        assert parameters["migrate_schema"] is False
        assert parameters["host"] == "0.0.0.0"
        assert parameters["log_format"] == "json"
        served[service] = parameters
    assert served["public"]["only"] == "public"
    assert served["jobs"]["only"] == "jobs"
    # The published container ports are the ones each API listens on.
    assert compose["services"]["public"]["ports"] == [f"{served['public']['port']}:9950"]
    assert compose["services"]["jobs"]["ports"] == [f"{served['jobs']['jobs_port']}:9990"]


def test_the_migrate_service_runs_the_migrate_command(compose, monkeypatch):
    definition = compose["services"]["migrate"]
    assert definition["command"] == ["migrate"]
    assert definition["restart"] == "no"
    parameters = invoke_parameters(definition["command"], definition["environment"], monkeypatch)
    assert parameters["postgres_url"] == "postgresql://virtool:virtool@postgres:5432/virtool"


def test_all_api_services_use_the_same_stores_and_image(compose, monkeypatch):
    stores = set()
    images = set()
    for service in API_SERVICES:
        definition = compose["services"][service]
        parameters = invoke_parameters(definition["command"], definition["environment"], monkeypatch)
        stores.add((parameters["mongodb_url"], parameters["postgres_url"], str(parameters["data_path"])))
        images.add((definition["image"], definition["build"]))
    assert len(stores) == 1
    assert len(images) == 1


def test_both_apis_share_the_data_volume_at_the_data_path(compose):
    for service in ("public", "jobs"):
        definition = compose["services"][service]
        assert "data:/data" in definition["volumes"]
        assert definition["environment"]["VIRTOOL_DATA_PATH"] == "/data"


def test_named_volumes_are_declared(compose):
    for definition in compose["services"].values():
        for volume in definition.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in compose["volumes"]


def test_the_apis_start_after_healthy_databases_and_a_completed_migration(compose):
    for service in ("public", "jobs"):
        assert compose["services"][service]["depends_on"] == {
            "mongo": {"condition": "service_healthy"},
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
    assert compose["services"]["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for database in ("mongo", "postgres", "redis"):
        assert compose["services"][database]["healthcheck"]["test"]


def test_mongodb_is_the_replica_set_the_url_names(compose):
    mongo = compose["services"]["mongo"]
    replica_set = mongo["command"][mongo["command"].index("--replSet") + 1]
    healthcheck = " ".join(mongo["healthcheck"]["test"])
    assert f"rs.initiate({{_id: '{replica_set}'" in healthcheck
    assert "host: 'mongo:27017'" in healthcheck
    url = compose["services"]["public"]["environment"]["VIRTOOL_MONGODB_URL"]
    assert url == f"mongodb://mongo:27017/virtool?replicaSet={replica_set}"


def test_both_apis_hand_jobs_off_through_the_compose_redis(compose, monkeypatch):
    for service in ("public", "jobs"):
        definition = compose["services"][service]
        parameters = invoke_parameters(definition["command"], definition["environment"], monkeypatch)
        assert parameters["redis_url"] == "redis://redis:6379/0"
    assert compose["services"]["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_runners_take_jobs_from_the_compose_redis_and_call_the_job_service(compose, monkeypatch):
    definition = compose["services"]["runner"]
    parameters = invoke_parameters(definition["command"], definition["environment"], monkeypatch)
    jobs = invoke_parameters(
        compose["services"]["jobs"]["command"], compose["services"]["jobs"]["environment"], monkeypatch
    )
    assert parameters["redis_url"] == jobs["redis_url"] == "redis://redis:6379/0"
    assert parameters["jobs_url"] == f"http://jobs:{jobs['jobs_port']}/api"
    # Scalable: nothing published, nothing shared (`--scale runner=N`).
    assert "ports" not in definition and "volumes" not in definition
    assert "container_name" not in definition


def test_postgres_credentials_match_the_url(compose):
    postgres = compose["services"]["postgres"]["environment"]
    user, password, database = (
        interpolate(postgres[key]) for key in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB")
    )
    url = interpolate(compose["services"]["jobs"]["environment"]["VIRTOOL_POSTGRES_URL"])
    assert url == f"postgresql://{user}:{password}@postgres:5432/{database}"


def test_the_development_overlay_publishes_the_databases_on_localhost_only(compose_development):
    for database in ("mongo", "postgres"):
        for port in compose_development["services"][database]["ports"]:
            assert port.startswith("127.0.0.1:")


# The Dockerfile ---------------------------------------------------------------------------------------------


def test_the_image_entrypoint_is_the_project_script():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert dockerfile_exec_form("ENTRYPOINT") == ["virtool-api"]
    assert "virtool-api" in scripts


def test_the_image_default_command_parses(monkeypatch):
    parameters = invoke_parameters(dockerfile_exec_form("CMD"), dockerfile_environment(), monkeypatch)
    assert str(parameters["data_path"]) == "/data"
    assert parameters["host"] == "0.0.0.0"


def test_the_image_runs_as_a_user_with_a_data_volume_and_a_healthcheck():
    instructions = dict(dockerfile_instructions())
    assert instructions["USER"] not in ("root", "0")
    assert instructions["VOLUME"] in ("/data", '["/data"]')
    healthcheck = instructions["HEALTHCHECK"]
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3 :])
    assert command == ["python", "-m", "virtool_api.server.health"]
    assert importlib.util.find_spec("virtool_api.server.health") is not None


def test_the_final_stage_starts_from_slim_python_and_copies_only_the_environment():
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert stages == ["python:3.11-slim", "python:3.11-slim"]
    final = text[text.rindex("\nFROM ") :]
    assert re.findall(r"^COPY .*", final, flags=re.MULTILINE) == ["COPY --from=build /opt/venv /opt/venv"]


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "data", "tests"):
        assert entry in ignored


# The CI workflow --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def test_ci_runs_on_pushes_and_pull_requests(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "pull_request" in triggers


def test_ci_has_the_lint_test_and_image_jobs(workflow):
    assert set(workflow["jobs"]) == {"lint", "test", "image"}
    lint = " ".join(step.get("run", "") for step in workflow["jobs"]["lint"]["steps"])
    assert "make lint" in lint


def test_ci_tests_against_mongodb_postgres_and_redis_service_containers(workflow):
    job = workflow["jobs"]["test"]
    assert set(job["services"]) == {"mongo", "postgres", "redis"}
    assert job["env"]["VIRTOOL_TEST_REDIS_URL"] == "redis://127.0.0.1:6379/15"
    postgres = job["services"]["postgres"]["env"]
    assert job["env"]["VIRTOOL_TEST_POSTGRES_URL"] == (
        f"postgresql://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@127.0.0.1:5432/"
        f"{postgres['POSTGRES_DB']}"
    )
    assert job["env"]["VIRTOOL_TEST_MONGODB_URL"].startswith("mongodb://127.0.0.1:27017")
    assert "make test" in [step.get("run") for step in job["steps"]]
    urls = (ROOT / "tests" / "support" / "workers.py").read_text()  # where the suite reads them
    for name in job["env"]:
        assert f'"{name}"' in urls


def test_ci_builds_the_image_without_pushing(workflow):
    steps = workflow["jobs"]["image"]["steps"]
    [build] = [step for step in steps if step.get("uses", "").startswith("docker/build-push-action")]
    assert build["with"]["push"] is False


# Tools that may be on the machine ---------------------------------------------------------------------------


def _compose_client() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    return None


@pytest.mark.skipif(_compose_client() is None, reason="the docker compose plugin is not installed")
@pytest.mark.parametrize(
    "files", [["docker-compose.yml"], ["docker-compose.yml", "docker-compose.override.yml"]]
)
def test_docker_compose_config_accepts_the_files(files):
    arguments = [argument for name in files for argument in ("-f", name)]
    result = subprocess.run(
        [*_compose_client(), *arguments, "config", "--quiet"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
