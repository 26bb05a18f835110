"""Applications owns the status vocabulary; nobody else keeps a copy. Fails when a
service other than applications, the gateway or the frontend grows its own
status-name table, its own status name as a literal, or its own list of statuses
standing for a flag (``("draft", "returned")`` for "editable")."""
import re
from pathlib import Path

from services.applications import vocabulary

ROOT = Path(__file__).resolve().parents[3]
KEY = "|".join(vocabulary.KEYS)
QUOTE = "[\"'`]"
# A status key as a mapping key whose value is a string or an object: a name table. A
# value in Arabic script is the Uyghur catalog translating the server's key
# (gateway/web/src/i18n/ug-CN/vocab.js, shown only on Uyghur pages), not a copy of the
# Chinese names; a string in any other script, or an object, still is.
NAME_TABLE = re.compile(rf"{QUOTE}?\b({KEY}){QUOTE}?\s*:\s*(?:{{|{QUOTE}(?![\u0600-\u06ff]))")
# Two status keys side by side in a literal: a list standing for a flag.
KEY_LIST = re.compile(rf"{QUOTE}({KEY}){QUOTE}\s*,\s*{QUOTE}({KEY}){QUOTE}")


def product_files():
    for folder in ("services", "gateway"):
        for path in sorted((ROOT / folder).rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if parts & {"node_modules", "dist", "migrations", "__pycache__"} or not path.is_file():
                continue
            if path.suffix not in (".py", ".js", ".vue", ".ts"):
                continue
            if path.relative_to(ROOT).parts[:2] == ("services", "applications"):
                continue  # the owner
            yield path


def findings(text):
    found = []
    # The draft's name, 申请人, is also the applicant node's label on every route: not a copy.
    names = "|".join(re.escape(info["name"]) for info in vocabulary.STATUSES.values() if info["name"] != "申请人")
    names += "|" + "|".join(re.escape(n) for n in vocabulary.SUBMITTED_AT.values())
    for pattern, what in ((re.compile(rf"{QUOTE}({names}){QUOTE}"), "a status name as a literal"),
                          (KEY_LIST, "a list of statuses"), (NAME_TABLE, "a status-key table")):
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{what} at line {line}: {match.group(0)}")
    return found


def test_no_service_but_applications_and_no_page_keeps_a_status_table():
    copies = {str(path.relative_to(ROOT)): found for path in product_files()
              if (found := findings(path.read_text(encoding="utf-8")))}
    assert copies == {}


def test_the_check_sees_the_copies_it_is_meant_to_refuse():
    assert findings('STATUS_ZH = {"draft": "草稿", "returned": "已退回"}')
    assert findings("  formal_review_passed: { text: 'x', type: 'success' },")
    assert findings('EDITABLE_STATUSES = ("draft", "returned")')
    assert findings("['formal_review_passed', 'ready_for_meeting'].includes(s)")
    assert findings("title: '评审通过'")
    assert findings("passed: 'Passed', failed: 'Failed'")   # a name table in another language
    assert findings("status: { passed: `评审通过` }")
    # …and not legitimate uses of a single key or of action names.
    assert not findings('if application.get("status") != "ready_for_meeting":')
    assert not findings('return "pass_formal_review", "formal_review_passed"')
    assert not findings('"passed": r.passed and not r.overturned, "approved": r.approved')
    assert not findings("经 委员会 评审通过，")
    # …nor the Uyghur catalog's translation keyed by the server's status key.
    assert not findings("status: { passed: 'باھالاشتىن ئۆتتى', failed: 'باھالاشتىن ئۆتمىدى' },")
