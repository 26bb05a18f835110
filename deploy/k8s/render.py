"""Render a Kustomize overlay in Python: ``python -m deploy.k8s.render deploy/k8s/overlays/xinjiang``.

The real ``kustomize`` (or ``kubectl kustomize``) is a Go binary that no Python or
Debian package of ours installs, yet ``make test`` must render every overlay. This
renders the small subset of Kustomize our manifests use, with Kustomize's own
semantics, and refuses any other field (so a manifest can never rely on a feature
rendered here differently or not at all):

- ``resources``: YAML files (several documents each) and directories holding a
  ``kustomization.yaml``, depth first, in order;
- ``namespace``: set on every namespaced object;
- ``configMapGenerator``: ``name`` + ``literals`` (``behavior`` create, merge or
  replace of a base's generator), with Kustomize's content-hash name suffix, and the
  references in pod templates (``envFrom``, ``env[].valueFrom``, ``volumes``) renamed to it;
- ``patches``: JSON 6902 operations (add, replace, remove) inline, on a ``target``
  of ``kind`` + ``name``;
- ``images``: ``name`` → ``newName`` / ``newTag`` in every container and init container.

tests/unit/deploy/test_k8s_manifests.py compares the output with ``kubectl
kustomize`` where that is installed.
"""
import copy
import hashlib
import json
import sys
from pathlib import Path

import yaml

# libyaml's safe loader when PyYAML has it (the same YAML, several times faster)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KNOWN_FIELDS = {"apiVersion", "kind", "resources", "namespace", "configMapGenerator", "patches", "images"}
CLUSTER_SCOPED = {"Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
                  "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass"}
POD_TEMPLATE_PATHS = {  # kind → path to its pod spec
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Pod": ("spec",),
}


class RenderError(ValueError):
    """A kustomization this renderer cannot render, with the file and the reason."""


def load_documents(path):
    try:
        documents = list(yaml.load_all(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER))
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: not valid YAML: {exc}") from exc
    for document in documents:
        if document is not None and not isinstance(document, dict):
            raise RenderError(f"{path}: a document is not a mapping")
    return [document for document in documents if document]


def hash_suffix(config_map):
    """Kustomize's name suffix for a generated ConfigMap (api/hasher: the sha256 of
    the JSON of kind, name and data with sorted keys, first ten hex digits, some
    letters swapped so the suffix never reads as a number or a word). Its lookup of
    ``metadata/name`` finds nothing (a path, looked up as one key), so the name it
    hashes is empty: checked against ``kubectl kustomize`` (Kustomize v5.5)."""
    encoded = {"kind": "ConfigMap", "name": "", "data": config_map.get("data", {})}
    text = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Go's encoding/json escapes these three for HTML safety: hash the same bytes.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"}))


def literal_data(literals, where):
    data = {}
    for item in literals or []:
        key, sep, value = str(item).partition("=")
        if not sep or not key:
            raise RenderError(f"{where}: literal {item!r} is not KEY=VALUE")
        data[key] = value
    return data


def key_of(obj):
    return obj["kind"], obj["metadata"]["name"]


class Rendering:
    """One kustomization's output: objects in order, and which are generated
    ConfigMaps (named without their suffix until the end)."""

    def __init__(self):
        self.objects = []
        self.generated = set()   # ids of generated ConfigMap objects


def read_kustomization(directory):
    path = Path(directory) / "kustomization.yaml"
    if not path.is_file():
        raise RenderError(f"{directory}: no kustomization.yaml")
    documents = load_documents(path)
    if len(documents) != 1:
        raise RenderError(f"{path}: must hold one document")
    kustomization = documents[0]
    unknown = set(kustomization) - KNOWN_FIELDS
    if unknown:
        raise RenderError(f"{path}: fields not supported by this renderer: {', '.join(sorted(unknown))}")
    return path, kustomization


def build(directory):
    """Render the kustomization in ``directory`` (names not yet suffixed)."""
    path, kustomization = read_kustomization(directory)
    rendering = Rendering()
    for entry in kustomization.get("resources") or []:
        target = (Path(directory) / entry).resolve()
        if target.is_dir():
            child = build(target)
            rendering.objects += child.objects
            rendering.generated |= child.generated
        elif target.is_file():
            rendering.objects += load_documents(target)
        else:
            raise RenderError(f"{path}: resource {entry!r} does not exist")
    seen = set()
    for obj in rendering.objects:
        if "kind" not in obj or "name" not in obj.get("metadata", {}):
            raise RenderError(f"{path}: an object has no kind or metadata.name: {obj}")
        if key_of(obj) in seen:
            raise RenderError(f"{path}: {key_of(obj)[0]} {key_of(obj)[1]!r} is declared twice")
        seen.add(key_of(obj))
    for generator in kustomization.get("configMapGenerator") or []:
        generate_config_map(rendering, generator, path)
    for patch in kustomization.get("patches") or []:
        apply_patch(rendering.objects, patch, path)
    for image in kustomization.get("images") or []:
        set_image(rendering.objects, image, path)
    if kustomization.get("namespace"):
        for obj in rendering.objects:
            if obj["kind"] == "Namespace":
                # Kustomize renames a Namespace object to the namespace it sets.
                obj["metadata"]["name"] = kustomization["namespace"]
            elif obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = kustomization["namespace"]
    return rendering


def generate_config_map(rendering, generator, path):
    unknown = set(generator) - {"name", "literals", "behavior"}
    if unknown:
        raise RenderError(f"{path}: configMapGenerator fields not supported: {', '.join(sorted(unknown))}")
    name, behavior = generator.get("name"), generator.get("behavior", "create")
    data = literal_data(generator.get("literals"), f"{path}: configMapGenerator {name}")
    existing = [obj for obj in rendering.objects if id(obj) in rendering.generated and obj["metadata"]["name"] == name]
    if behavior == "create":
        if existing:
            raise RenderError(f"{path}: configMapGenerator {name!r} exists already (use behavior: merge)")
        config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
        rendering.objects.append(config_map)
        rendering.generated.add(id(config_map))
    elif behavior in ("merge", "replace"):
        if not existing:
            raise RenderError(f"{path}: configMapGenerator {name!r} has no base to {behavior}")
        base = existing[0]
        base["data"] = {**base.get("data", {}), **data} if behavior == "merge" else data
    else:
        raise RenderError(f"{path}: configMapGenerator {name!r}: unknown behavior {behavior!r}")


def pointer_parts(pointer, where):
    if not pointer.startswith("/"):
        raise RenderError(f"{where}: JSON pointer {pointer!r} must start with /")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def json_patch(obj, operations, where):
    """RFC 6902 add / replace / remove on ``obj`` in place."""
    for operation in operations:
        op, parts = operation.get("op"), pointer_parts(operation.get("path", ""), where)
        if op not in ("add", "replace", "remove"):
            raise RenderError(f"{where}: JSON patch op {op!r} not supported (add, replace, remove)")
        parent = obj
        for part in parts[:-1]:
            try:
                parent = parent[int(part)] if isinstance(parent, list) else parent[part]
            except (KeyError, IndexError, ValueError) as exc:
                raise RenderError(f"{where}: path {operation['path']} does not exist") from exc
        last = parts[-1]
        if isinstance(parent, list):
            index = len(parent) if last == "-" and op == "add" else int(last)
            if op == "add":
                parent.insert(index, copy.deepcopy(operation["value"]))
                continue
            if not 0 <= index < len(parent):
                raise RenderError(f"{where}: path {operation['path']} does not exist")
            if op == "replace":
                parent[index] = copy.deepcopy(operation["value"])
            else:
                del parent[index]
        elif isinstance(parent, dict):
            if op != "add" and last not in parent:
                raise RenderError(f"{where}: path {operation['path']} does not exist")
            if op == "remove":
                del parent[last]
            else:
                parent[last] = copy.deepcopy(operation["value"])
        else:
            raise RenderError(f"{where}: path {operation['path']} does not exist")


def apply_patch(objects, patch, path):
    unknown = set(patch) - {"target", "patch"}
    target = patch.get("target") or {}
    if unknown or set(target) - {"kind", "name"} or not {"kind", "name"} <= set(target):
        raise RenderError(f"{path}: a patch needs target.kind, target.name and an inline JSON 6902 patch")
    where = f"{path}: patch of {target['kind']} {target['name']}"
    operations = yaml.safe_load(patch.get("patch") or "")
    if not isinstance(operations, list):
        raise RenderError(f"{where}: only JSON 6902 patches (a list of operations) are supported")
    matches = [obj for obj in objects if key_of(obj) == (target["kind"], target["name"])]
    if not matches:
        raise RenderError(f"{where}: no such object")
    for obj in matches:
        json_patch(obj, operations, where)


def pod_spec(obj):
    spec = obj
    for part in POD_TEMPLATE_PATHS.get(obj["kind"], ()):
        spec = spec.get(part) if isinstance(spec, dict) else None
    return spec if obj["kind"] in POD_TEMPLATE_PATHS and isinstance(spec, dict) else None


def containers_of(obj):
    spec = pod_spec(obj)
    return [] if spec is None else (spec.get("initContainers") or []) + (spec.get("containers") or [])


def set_image(objects, image, path):
    if set(image) - {"name", "newName", "newTag"} or "name" not in image:
        raise RenderError(f"{path}: an images entry needs name and only newName/newTag")
    for obj in objects:
        for container in containers_of(obj):
            current = container.get("image", "")
            name, _, tag = current.partition(":") if "@" not in current else (current, "", "")
            if name == image["name"]:
                new = image.get("newName", name)
                tag = str(image["newTag"]) if "newTag" in image else tag
                container["image"] = f"{new}:{tag}" if tag else new


def rename_config_map_references(objects, renamed):
    for obj in objects:
        spec = pod_spec(obj)
        if spec is None:
            continue
        for container in containers_of(obj):
            for source in container.get("envFrom") or []:
                ref = source.get("configMapRef")
                if ref and ref.get("name") in renamed:
                    ref["name"] = renamed[ref["name"]]
            for variable in container.get("env") or []:
                ref = (variable.get("valueFrom") or {}).get("configMapKeyRef")
                if ref and ref.get("name") in renamed:
                    ref["name"] = renamed[ref["name"]]
        for volume in spec.get("volumes") or []:
            ref = volume.get("configMap")
            if ref and ref.get("name") in renamed:
                ref["name"] = renamed[ref["name"]]


def render(directory):
    """The overlay's objects, final: generated ConfigMaps carry their hash suffix
    and every reference to them follows."""
    rendering = build(Path(directory).resolve())
    objects = copy.deepcopy(rendering.objects)
    renamed = {}
    for original, obj in zip(rendering.objects, objects):
        if id(original) in rendering.generated:
            name = obj["metadata"]["name"]
            renamed[name] = f"{name}-{hash_suffix(obj)}"
            obj["metadata"]["name"] = renamed[name]
    rename_config_map_references(objects, renamed)
    return objects


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m deploy.k8s.render OVERLAY_DIRECTORY", file=sys.stderr)
        return 2
    try:
        objects = render(argv[0])
    except RenderError as exc:
        print(f"render: {exc}", file=sys.stderr)
        return 1
    yaml.safe_dump_all(objects, sys.stdout, sort_keys=False, allow_unicode=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
