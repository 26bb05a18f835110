"""The Kubernetes manifests (deploy/k8s): every overlay renders (deploy/k8s/render.py,
checked against ``kubectl kustomize`` where it is installed) and validates
(deploy/k8s/validate.py: Kubernetes schemas, the operators' CRD schemas, references);
what they declare matches the code (queues, settings, processes); and a broken
manifest fails."""
import copy
import functools
import importlib
import inspect
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy import processes
from deploy.k8s import render as renderer
from deploy.k8s import validate as validator
from zc_common.config import SERVICES

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = [path.name for path in validator.overlays()]
SECRET_SETTINGS = {"ZC_AMQP_URI", "ZC_SECRET_KEY", "ZC_ADMIN_PASSWORD", "ZC_S3_ACCESS_KEY", "ZC_S3_SECRET_KEY",
                   "ZC_SANDBOX_SECRET", *(f"ZC_{service.upper()}_DB" for service in SERVICES)}


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request):
    return request.param, renderer.render(K8S / "overlays" / request.param)


def objects_of(objects, kind):
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def main_container(deployment):
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_both_overlays_exist():
    assert {"xinjiang", "prefecture-template"} <= set(OVERLAYS)


def test_every_overlay_renders_and_validates(rendered):
    name, objects = rendered
    validator.validate(objects)
    kinds = [obj["kind"] for obj in objects]
    for kind, count in {"Deployment": 6, "PodDisruptionBudget": 6, "ScaledObject": 5, "Job": 5,
                        "HorizontalPodAutoscaler": 1, "Service": 1, "Ingress": 1, "RabbitmqCluster": 1,
                        "Cluster": 1, "Database": 5, "ScheduledBackup": 1, "Tenant": 1,
                        "TriggerAuthentication": 1, "Namespace": 1, "ConfigMap": 1}.items():
        assert kinds.count(kind) == count, kind
    namespace = objects_of(objects, "Namespace").popitem()[0]
    assert all(obj["metadata"].get("namespace") == namespace for obj in objects if obj["kind"] != "Namespace")


def test_renderer_matches_kubectl_kustomize():
    """Where the real Kustomize is installed (kubectl's built-in), both render the
    same objects; elsewhere the renderer's own tests below stand alone."""
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl (with Kustomize) is not installed")
    for name in OVERLAYS:
        try:
            result = subprocess.run([kubectl, "kustomize", str(K8S / "overlays" / name)],
                                    capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"kubectl kustomize cannot run here: {exc}")
        if result.returncode != 0 and "unknown command" in result.stderr:
            pytest.skip("this kubectl has no kustomize")
        assert result.returncode == 0, result.stderr

        def ordered(objects):
            return sorted(objects, key=lambda o: (o["kind"], o["metadata"]["name"]))
        assert ordered(yaml.safe_load_all(result.stdout)) == ordered(renderer.render(K8S / "overlays" / name))


# -- what the manifests declare matches the code ----------------------------------------

def service_class(service):
    """The Nameko class the Procfile runs for ``service``."""
    module, _, cls = dict(processes.read_procfile())[service].split()[-1].partition(":")
    return getattr(importlib.import_module(module), cls)


def event_queues(service):
    """nameko's queue name for each event handler (SERVICE_POOL, the default):
    ``evt-<source>-<event>--<service>.<method>``."""
    cls = service_class(service)
    queues = set()
    for method, function in inspect.getmembers(cls, callable):
        for entrypoint in getattr(function, "nameko_entrypoints", ()):
            if hasattr(entrypoint, "event_type"):
                assert entrypoint.handler_type == "service_pool", (service, method)
                queues.add(f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{cls.name}.{method}")
    return queues


def test_each_service_scales_on_its_rpc_queue_and_every_event_queue(rendered):
    _, objects = rendered
    scaled = objects_of(objects, "ScaledObject")
    assert set(scaled) == set(SERVICES)
    for service in SERVICES:
        triggers = scaled[service]["spec"]["triggers"]
        assert {t["type"] for t in triggers} == {"rabbitmq"}
        assert all(t["metadata"]["mode"] == "QueueLength" and t["metadata"]["protocol"] == "amqp"
                   and t["metadata"]["vhostName"] == "/" for t in triggers)
        watched, consumed = {t["metadata"]["queueName"] for t in triggers}, {f"rpc-{service}", *event_queues(service)}
        assert watched == consumed, (f"deploy/k8s/base/{service}.yaml: its ScaledObject's triggers must watch "
                                     f"exactly the queues {service} consumes: add {sorted(consumed - watched)}, "
                                     f"remove {sorted(watched - consumed)}")
        assert scaled[service]["spec"]["scaleTargetRef"]["name"] == service


def test_replica_ranges_per_overlay():
    ranges = {}
    for name in OVERLAYS:
        objects = renderer.render(K8S / "overlays" / name)
        for service, obj in objects_of(objects, "ScaledObject").items():
            ranges[name, service] = obj["spec"]["minReplicaCount"], obj["spec"]["maxReplicaCount"]
        hpa = objects_of(objects, "HorizontalPodAutoscaler")["gateway"]["spec"]
        ranges[name, "gateway"] = hpa["minReplicas"], hpa["maxReplicas"]
        assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    for (overlay, component), (low, high) in ranges.items():
        assert 1 <= low <= high, (overlay, component)
        if overlay == "xinjiang":
            assert low >= 2, component   # the region survives a drained node without a gap
    assert ranges["xinjiang", "applications"][1] > ranges["prefecture-template", "applications"][1]


def test_processes_probes_resources_and_grace(rendered):
    _, objects = rendered
    deployments = objects_of(objects, "Deployment")
    assert set(deployments) == {*SERVICES, "gateway"}
    budgets = objects_of(objects, "PodDisruptionBudget")
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        container = main_container(deployment)
        assert container["args"] == [name]
        assert "replicas" not in deployment["spec"]    # the autoscaler owns the count
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and container["resources"]["limits"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if name == "gateway":
                assert container[probe]["httpGet"]["port"] == "http"
            else:
                live = ["--live"] if probe == "livenessProbe" else []   # a database outage is not a hang
                assert container[probe]["exec"]["command"] == ["python", "-m", "deploy.probe", name, *live]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= pod_labels(deployment).items()
        # Nameko finishes its workers after SIGTERM: longer than a caller waits (ZC_RPC_TIMEOUT)
        rpc_timeout = int(objects_of(objects, "ConfigMap").popitem()[1]["data"]["ZC_RPC_TIMEOUT"])
        assert pod["terminationGracePeriodSeconds"] > rpc_timeout


def pod_labels(obj):
    return obj["spec"]["template"]["metadata"]["labels"]


def test_each_database_has_a_migration_job_that_new_pods_wait_for(rendered):
    _, objects = rendered
    jobs, deployments = objects_of(objects, "Job"), objects_of(objects, "Deployment")
    databases = {obj["spec"]["name"]: obj for obj in objects_of(objects, "Database").values()}
    assert set(databases) == set(SERVICES)
    for service in SERVICES:
        job = jobs[f"migrate-{service}"]["spec"]["template"]["spec"]
        assert job["containers"][0]["args"] == ["migrate", service]
        assert job["restartPolicy"] == "Never"
        init = deployments[service]["spec"]["template"]["spec"]["initContainers"]
        assert [c["args"] for c in init] == [["migrate", "--wait", service]]
        # the job, the waiting init container and the service use the same database
        urls = [next(e["value"] for e in c["env"] if e["name"] == f"ZC_{service.upper()}_DB")
                for c in (job["containers"][0], init[0], main_container(deployments[service]))]
        assert len(set(urls)) == 1 and urls[0].endswith(f"/{service}?sslmode=require")
        assert databases[service]["spec"]["owner"] == service


@functools.cache
def code_text():
    """What the processes read settings in: the code, and nameko's config (its ${ZC_…} values)."""
    return "\n".join([*(path.read_text() for folder in ("services", "gateway", "zc_common", "deploy")
                        for path in (ROOT / folder).rglob("*.py") if K8S not in path.parents),
                      (ROOT / "deploy" / "nameko.yaml").read_text()])


def test_settings_come_from_the_config_map_and_secrets_only_by_name(rendered):
    _, objects = rendered
    config = objects_of(objects, "ConfigMap").popitem()[1]["data"]
    assert not set(config) & SECRET_SETTINGS
    source = code_text()
    for key in config:   # every setting is one the code reads (a misspelt name would be ignored)
        assert re.search(rf"\b{key}\b", source), key
    assert not objects_of(objects, "Secret")
    for deployment in objects_of(objects, "Deployment").values():
        for variable in main_container(deployment).get("env", []):
            if variable["name"] in SECRET_SETTINGS and "value" in variable:
                # put together from secret parts: no literal credential
                credentials = variable["value"].split("://", 1)[1].split("@", 1)[0]
                assert re.fullmatch(r"\$\(\w+\):\$\(\w+\)", credentials), variable
            elif variable["name"] in SECRET_SETTINGS:
                assert "secretKeyRef" in variable["valueFrom"], variable
    assert validator.secret_names(objects) == {
        "zc-rabbitmq-default-user", "zhicheng-platform", "zhicheng-payment-provider", "zhicheng-s3",
        "zhicheng-minio-config", "zhicheng-backup-s3", "zhicheng-tls", "zhicheng-certificate-signing",
        *(f"zhicheng-db-{s}" for s in SERVICES)}


# -- network policies, evaluated -----------------------------------------------------

DATA_PODS = {  # the labels the operators give their pods, and the port we use
    "broker": ({"app.kubernetes.io/name": "zc-rabbitmq"}, 5672),
    "database": ({"cnpg.io/cluster": "zc-postgres"}, 5432),
    "objects": ({"v1.min.io/tenant": "zc-objects"}, 9000),
}


def allowed(policies, source, target, port, direction):
    """Whether NetworkPolicies admit ``source`` → ``target`` (both label sets, same
    namespace) on ``port``, seen from ``direction``'s side: egress of the source or
    ingress of the target. A pod no policy selects for that direction is open."""
    pod, peer, field, kind = ((source, target, "egress", "Egress") if direction == "egress"
                              else (target, source, "ingress", "Ingress"))
    selecting = [p["spec"] for p in policies
                 if kind in p["spec"]["policyTypes"] and validator.labels_match(p["spec"]["podSelector"], pod)]
    if not selecting:
        return True
    for spec in selecting:
        for rule in spec.get(field) or []:
            peers = rule.get("to" if field == "egress" else "from") or []
            ports = [entry["port"] for entry in rule.get("ports") or []]
            if (not ports or port in ports) and any(
                    "podSelector" in entry and "namespaceSelector" not in entry
                    and validator.labels_match(entry["podSelector"], peer) for entry in peers):
                return True
    return False


def test_network_policies_admit_only_the_paths_the_platform_needs(rendered):
    _, objects = rendered
    policies = list(objects_of(objects, "NetworkPolicy").values())
    ours = {name: pod_labels(obj) for name, obj in objects_of(objects, "Deployment").items()}
    ours |= {name: pod_labels(obj) for name, obj in objects_of(objects, "Job").items()}

    def connects(source, target, port):
        return allowed(policies, source, target, port, "egress") and allowed(policies, source, target, port,
                                                                             "ingress")
    for name, labels in ours.items():
        service = name.removeprefix("migrate-")
        is_job = name.startswith("migrate-")
        assert connects(labels, DATA_PODS["broker"][0], 5672) == (not is_job), name
        assert connects(labels, DATA_PODS["database"][0], 5432) == (service in SERVICES), name
        assert connects(labels, DATA_PODS["objects"][0], 9000) == (name in ("documents", "gateway")), name
        for other in ours.values():   # nothing of ours talks to another of ours directly
            assert not connects(labels, other, 8080)
    # from outside (the Ingress controller's namespace): the gateway only
    ingress_rules = {policy["metadata"]["name"]: policy for policy in policies
                     if any("namespaceSelector" in peer for rule in policy["spec"].get("ingress") or []
                            for peer in rule.get("from", []))}
    exposed = [name for name, labels in ours.items()
               if any(validator.labels_match(p["spec"]["podSelector"], labels) for p in ingress_rules.values())]
    assert exposed == ["gateway"]


# -- a broken manifest fails ---------------------------------------------------------

@pytest.fixture
def copy_of_k8s(tmp_path):
    target = tmp_path / "k8s"
    shutil.copytree(K8S, target, ignore=shutil.ignore_patterns("crd-schemas", "__pycache__", "*.py"))
    return target


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("file, old, new, expected", [
    # a Kubernetes kind: wrong type, then a misspelt field
    ("base/review.yaml", "terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: sixty",
     "Deployment review: spec.template.spec.terminationGracePeriodSeconds: 'sixty' is not of type 'integer'"),
    ("base/gateway.yaml", "periodSeconds: 5\n", "periodSecond: 5\n",
     "Additional properties are not allowed ('periodSecond' was unexpected)"),
    # an operator's kind (CRD schema): misspelt field, wrong type, value outside its enum
    ("base/broker.yaml", "replicas: 3", "replica: 3",
     "RabbitmqCluster zc-rabbitmq: spec: Additional properties are not allowed ('replica' was unexpected)"),
    ("base/review.yaml", 'value: "10"', "value: 10", "ScaledObject review: spec.triggers.0.metadata.value"),
    ("base/database.yaml", "method: barmanObjectStore", "method: tape",
     "ScheduledBackup zc-postgres-daily: spec.method: 'tape' is not one of"),
    # a reference to nothing
    ("base/review.yaml", "scaleTargetRef: {name: review}", "scaleTargetRef: {name: reveiw}",
     "ScaledObject review: refers to Deployment reveiw, which is not rendered"),
    ("base/gateway.yaml", "                name: gateway\n", "                name: gatway\n",
     "Ingress gateway: refers to Service gatway"),
])
def test_a_broken_manifest_fails_validation(copy_of_k8s, file, old, new, expected):
    edit(copy_of_k8s / file, old, new)
    with pytest.raises(validator.ManifestError) as failure:
        validator.validate(renderer.render(copy_of_k8s / "overlays" / "xinjiang"))
    assert expected in str(failure.value)


@pytest.mark.parametrize("file, old, new, expected", [
    ("overlays/xinjiang/kustomization.yaml", "path: /spec/minReplicaCount", "path: /spec/minReplicas",
     "patch of ScaledObject accounts: path /spec/minReplicas does not exist"),
    ("overlays/xinjiang/kustomization.yaml", "target: {kind: ScaledObject, name: review}",
     "target: {kind: ScaledObject, name: reveiw}", "patch of ScaledObject reveiw: no such object"),
    ("overlays/xinjiang/kustomization.yaml", "resources:", "commonLabels: {a: b}\nresources:",
     "fields not supported by this renderer: commonLabels"),
    ("base/kustomization.yaml", "  - payments.yaml\n", "  - payment.yaml\n", "resource 'payment.yaml' does not exist"),
    ("base/review.yaml", "kind: Job\nmetadata:\n  name: migrate-review",
     "kind: Job\nmetadata:\n  name: migrate-accounts", "Job 'migrate-accounts' is declared twice"),
])
def test_a_broken_kustomization_fails_rendering(copy_of_k8s, file, old, new, expected):
    edit(copy_of_k8s / file, old, new)
    with pytest.raises(renderer.RenderError) as failure:
        renderer.render(copy_of_k8s / "overlays" / "xinjiang")
    assert expected in str(failure.value)


def test_the_command_line_validator_reports_a_broken_overlay(copy_of_k8s, capsys):
    assert validator.main([str(K8S / "overlays" / "xinjiang")]) == 0
    out = capsys.readouterr().out
    assert "Secrets to create: zhicheng-backup-s3, zhicheng-certificate-signing, zhicheng-db-accounts" in out
    assert "zc-rabbitmq-default-user" not in out   # the RabbitMQ operator makes that one
    edit(copy_of_k8s / "base/broker.yaml", "replicas: 3", "replicas: three")
    assert validator.main([str(copy_of_k8s / "overlays" / "xinjiang")]) == 1
    assert "spec.replicas: 'three' is not of type 'integer'" in capsys.readouterr().err


# -- the renderer's Kustomize features ------------------------------------------------

def write(directory, files):
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      initContainers: [{name: i, image: "zhicheng"}]
      containers:
      - name: c
        image: zhicheng:old
        envFrom: [{configMapRef: {name: cfg}}]
        env: [{name: X, valueFrom: {configMapKeyRef: {name: cfg, key: A}}}]
      volumes: [{name: v, configMap: {name: cfg}}]
---
apiVersion: v1
kind: Namespace
metadata: {name: placeholder}
"""


def test_renderer_features_as_kustomize_renders_them(tmp_path):
    write(tmp_path, {
        "base/kustomization.yaml": "resources: [d.yaml]\nconfigMapGenerator:\n"
                                   "- name: cfg\n  literals: ['A=1', 'B=x<y&z', 'C=中文']\n",
        "base/d.yaml": DEPLOYMENT,
        "ov/kustomization.yaml": (
            "resources: [../base]\nnamespace: myns\n"
            "configMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: ['A=2', 'D=4']\n"
            "images:\n- {name: zhicheng, newName: reg.example/zhicheng, newTag: abc}\n"
            "patches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n"
            "    - {op: add, path: /spec/replicas, value: 3}\n"
            "    - {op: replace, path: /spec/template/spec/containers/0/name, value: main}\n"
            "    - {op: add, path: /spec/template/spec/containers/0/args, value: [x]}\n"
            "    - {op: add, path: /spec/template/spec/containers/0/args/-, value: y}\n"
            "    - {op: remove, path: /spec/template/spec/containers/0/args/0}\n"),
    })
    objects = {obj["kind"]: obj for obj in renderer.render(tmp_path / "ov")}
    # kubectl kustomize (Kustomize v5.5) names this merged ConfigMap cfg-mdk2b688hb
    assert objects["ConfigMap"]["metadata"] == {"name": "cfg-mdk2b688hb", "namespace": "myns"}
    assert objects["ConfigMap"]["data"] == {"A": "2", "B": "x<y&z", "C": "中文", "D": "4"}
    assert objects["Namespace"]["metadata"] == {"name": "myns"}
    deployment = objects["Deployment"]
    assert deployment["metadata"]["namespace"] == "myns" and deployment["spec"]["replicas"] == 3
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["name"] == "main" and container["args"] == ["y"]
    assert container["image"] == "reg.example/zhicheng:abc"
    assert pod["initContainers"][0]["image"] == "reg.example/zhicheng:abc"
    assert container["envFrom"][0]["configMapRef"]["name"] == "cfg-mdk2b688hb"
    assert container["env"][0]["valueFrom"]["configMapKeyRef"]["name"] == "cfg-mdk2b688hb"
    assert pod["volumes"][0]["configMap"]["name"] == "cfg-mdk2b688hb"


def test_hash_suffix_is_kustomizes():
    # `kubectl kustomize` of a generator with the one literal A=1: cfg-89g4tffbfk
    assert renderer.hash_suffix({"metadata": {"name": "cfg"}, "data": {"A": "1"}}) == "89g4tffbfk"
    # the name does not enter Kustomize's hash (its lookup of metadata/name finds nothing)
    assert renderer.hash_suffix({"metadata": {"name": "other"}, "data": {"A": "1"}}) == "89g4tffbfk"


@pytest.mark.parametrize("kustomization, expected", [
    ("configMapGenerator:\n- {name: cfg, behavior: merge, literals: ['A=1']}\n", "has no base to merge"),
    ("configMapGenerator:\n- {name: cfg, literals: ['A']}\n", "literal 'A' is not KEY=VALUE"),
    ("configMapGenerator:\n- {name: cfg, envs: [x.env]}\n", "configMapGenerator fields not supported: envs"),
    ("resources: [d.yaml]\npatches:\n- {target: {kind: Deployment, name: web}, patch: 'spec: {}'}\n",
     "only JSON 6902 patches"),
    ("resources: [d.yaml]\npatches:\n- {target: {kind: Deployment, name: web}, patch: '[{op: move, path: /a}]'}\n",
     "JSON patch op 'move' not supported"),
    ("resources: [d.yaml]\npatches:\n- {target: {kind: Deployment}, patch: '[]'}\n", "a patch needs target.kind"),
    ("resources: [d.yaml]\nimages:\n- {newTag: x}\n", "an images entry needs name"),
])
def test_renderer_refuses_what_it_does_not_render(tmp_path, kustomization, expected):
    write(tmp_path, {"kustomization.yaml": kustomization, "d.yaml": DEPLOYMENT})
    with pytest.raises(renderer.RenderError) as failure:
        renderer.render(tmp_path)
    assert expected in str(failure.value)


def test_cached_kubernetes_validator_agrees_with_kubernetes_validate():
    import kubernetes_validate
    objects = renderer.render(K8S / "overlays" / "xinjiang")
    broken = copy.deepcopy(objects_of(objects, "Deployment")["review"])
    broken["spec"]["template"]["spec"]["containers"][0]["imagePullPolice"] = "Always"
    for obj in [*(o for o in objects if "." not in o["apiVersion"].split("/")[0] or
                  o["apiVersion"].split("/")[0].endswith(".k8s.io")), broken]:
        try:
            kubernetes_validate.validate(obj, validator.KUBERNETES_VERSION, strict=True)
            theirs = True
        except kubernetes_validate.ValidationError:
            theirs = False
        assert (validator.schema_errors(obj) == []) is theirs, validator.object_name(obj)
    assert validator.schema_errors(broken)


def test_strict_crd_schema_keeps_preserved_and_nullable_fields():
    schema = validator.strict({"type": "object", "properties": {
        "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"a": {}}},
        "maybe": {"type": "string", "nullable": True},
        "closed": {"type": "object", "properties": {"a": {"type": "integer"}}}}})
    assert schema["properties"]["open"].get("additionalProperties") is None
    assert schema["properties"]["closed"]["additionalProperties"] is False
    assert schema["properties"]["maybe"]["type"] == ["string", "null"]
    original = copy.deepcopy(schema)
    assert validator.strict(original) == schema
