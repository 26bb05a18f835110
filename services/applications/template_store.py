"""Section templates: declarative data, one JSON file per year under
``templates/``. A year's file defines the sections (fields, types, limits,
attachments) and profiles choosing a set of sections by qualification level (and
series). ``resolve`` turns that into the plain template an application freezes."""
import copy
import json
from functools import cache
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@cache
def load_year(year):
    """The year's template document, or None when that year has no template."""
    path = TEMPLATE_DIR / f"{int(year)}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def available_years():
    return sorted(int(p.stem) for p in TEMPLATE_DIR.glob("*.json") if p.stem.isdigit())


def _matches(match, qualification):
    for attribute, allowed in match.items():
        if qualification.get(attribute) not in allowed:
            return False
    return True


def has_profile(year, name):
    document = load_year(year)
    return document is not None and any(p["name"] == name for p in document["profiles"])


def resolve(year, qualification, profile_name=None):
    """The template for a qualification (``{series, level, ...}``) in a year:
    ``{version, profile, sections: [{key, title, fields, attachments_required}]}``,
    or None when the year has no template or no profile fits. ``profile_name``:
    the application kind's own profile (kinds.json), taken by name instead of by
    matching the qualification."""
    document = load_year(year)
    if document is None:
        return None
    if profile_name is not None:
        profile = next((p for p in document["profiles"] if p["name"] == profile_name), None)
    else:
        profile = next((p for p in document["profiles"]
                        if not p.get("kind_only") and _matches(p.get("match", {}), qualification)), None)
    if profile is None:
        return None
    required = profile.get("required_fields", {})
    attachments = profile.get("attachments_required", {})
    sections = []
    for key in profile["sections"]:
        definition = copy.deepcopy(document["sections"][key])
        for field in definition["fields"]:
            if field["key"] in required.get(key, ()):
                field["required"] = True
        sections.append({
            "key": key,
            "title": definition["title"],
            "fields": definition["fields"],
            "attachments_required": attachments.get(key, definition.get("attachments_required", 0)),
            "attachments_hint": definition.get("attachments_hint", ""),
        })
    return {"version": document["version"], "year": document["year"], "profile": profile["name"],
            "sections": sections}


def section_of(template, key):
    return next((s for s in template["sections"] if s["key"] == key), None)
