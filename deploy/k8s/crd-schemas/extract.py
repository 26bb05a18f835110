"""Write the JSON schemas of deploy/k8s/crd-schemas/ from the operators' CRD files:
``python deploy/k8s/crd-schemas/extract.py CRD.yaml ...`` (the files named in this
directory's README, at the commits it cites).

Each schema is the CRD's ``openAPIV3Schema`` of its served storage version,
verbatim but for the ``description`` texts (dropped: they are most of the bytes
and validate nothing). deploy/k8s/validate.py reads them."""
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def without_descriptions(node):
    if isinstance(node, dict):
        # "description" is a documentation key unless it names a property (a field
        # called description, e.g. in CloudNativePG's Cluster.spec)
        return {key: without_descriptions(value) for key, value in node.items()
                if key != "description" or isinstance(value, dict)}
    if isinstance(node, list):
        return [without_descriptions(item) for item in node]
    return node


def extract(path):
    crd = yaml.safe_load(Path(path).read_text())
    spec = crd["spec"]
    for version in spec["versions"]:
        if not (version.get("served") and version.get("storage")):
            continue
        name = f"{spec['group']}_{spec['names']['kind']}_{version['name']}.json"
        schema = without_descriptions(version["schema"]["openAPIV3Schema"])
        (HERE / name).write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
        print(name)


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        extract(argument)
