"""deploy/k8s (issue 7): every manifest parses, each service has a probed Deployment, a Service, an HPA,
and the Ingress routes the same prefixes as the compose proxy."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.bootstrap import SERVICES

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            documents.extend(doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc)
    return documents


def find(manifests: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [doc for doc in manifests if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def test_every_manifest_is_a_named_kubernetes_object(manifests: list[dict[str, Any]]) -> None:
    for doc in manifests:
        assert doc.get("apiVersion") and doc.get("kind") and doc["metadata"].get("name"), doc


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    assert kustomization["namespace"] == "qms"


def test_spec7_each_deployment_probes_readyz_and_healthz(manifests: list[dict[str, Any]]) -> None:
    for name in SERVICES:
        container = find(manifests, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        assert {"name": "QMS_SERVICE", "value": name} in container["env"]
        assert container["resources"]["requests"] and container["resources"]["limits"], name


def test_each_deployment_runs_as_non_root(manifests: list[dict[str, Any]]) -> None:
    for name in SERVICES:
        pod = find(manifests, "Deployment", name)["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"] is False


def test_each_service_has_a_service_and_an_autoscaler(manifests: list[dict[str, Any]]) -> None:
    for name in SERVICES:
        labels = find(manifests, "Deployment", name)["spec"]["template"]["metadata"]["labels"]
        selector = find(manifests, "Service", name)["spec"]["selector"]
        assert selector.items() <= labels.items(), name
        target = find(manifests, "HorizontalPodAutoscaler", name)["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", name)


def test_ingress_routes_each_service_prefix_and_names_it_for_the_docs(manifests: list[dict[str, Any]]) -> None:
    for name in SERVICES:
        ingress = find(manifests, "Ingress", f"qms-{name}")
        [path] = ingress["spec"]["rules"][0]["http"]["paths"]
        assert path["backend"]["service"]["name"] == name
        rewritten = re.fullmatch(path["path"], f"/{name}/v1/things")
        assert rewritten is not None and rewritten.group(2) == "v1/things"
        assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"] == "/$2"
        assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/x-forwarded-prefix"] == f"/{name}"


@pytest.mark.parametrize("tail", ["/metrics", "/metrics/", "/metrics/x"])
def test_ingress_keeps_metrics_internal(manifests: list[dict[str, Any]], tail: str) -> None:
    for name in SERVICES:
        [path] = find(manifests, "Ingress", f"qms-{name}")["spec"]["rules"][0]["http"]["paths"]
        assert re.fullmatch(path["path"], f"/{name}{tail}") is None, name


def test_ingress_body_sizes_are_the_services_own_caps(manifests: list[dict[str, Any]]) -> None:
    sizes = {
        name: find(manifests, "Ingress", f"qms-{name}")["metadata"]["annotations"][
            "nginx.ingress.kubernetes.io/proxy-body-size"
        ]
        for name in SERVICES
    }
    # An attachment upload (ATT-2: 20 MB and its envelope) is the largest body; notify takes none.
    assert sizes == {"intake": "21m", "classification": "21m", "sanctions": "21m", "crm": "21m", "notify": "1m"}


def secret_refs(container: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        entry["name"]: (entry["valueFrom"]["secretKeyRef"]["name"], entry["valueFrom"]["secretKeyRef"]["key"])
        for entry in container.get("env", [])
        if "secretKeyRef" in entry.get("valueFrom", {})
    }


def test_spec9_no_manifest_carries_a_secret(manifests: list[dict[str, Any]]) -> None:
    assert [doc["metadata"]["name"] for doc in manifests if doc["kind"] == "Secret"] == []
    for path in K8S.glob("*.yaml"):
        assert "REPLACE-ME" not in path.read_text(encoding="utf-8"), path.name


def test_spec9_each_service_reads_only_its_own_database_password(manifests: list[dict[str, Any]]) -> None:
    for name in SERVICES:
        container = find(manifests, "Deployment", name)["spec"]["template"]["spec"]["containers"][0]
        refs = secret_refs(container)
        assert refs["QMS_DB_PASSWORD"] == (f"qms-db-{name}", "password"), name
        others = {f"qms-db-{other}" for other in SERVICES if other != name}
        assert not others & {secret for secret, _ in refs.values()}, name
        assert not any("secretRef" in source for source in container.get("envFrom", [])), name


def test_spec9_migrate_sets_each_roles_own_password_and_owns_the_schemas(manifests: list[dict[str, Any]]) -> None:
    container = find(manifests, "Job", "qms-migrate")["spec"]["template"]["spec"]["containers"][0]
    refs = secret_refs(container)
    for name in SERVICES:
        assert refs[f"QMS_DB_PASSWORD_{name.upper()}"] == (f"qms-db-{name}", "password")
    assert find(manifests, "ConfigMap", "qms-config")["data"]["QMS_DB_SEPARATE_OWNER"] == "true"


def test_kafka_credentials_come_from_a_secret(manifests: list[dict[str, Any]]) -> None:
    config = find(manifests, "ConfigMap", "qms-config")["data"]
    assert config["QMS_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    for name in SERVICES:
        refs = secret_refs(find(manifests, "Deployment", name)["spec"]["template"]["spec"]["containers"][0])
        assert refs["QMS_KAFKA_SASL_PASSWORD"] == ("qms-kafka", "password"), name


def test_migrate_job_runs_the_migrate_command_as_the_administrator(manifests: list[dict[str, Any]]) -> None:
    container = find(manifests, "Job", "qms-migrate")["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "-m", "shared.cli", "migrate"]
    overrides = {entry["name"]: entry for entry in container["env"]}
    assert overrides["QMS_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "qms-migrate"
