"""The application form reads Uyghur on Uyghur pages (#14): every section, field, table
column, attachment hint and choice option of every year's template
(services/applications/templates/*.json), and every application kind's description
(services/applications/kinds.json), and every name of the starter qualification catalog
(reference/catalog.csv: series, specialty, level, title; and the levels and titles the
eligibility rules name), has its Uyghur text in the web catalog
(gateway/web/src/i18n/ug-CN/vocab.js, read by lib/vocab.js). A section or field added to
a template later without its Uyghur fails here instead of showing Chinese on a Uyghur page."""
import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
APPLICATIONS = ROOT / "services" / "applications"
WEB = ROOT / "gateway" / "web"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")

# The ug-CN catalog as the page gets it: every file of the folder merged (src/i18n/index.js).
DUMP = """
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
const dir = process.argv[1]
const merged = {}
for (const f of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
  Object.assign(merged, (await import(pathToFileURL(join(dir, f)))).default)
}
process.stdout.write(JSON.stringify(merged))
"""


@pytest.fixture(scope="module")
def vocab():
    if shutil.which("node") is None:
        pytest.skip("needs node (the frontend build needs it too)")
    done = subprocess.run(["node", "--input-type=module", "-e", DUMP, str(WEB / "src" / "i18n" / "ug-CN")],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)["vocab"]


def templates():
    files = sorted((APPLICATIONS / "templates").glob("*.json"))
    assert files, "no template year files"
    return [(path.name, json.loads(path.read_text("utf-8"))) for path in files]


def form_texts():
    """(where, catalog path, the server's Chinese) for every text the form shows."""
    out = []
    for name, template in templates():
        for skey, section in template["sections"].items():
            where = f"{name}: {skey}"
            out.append((where, ("section", skey), section["title"]))
            if section.get("attachments_hint"):
                out.append((where, ("hint", skey), section["attachments_hint"]))
            for field in section.get("fields", []):
                fwhere = f"{where}.{field['key']}"
                out.append((fwhere, ("field", skey, field["key"]), field["label"]))
                out += [(fwhere, ("option", o), o) for o in field.get("options", [])]
                for column in field.get("columns", []):
                    cwhere = f"{fwhere}.{column['key']}"
                    out.append((cwhere, ("column", skey, field["key"], column["key"]), column["label"]))
                    out += [(cwhere, ("option", o), o) for o in column.get("options", [])]
    kinds = json.loads((APPLICATIONS / "kinds.json").read_text("utf-8"))["kinds"]
    assert kinds, "no application kinds"
    for kind in kinds:
        out.append((f"kinds.json: {kind['key']}", ("kind", kind["key"]), kind["name"]))
        out.append((f"kinds.json: {kind['key']}", ("kindDescription", kind["key"]), kind["description"]))
    out += qualification_names()
    return out


def qualification_names():
    out = []
    with open(ROOT / "reference" / "catalog.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            out += [(f"catalog.csv: {part}", ("qual", part, row[part]), row[part])
                    for part in ("series", "specialty", "level", "title")]
    for path in sorted((APPLICATIONS / "eligibility_rules").glob("*.json")):
        for level, titles in json.loads(path.read_text("utf-8")).get("title_names", {}).items():
            out.append((f"{path.name}: title_names", ("qual", "level", level), level))
            out += [(f"{path.name}: title_names.{level}", ("qual", "title", t), t) for t in titles]
    assert out, "no qualification names"
    return out


def lookup(vocab, path):
    node = vocab
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def test_the_form_has_texts_to_check():
    texts = form_texts()
    paths = {path[0] for _, path, _ in texts}
    assert {"section", "hint", "field", "column", "option", "kind", "kindDescription", "qual"} <= paths
    assert len(texts) > 150


def missing_uyghur(vocab, texts):
    return sorted({f"{where}: vocab.{'.'.join(path)} (for «{chinese}»)" for where, path, chinese in texts
                   if not isinstance(lookup(vocab, path), str)})


def test_every_form_text_and_kind_has_its_uyghur(vocab):
    missing = missing_uyghur(vocab, form_texts())
    assert not missing, "Uyghur missing in gateway/web/src/i18n/ug-CN/vocab.js:\n" + "\n".join(missing)


def test_the_uyghur_is_uyghur(vocab):
    # Written in Arabic script, with no Chinese left in it (a copied Chinese label passes
    # the lookup above but would still show Chinese).
    bad = []
    for where, path, _ in form_texts():
        text = lookup(vocab, path)
        if isinstance(text, str) and (HAN.search(text) or not ARABIC.search(text)):
            bad.append(f"{where}: vocab.{'.'.join(path)} = {text!r}")
    assert not bad, "\n".join(sorted(set(bad)))


def test_a_text_without_uyghur_is_found(vocab):
    # The check itself: a field, a column or an option the catalog does not know is reported.
    added = [("2099.json: basic_info.new_field", ("field", "basic_info", "new_field"), "新字段"),
             ("2099.json: education.degrees.new", ("column", "education", "degrees", "new"), "新列"),
             ("2099.json: basic_info.gender", ("option", "其它性别"), "其它性别")]
    assert missing_uyghur(vocab, form_texts() + added) == sorted(
        f"{where}: vocab.{'.'.join(path)} (for «{chinese}»)" for where, path, chinese in added)


# -- 申报条件自查: every code eligibility.py says a label, reason or note with ----------------

SAID = re.compile(r'_said\("(\w+)"')
# values lib/eligibility.js adds: a span of years from first and last; any_of's from its options
DERIVED = {"any_of_met": {"labels"}, "any_of_unmet": {"n", "reasons"}}


def said_codes():
    """{code: the value names it is said with} from the source of eligibility.py."""
    source = (APPLICATIONS / "eligibility.py").read_text("utf-8")
    codes = {}
    for match in SAID.finditer(source):
        depth, end = 1, match.end()
        while depth:   # to the call's own closing parenthesis (its values may call too)
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        arguments = re.sub(r"\([^()]*\)", "", source[match.end():end - 1])
        codes.setdefault(match.group(1), set()).update(re.findall(r"(\w+)=", arguments))
    assert len(codes) > 20, codes
    return codes


def test_every_eligibility_code_has_its_uyghur_with_its_values(vocab):
    types = {"education", "years_since_graduation", "title_years", "ce_hours", "attachments", "field_at_least",
             "any_of"}
    problems = []
    for code, names in said_codes().items():
        area = "label" if code in types else "note" if code == "no_rules" else "reason"
        text = lookup(vocab, ("elig", area, code))
        if not isinstance(text, str):
            problems.append(f"vocab.elig.{area}.{code} missing")
            continue
        given = names | ({"span"} if "first" in names else set()) | DERIVED.get(code, set())
        unknown = set(re.findall(r"\{(\w+)\}", text)) - given
        if unknown or HAN.search(text) or not ARABIC.search(text):
            problems.append(f"vocab.elig.{area}.{code}: {text!r} (values {sorted(given)})")
    assert not problems, "\n".join(problems)


def test_every_rules_file_label_and_unit_has_its_uyghur(vocab):
    found = []

    def walk(node, name):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                found.append((name, ("condition", node["label"]), node["label"]))
            if node.get("unit"):
                found.append((name, ("unit", node["unit"]), node["unit"]))
            for value in node.values():
                walk(value, name)
        elif isinstance(node, list):
            for value in node:
                walk(value, name)

    for path in sorted((APPLICATIONS / "eligibility_rules").glob("*.json")):
        walk(json.loads(path.read_text("utf-8")), path.name)
    assert found
    assert not missing_uyghur(vocab, found), "\n".join(missing_uyghur(vocab, found))


def test_every_reason_a_submit_is_refused_with_has_its_uyghur(vocab):
    # incomplete_application's missing[].reason_code (services/applications/validation.py)
    codes = re.findall(r'"reason_code": "(\w+)"', (APPLICATIONS / "validation.py").read_text("utf-8"))
    assert len(codes) >= 2, codes
    bad = [code for code in codes if not isinstance(lookup(vocab, ("missing", code)), str)
           or HAN.search(lookup(vocab, ("missing", code)))]
    assert not bad, bad
