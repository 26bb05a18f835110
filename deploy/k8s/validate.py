"""Validate rendered manifests: ``python -m deploy.k8s.validate [OVERLAY ...]``
(default: every overlay under deploy/k8s/overlays).

Three checks, each of which fails on its own:

1. Kubernetes' own kinds against the Kubernetes API's schemas (``kubernetes-validate``,
   strict: an unknown field is an error, as ``kubectl apply`` with server-side field
   validation makes it), for ``KUBERNETES_VERSION``, the oldest cluster we support.
2. The operators' kinds (RabbitmqCluster, CloudNativePG Cluster / Database /
   ScheduledBackup, KEDA ScaledObject / TriggerAuthentication, MinIO Tenant) against
   the CRD schemas vendored in ``crd-schemas/``, also strict: an unknown field is an
   error (the API server would prune it silently — a typo would simply vanish).
3. References inside the rendering: what a ScaledObject, HorizontalPodAutoscaler,
   PodDisruptionBudget, Service, Ingress or NetworkPolicy points at exists, and every
   ConfigMap a pod reads is rendered. Secrets are the operator's (never rendered): their
   names are listed by ``secret_names``.
"""
import copy
import functools
import json
import re
import sys
from pathlib import Path

import jsonschema
import referencing
from kubernetes_validate import utils as kubernetes_schemas

from deploy.k8s.render import RenderError, containers_of, pod_spec, render

K8S = Path(__file__).resolve().parent
SCHEMAS = K8S / "crd-schemas"
KUBERNETES_VERSION = "1.30"   # lifecycle.preStop.sleep needs 1.30
# Secrets the operators make themselves (the RabbitMQ Cluster Operator's default user)
OPERATOR_SECRETS = {"zc-rabbitmq-default-user"}


class ManifestError(ValueError):
    """Every problem found, one per line."""


def object_name(obj):
    return f"{obj.get('kind')} {obj.get('metadata', {}).get('name')}"


def crd_key(obj):
    return f"{obj.get('apiVersion', '').split('/')[0]}_{obj.get('kind')}_{obj.get('apiVersion', '').split('/')[-1]}"


def strict(schema):
    """An OpenAPI v3 CRD schema as a strict JSON schema: objects with declared
    properties admit no others (unless the CRD preserves unknown fields), and
    ``nullable`` admits null."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if ("properties" in node and "additionalProperties" not in node
                    and not node.get("x-kubernetes-preserve-unknown-fields")):
                node["additionalProperties"] = False
            if node.get("nullable") and isinstance(node.get("type"), str):
                node["type"] = [node["type"], "null"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(schema)
    return schema


@functools.cache
def crd_validator(key):
    path = SCHEMAS / f"{key}.json"
    if not path.is_file():
        return None
    return jsonschema.Draft7Validator(strict(json.loads(path.read_text())))


@functools.cache
def kubernetes_validator(api_version, kind):
    """A strict validator for a Kubernetes kind from kubernetes-validate's bundled
    schemas, built once per kind: ``kubernetes_validate.validate`` does what this does
    but reads the ~MB definitions file again on every call, which made validating
    one overlay take over a second."""
    wanted = kubernetes_schemas.major_minor(KUBERNETES_VERSION)
    version = [v for v in kubernetes_schemas.all_versions()
               if kubernetes_schemas.Version(kubernetes_schemas.major_minor(v))
               <= kubernetes_schemas.Version(wanted)][-1]
    directory = f"kubernetes-json-schema/v{version}-local-strict"
    # rbac.authorization.k8s.io/v1 → rbac-v1 (the bundle's file naming)
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = kubernetes_schemas.schema_contents(f"{directory}/{kind.lower()}-{group_version}.json", version)
    except FileNotFoundError:
        return None
    definitions = kubernetes_schemas.schema_contents(f"{directory}/_definitions.json", version)
    registry = referencing.Resource.from_contents(definitions) @ (
        referencing.Resource.from_contents(schema) @ referencing.Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def errors_of(validator, obj):
    return [f"{object_name(obj)}: {'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))]


def schema_errors(obj):
    """Schema problems of one object, as lines."""
    group = obj.get("apiVersion", "").rpartition("/")[0]
    if "." in group and not group.endswith(".k8s.io"):
        validator = crd_validator(crd_key(obj))
        if validator is None:
            return [f"{object_name(obj)}: no vendored schema for {obj.get('apiVersion')} {obj.get('kind')}"]
        return errors_of(validator, obj)
    validator = kubernetes_validator(obj.get("apiVersion", ""), obj.get("kind", ""))
    if validator is None:
        return [f"{object_name(obj)}: Kubernetes {KUBERNETES_VERSION} has no kind {obj.get('apiVersion')} "
                f"{obj.get('kind')}"]
    return errors_of(validator, obj)


def labels_match(selector, labels):
    """A LabelSelector (matchLabels + matchExpressions) against a label set."""
    if not all(labels.get(key) == value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        value, operator = labels.get(expression["key"]), expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and value in expression["values"]:
            return False
        if operator == "Exists" and expression["key"] not in labels:
            return False
        if operator == "DoesNotExist" and expression["key"] in labels:
            return False
    return True


def pod_labels(obj):
    template = (obj.get("spec") or {}).get("template") or {}
    return (template.get("metadata") or {}).get("labels") or {}


def reference_errors(objects):
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], {})[obj["metadata"]["name"]] = obj
    deployments = by_kind.get("Deployment", {})
    workloads = [obj for obj in objects if obj["kind"] in ("Deployment", "Job")]
    errors = []

    def need(kind, name, by):
        if name not in by_kind.get(kind, {}):
            errors.append(f"{object_name(by)}: refers to {kind} {name}, which is not rendered")

    for obj in by_kind.get("ScaledObject", {}).values():
        need("Deployment", obj["spec"]["scaleTargetRef"]["name"], obj)
        for trigger in obj["spec"].get("triggers", []):
            if trigger.get("authenticationRef"):
                need("TriggerAuthentication", trigger["authenticationRef"]["name"], obj)
    for obj in by_kind.get("HorizontalPodAutoscaler", {}).values():
        need(obj["spec"]["scaleTargetRef"]["kind"], obj["spec"]["scaleTargetRef"]["name"], obj)
    scaled = [obj["spec"]["scaleTargetRef"]["name"] for kind in ("ScaledObject", "HorizontalPodAutoscaler")
              for obj in by_kind.get(kind, {}).values()]
    for name in {name for name in scaled if scaled.count(name) > 1}:
        errors.append(f"Deployment {name}: scaled by more than one autoscaler")
    for obj in by_kind.get("PodDisruptionBudget", {}).values():
        if not any(labels_match(obj["spec"]["selector"], pod_labels(d)) for d in deployments.values()):
            errors.append(f"{object_name(obj)}: its selector matches no Deployment's pods")
    for obj in by_kind.get("Service", {}).values():
        selector = {"matchLabels": obj["spec"].get("selector") or {}}
        if not any(labels_match(selector, pod_labels(d)) for d in deployments.values()):
            errors.append(f"{object_name(obj)}: its selector matches no Deployment's pods")
    for obj in by_kind.get("Ingress", {}).values():
        for rule in obj["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                need("Service", path["backend"]["service"]["name"], obj)
    for obj in by_kind.get("NetworkPolicy", {}).values():
        # a policy for our pods must select some (the operators' pods are not rendered)
        selector = obj["spec"]["podSelector"]
        if "app.kubernetes.io/part-of" in (selector.get("matchLabels") or {}) and not any(
                labels_match(selector, pod_labels(w)) for w in workloads):
            errors.append(f"{object_name(obj)}: its podSelector matches none of our pods")
    for obj in workloads:
        spec = pod_spec(obj)
        for container in containers_of(obj):
            for source in container.get("envFrom") or []:
                if "configMapRef" in source:
                    need("ConfigMap", source["configMapRef"]["name"], obj)
        for volume in spec.get("volumes") or []:
            if "configMap" in volume:
                need("ConfigMap", volume["configMap"]["name"], obj)
    for obj in by_kind.get("Secret", {}).values():
        errors.append(f"{object_name(obj)}: a Secret in the manifests (the operator creates Secrets)")
    return errors


def secret_names(objects):
    """Every Secret the rendering refers to by name (the operator creates them)."""
    names = set()

    def walk(node):
        if isinstance(node, dict):
            for key in ("secretKeyRef", "secretRef"):
                if isinstance(node.get(key), dict) and "name" in node[key]:
                    names.add(node[key]["name"])
            if "secretName" in node and isinstance(node["secretName"], str):
                names.add(node["secretName"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    for obj in objects:
        walk(obj)
        if obj["kind"] == "Cluster":
            for role in obj["spec"].get("managed", {}).get("roles", []):
                names.add(role["passwordSecret"]["name"])
            names |= {credential["name"] for credential in
                      obj["spec"]["backup"]["barmanObjectStore"]["s3Credentials"].values()}
        if obj["kind"] == "Tenant":
            names.add(obj["spec"]["configuration"]["name"])
            names |= {user["name"] for user in obj["spec"].get("users", [])}
        if obj["kind"] == "TriggerAuthentication":
            names |= {ref["name"] for ref in obj["spec"].get("secretTargetRef", [])}
    return names


def validate(objects):
    """Raise ManifestError listing every problem of a rendering."""
    errors = [error for obj in objects for error in schema_errors(obj)]
    errors += reference_errors(objects)
    if errors:
        raise ManifestError("\n".join(errors))
    return objects


def overlays():
    return sorted(path for path in (K8S / "overlays").iterdir() if (path / "kustomization.yaml").is_file())


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    failed = False
    for directory in [Path(a) for a in argv] or overlays():
        try:
            objects = validate(render(directory))
        except (RenderError, ManifestError) as exc:
            print(f"FAIL {directory}:\n{exc}", file=sys.stderr)
            failed = True
            continue
        print(f"ok   {directory}: {len(objects)} objects valid (Kubernetes {KUBERNETES_VERSION} and the "
              f"operators' CRDs); Secrets to create: {', '.join(sorted(secret_names(objects) - OPERATOR_SECRETS))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
