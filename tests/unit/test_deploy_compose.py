"""docker-compose.yml and what it mounts from deploy/ (issue 7): checked statically, no Docker needed.

The compose file is validated against the Compose Specification's JSON schema, vendored in
deploy/schemas/compose-spec.json (from compose-spec/compose-spec, schema/compose-spec.json).
"""

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from shared.bootstrap import SERVICES

# The services whose objects take attachments (ATT-1); notify keeps none.
ATTACHMENT_KEEPERS = ("intake", "classification", "sanctions", "crm")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return loaded


def test_compose_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads((DEPLOY / "schemas" / "compose-spec.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(compose)]
    assert not errors, "\n".join(errors)


def test_spec1_the_four_services_run_from_the_one_dockerfile(compose: dict[str, Any]) -> None:
    for name in SERVICES:
        service = compose["services"][name]
        assert service["build"] == {"context": ".", "dockerfile": "Dockerfile"}, name
        assert service["environment"]["QMS_SERVICE"] == name
        assert "/healthz" in " ".join(service["healthcheck"]["test"]), name


def test_spec1_services_reach_postgres_and_kafka_through_the_settings(compose: dict[str, Any]) -> None:
    for name in SERVICES:
        environment = compose["services"][name]["environment"]
        for variable in ("QMS_DATABASE_URL", "QMS_DB_PASSWORD", "QMS_KAFKA_BOOTSTRAP_SERVERS", "QMS_JWT_SECRET"):
            assert environment.get(variable), f"{name} lacks {variable}"
        assert environment["QMS_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert "@postgres:" not in environment["QMS_DATABASE_URL"], "services log in as their own role, not the admin"


def test_services_start_only_after_migrate_succeeded(compose: dict[str, Any]) -> None:
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["python", "-m", "shared.cli", "migrate"]
    assert set(migrate["environment"]) >= {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS"}
    for name in SERVICES:
        assert compose["services"][name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_kafka_runs_in_kraft_mode_without_zookeeper(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert set(kafka["environment"]["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("zookeeper" in name for name in compose["services"])


SUBSTITUTION = re.compile(r"^\$\{([A-Z][A-Z0-9_]*):\?[^}]+\}$")


def required_variable(value: str) -> str:
    """The variable a setting is taken from; a literal value (a usable secret) fails."""
    found = SUBSTITUTION.match(value)
    assert found is not None, f"{value!r} is not a required ${{VARIABLE:?…}}"
    return found.group(1)


def test_spec9_each_service_logs_in_with_a_password_of_its_own(compose: dict[str, Any]) -> None:
    variables = {
        name: required_variable(compose["services"][name]["environment"]["QMS_DB_PASSWORD"]) for name in SERVICES
    }
    assert len(set(variables.values())) == len(SERVICES), variables
    migrate = compose["services"]["migrate"]["environment"]
    for name in SERVICES:
        assert required_variable(migrate[f"QMS_DB_PASSWORD_{name.upper()}"]) == variables[name], name
    assert "QMS_DB_PASSWORD" not in migrate, "no password shared by every role"


def test_spec9_no_secret_in_the_compose_file_is_a_usable_value(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        environment = service.get("environment", {})
        for variable, value in environment.items():
            if re.search(r"PASSWORD|SECRET", variable):
                required_variable(value)
    assert "REPLACE-ME" not in (REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8")


def test_spec9_migrations_own_the_schemas_and_the_services_get_dml_only(compose: dict[str, Any]) -> None:
    assert compose["services"]["migrate"]["environment"]["QMS_DB_SEPARATE_OWNER"] == "true"
    for name in SERVICES:
        assert compose["services"][name]["environment"]["QMS_DB_SEPARATE_OWNER"] == "true", name


def test_proxy_routes_each_service_prefix_to_that_service() -> None:
    config = (DEPLOY / "nginx" / "default.conf").read_text(encoding="utf-8")
    route = re.search(r"location ~ \^/\(\?<qms_service>([a-z|]+)\)/ \{\s*proxy_pass (\S+);", config)
    assert route is not None
    assert set(route.group(1).split("|")) == set(SERVICES)
    assert route.group(2) == "http://$qms_service:8000$qms_upstream_uri"
    prefix_strip = re.search(r"map \$request_uri \$qms_upstream_uri \{\s*\"~\^/\(\?:([a-z|]+)\)", config)
    assert prefix_strip is not None
    assert set(prefix_strip.group(1).split("|")) == set(SERVICES)


def test_proxy_names_the_prefix_it_removed_for_the_docs() -> None:
    config = (DEPLOY / "nginx" / "default.conf").read_text(encoding="utf-8")
    prefix = re.search(r"map \$request_uri \$qms_prefix \{\s*\"~\^/\(\?<qms_prefixed>([a-z|]+)\)", config)
    assert prefix is not None
    assert set(prefix.group(1).split("|")) == set(SERVICES)
    # At the server level: a location's own proxy_set_header would drop every inherited one.
    server = config[config.index("server {") :]
    assert "proxy_set_header X-Forwarded-Prefix $qms_prefix;" in server.split("location")[0]


def test_proxy_keeps_metrics_internal() -> None:
    config = (DEPLOY / "nginx" / "default.conf").read_text(encoding="utf-8")
    blocked = re.search(r"location ~ \^/\(([a-z|]+)\)/metrics\(/\.\*\)\?\$ \{\s*return 404;", config)
    assert blocked is not None
    assert set(blocked.group(1).split("|")) == set(SERVICES)


def test_prometheus_scrapes_every_service() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    scraped = {
        (job["job_name"], name, sd["port"])
        for job in config["scrape_configs"]
        for sd in job.get("dns_sd_configs", [])
        for name in sd["names"]
    }
    assert {(name, name, 8000) for name in SERVICES} <= scraped


def test_grafana_provisions_the_datasource_and_dashboards(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["grafana"]["volumes"]
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
    dashboards = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "dashboards" / "qms.yml").read_text())
    assert any(mount.endswith(f":{dashboards['providers'][0]['options']['path']}:ro") for mount in mounts)
    datasource = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"


def test_image_runs_as_non_root_with_a_healthcheck() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.count("FROM python:3.11-slim") == 2
    assert "pip install -c requirements.lock ." in dockerfile
    final_stage = dockerfile.rsplit("FROM ", 1)[1]
    assert re.search(r"^USER 10001:10001$", final_stage, re.MULTILINE)
    assert "HEALTHCHECK" in final_stage and "/healthz" in final_stage
    assert "services.${QMS_SERVICE" in final_stage


def test_att1_each_service_keeps_its_attachments_in_its_own_minio_bucket(compose: dict[str, Any]) -> None:
    script = " ".join(compose["services"]["minio-buckets"]["entrypoint"])
    for name in ATTACHMENT_KEEPERS:
        service = compose["services"][name]
        assert service["environment"]["QMS_ATTACHMENTS_S3_ENDPOINT"] == "http://minio:9000"
        assert service["environment"]["QMS_ATTACHMENTS_S3_BUCKET"] == f"qms-{name}"
        assert service["depends_on"]["minio-buckets"] == {"condition": "service_completed_successfully"}
    assert 'mc mb --ignore-existing "qms/qms-$$service"' in script
    assert "for service in intake classification sanctions crm" in script
