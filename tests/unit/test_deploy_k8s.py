"""deploy/k8s (issue 7): every manifest parses, each service has a probed Deployment, a Service, an HPA,
and the Ingress routes the same prefixes as the compose proxy."""

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
        paths = ingress["spec"]["rules"][0]["http"]["paths"]
        assert [(path["path"], path["backend"]["service"]["name"]) for path in paths] == [(f"/{name}(/|$)(.*)", name)]
        assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/x-forwarded-prefix"] == f"/{name}"


def test_migrate_job_runs_the_migrate_command_as_the_administrator(manifests: list[dict[str, Any]]) -> None:
    container = find(manifests, "Job", "qms-migrate")["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "-m", "shared.cli", "migrate"]
    overrides = {entry["name"]: entry for entry in container["env"]}
    assert overrides["QMS_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "qms-migrate"
