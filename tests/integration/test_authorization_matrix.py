"""The authorisation matrix: every route of the route table × every kind of
caller × someone else's objects. For each route that reaches an object, every
caller who should not reach it gets 401, 403 or 404 — never the object, never a
state answer (409/422) that shows it exists. Lists show nobody else's objects.

Every route is classified below; a route that is not (a new one) fails
``test_every_route_is_classified``, so its access has to be thought about."""
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from gateway import routes  # noqa: F401  (importing registers every route)
from gateway.api import api as route_table
from tests.integration.contract_world import build_contract_world
from tests.unit.applications.helpers import COMPLETE
from tests.unit.documents import images
from zc_common.clock import now

ROLES = ("anonymous", "applicant", "other_applicant", "unit_admin", "other_unit_admin", "department_staff",
         "other_department_staff", "committee_staff", "other_committee_staff", "platform_admin")
REFUSED = {401, 403, 404}

# Public by design: no login, nobody's private object (what each shows is public).
PUBLIC = {
    ("POST", "/auth/login"): "logging in",
    ("POST", "/register/applicant"): "registration",
    ("POST", "/register/unit"): "registration",
    ("GET", "/units"): "unit search for the application form: id, name, region only",
    ("GET", "/regions"): "reference data",
    ("GET", "/statuses"): "reference data: the status vocabulary (names and flags), the same for everyone",
    ("GET", "/application-kinds"): "reference data: the application kinds and their policy",
    ("GET", "/departments"): "the directory of departments",
    ("GET", "/public/committees"): "the committees' public contact list",
    ("POST", "/recovery/sms"): "account recovery: proves identity by ID number, name and phone",
    ("POST", "/recovery/email"): "account recovery by the registered e-mail",
    ("POST", "/recovery/reset"): "account recovery: needs the code that was sent",
    ("POST", "/recovery/username"): "account recovery: answers a masked username only",
    ("POST", "/appeals"): "an account appeal is filed by someone who cannot log in",
    ("GET", "/qualifications"): "the catalog",
    ("GET", "/public/certificates/{no}"): "public certificate check: number and holder's name must both match",
    ("GET", "/public/certificate-signing-key"): "the public key that checks certificates offline",
    ("POST", "/public/certificates/check-qr"): "certificate check by its QR: tells nothing without a signed payload",
    ("POST", "/public/certificates/check-pdf"): "certificate check by its PDF: tells nothing without a signed file",
    ("GET", "/public/notices"): "published notices",
    ("GET", "/public/notices/{id}"): "a published notice",
    ("POST", "/payments/callbacks/{provider}"): "the payment provider's callback, authenticated by its signature",
    ("GET", "/public/publicity"): "the publicity list is public by law (公示)",
    ("POST", "/public/publicity/{id}/objections"): "anyone may object during publicity",
    ("GET", "/public/faq"): "an organisation's published questions and answers (常见问题), without who asked",
    ("GET", "/health"): "health check",
    ("GET", "/openapi.json"): "the API description",
    ("GET", "/echo"): "RPC echo for the benchmarks: no data",
}

# Any logged-in caller, acting on their own session or account only.
SELF = {
    ("POST", "/auth/logout"): "ends the caller's own session",
    ("POST", "/auth/switch-region"): "the caller's own session",
    ("GET", "/me"): "the caller's own account",
    ("PUT", "/me"): "the caller's own contact details",
    ("POST", "/me/password"): "the caller's own password (needs the old one)",
    ("POST", "/applications"): "creates the caller's own application",
    ("POST", "/continuing-education"): "creates the caller's own record",
    ("POST", "/questions"): "asks a question as the caller (在线问答)",
    ("GET", "/committees/{id}/settings"): "a committee's window, limit and fee: what every applicant must know",
    ("GET", "/inbox"): "the caller's own inbox",
    ("GET", "/inbox/unread-count"): "the caller's own unread count",
    ("POST", "/inbox/read-all"): "marks the caller's own messages",
    ("POST", "/inbox/{id}/read"): "the caller's own message; another's answers 404 (tests/unit/accounts/test_inbox.py)",
    ("GET", "/me/notification-preferences"): "the caller's own choices",
    ("PUT", "/me/notification-preferences"): "the caller's own choices",
    ("GET", "/statistics"): "counts the caller's own scope; another's is refused (test_statistics_exports.py)",
    ("GET", "/statistics/export.xlsx"): "the caller's own scope; another's is refused (test_statistics_exports.py)",
    ("GET", "/review/export/applications.xlsx"): "the caller's own organisation's 申请书查询; another's is refused "
                                                  "(test_statistics_exports.py)",
}


@dataclass
class Lists:
    """A list route: callers the role gate lets in see only their own; ``hidden``
    names the world's objects the ``outsiders`` must not find in it and ``owners``
    must (so the check is shown to be able to fail)."""
    hidden: tuple
    owners: tuple
    outsiders: tuple
    query: dict = field(default_factory=dict)


REVIEW_OUTSIDERS = ("other_unit_admin", "department_staff", "other_department_staff", "committee_staff",
                    "other_committee_staff")
LISTS = {
    ("GET", "/applications"): Lists(("application",), ("applicant",), ("other_applicant",)),
    ("GET", "/certificates"): Lists(("certificate",), ("applicant",), ("other_applicant",)),
    ("GET", "/continuing-education"): Lists(("ce_record",), ("applicant",), ("other_applicant",)),
    ("GET", "/review/tasks"): Lists(("application",), ("unit_admin",), REVIEW_OUTSIDERS, {"page_size": 100}),
    ("GET", "/review/applications"): Lists(("application",), ("unit_admin",), REVIEW_OUTSIDERS,
                                           {"page_size": 100}),
    ("GET", "/unit/applications"): Lists(("application",), ("unit_admin",), ("other_unit_admin",), {"page_size": 100}),
    ("GET", "/questions"): Lists(("question",), ("applicant", "committee_staff"),
                                 ("other_applicant", "unit_admin", "department_staff", "other_committee_staff")),
    ("GET", "/committee/meetings"): Lists(("meeting",), ("committee_staff",), ("other_committee_staff",)),
    ("GET", "/committee/objections"): Lists(("objection",), ("committee_staff",), ("other_committee_staff",)),
    ("GET", "/committee/experts"): Lists(("expert",), ("committee_staff",), ("other_committee_staff",)),
    ("GET", "/committee/panels"): Lists(("panel",), ("committee_staff",), ("other_committee_staff",)),
    # An expert's own: nobody of the matrix is an expert (the expert's side is tested
    # in test_review_experts), so everyone is an outsider here.
    ("GET", "/expert/panels"): Lists(("panel",), (), tuple(r for r in ROLES if r != "anonymous")),
    ("GET", "/expert/history"): Lists(("panel",), (), tuple(r for r in ROLES if r != "anonymous")),
}


@dataclass
class Reach:
    """A route that reaches one object: ``params`` name the world's objects in the
    path, ``allowed`` the callers who legitimately reach it (everyone else is
    refused), ``body`` a valid request so the refusal is about the object, not
    the shape; ``read`` routes are also checked to answer every allowed caller."""
    params: dict
    allowed: tuple
    body: object = None
    upload: bool = False
    read: bool = False


def _settings_body():
    moment = now()
    return {"submit_opens_at": (moment - timedelta(days=1)).isoformat(),
            "submit_closes_at": (moment + timedelta(days=30)).isoformat(), "max_submissions": 3, "fee_fen": 0,
            "receiving_department_ids": []}


def _window():
    moment = now()
    return {"starts_at": moment.isoformat(), "ends_at": (moment + timedelta(days=9)).isoformat()}


APP = {"id": "application"}
QUESTION = {"id": "question"}
ATT = {"id": "application", "att_id": "attachment"}
OWNER = ("applicant",)
# 基本信息 without birth date and gender, which must agree with the owner's ID number
_ANSWERS_BUT_IDENTITY = {k: v for k, v in COMPLETE["basic_info"].items() if k not in ("birth_date", "gender")}
UNIT = ("unit_admin",)
COMMITTEE = ("committee_staff",)
WRITERS = ("committee_staff", "platform_admin")
# The application waits at U1: its applicant and its unit see its files; nobody
# further up the route yet, and not the platform admin either.
FILE_READERS = ("applicant", "unit_admin")
EXPERT = {"id": "expert"}
PANEL = {"id": "panel"}

REACH = {
    ("GET", "/units/{id}"): Reach({"id": "unit"}, ("unit_admin", "platform_admin"), read=True),
    ("PUT", "/units/{id}"): Reach({"id": "unit"}, ("unit_admin", "platform_admin"),
                                  body={"contact_phone": "0991-7654321"}),
    ("POST", "/units/{id}/credit-code-appeals"): Reach({"id": "unit"}, ("unit_admin",), upload=True),
    ("PUT", "/admin/committees/{id}/settings"): Reach({"id": "committee"}, WRITERS, body=_settings_body),
    ("GET", "/applications/{id}"): Reach(APP, OWNER, read=True),
    ("PUT", "/applications/{id}/sections/{key}"): Reach({"id": "application", "key": "section"}, OWNER,
                                                        body=lambda: _ANSWERS_BUT_IDENTITY),
    ("POST", "/applications/{id}/change-qualification"): Reach(APP, OWNER,
                                                               body="qualification_change"),
    ("DELETE", "/applications/{id}"): Reach(APP, OWNER),
    ("POST", "/applications/{id}/route-report"): Reach(APP, OWNER, body={"place": "unit", "text": "单位不对"}),
    ("POST", "/applications/{id}/submit"): Reach(APP, OWNER),
    ("POST", "/applications/{id}/withdraw"): Reach(APP, OWNER),
    ("POST", "/applications/{id}/attachments"): Reach(APP, OWNER, upload=True),
    ("GET", "/applications/{id}/attachments"): Reach(APP, FILE_READERS, read=True),
    ("GET", "/applications/{id}/attachment-history"): Reach(APP, FILE_READERS, read=True),
    ("GET", "/applications/{id}/attachments/{att_id}/receipt.pdf"): Reach(ATT, FILE_READERS, read=True),
    ("GET", "/applications/{id}/attachments/{att_id}"): Reach(ATT, FILE_READERS, read=True),
    ("PUT", "/applications/{id}/attachments/{att_id}"): Reach(ATT, OWNER, upload=True),
    ("DELETE", "/applications/{id}/attachments/{att_id}"): Reach(ATT, OWNER),
    ("GET", "/applications/{id}/review-form.pdf"): Reach(APP, FILE_READERS, read=True),
    ("GET", "/applications/{id}/fee"): Reach(APP, OWNER),
    ("GET", "/applications/{id}/result"): Reach(APP, OWNER),
    ("GET", "/certificates/{no}.pdf"): Reach({"no": "certificate"}, OWNER, read=True),
    ("DELETE", "/continuing-education/{id}"): Reach({"id": "ce_record"}, OWNER),
    ("GET", "/continuing-education/{id}/certificate"): Reach({"id": "ce_record"}, OWNER, read=True),
    ("GET", "/questions/{id}"): Reach(QUESTION, ("applicant", "committee_staff"), read=True),
    ("POST", "/questions/{id}/answer"): Reach(QUESTION, COMMITTEE, body={"answer": "已答复", "publish": False}),
    ("PUT", "/questions/{id}/publication"): Reach(QUESTION, COMMITTEE, body={"published": False}),
    ("POST", "/questions/{id}/scan"): Reach(QUESTION, OWNER, upload=True),
    ("GET", "/questions/{id}/scan"): Reach(QUESTION, ("applicant", "committee_staff")),
    ("POST", "/notices"): Reach({}, WRITERS, body="notice_of_c1"),
    ("PUT", "/notices/{id}"): Reach({"id": "notice"}, WRITERS, body="notice_of_c1"),
    ("DELETE", "/notices/{id}"): Reach({"id": "notice"}, WRITERS),
    ("GET", "/review/applications/{id}"): Reach(APP, UNIT, read=True),
    ("GET", "/applications/{id}/eligibility"): Reach(APP, OWNER, read=True),
    ("GET", "/applications/{id}/changes"): Reach(APP, OWNER, read=True),
    ("GET", "/review/applications/{id}/eligibility"): Reach(APP, UNIT, read=True),
    ("GET", "/review/applications/{id}/changes"): Reach(APP, UNIT, read=True),
    # the committee the application goes to, before it ever reached them (破格 is weighed before submitting)
    ("POST", "/review/applications/{id}/eligibility-exception"): Reach(APP, COMMITTEE, body={"reason": "破格申报"}),
    ("GET", "/committee/applications/{number}/eligibility"): Reach({"number": "application_number"}, COMMITTEE,
                                                                   read=True),
    ("POST", "/review/applications/{id}/comments"): Reach(APP, UNIT, body={"section": "basic_info", "text": "请补充"}),
    ("POST", "/review/applications/{id}/return"): Reach(APP, UNIT, body={"opinion": "请补充材料"}),
    ("POST", "/review/applications/{id}/forward"): Reach(APP, UNIT, body={"opinion": "同意"}),
    ("POST", "/committee/applications/{id}/paper"): Reach(APP, COMMITTEE, body={"received": True}),
    ("POST", "/committee/meetings"): Reach({}, COMMITTEE, body="vote_on_c1"),
    ("POST", "/committee/meetings/{id}/publicity"): Reach({"id": "meeting"}, COMMITTEE, body=_window),
    ("POST", "/committee/objections/{id}/resolve"): Reach({"id": "objection"}, COMMITTEE,
                                                          body={"upheld": False, "note": "不成立"}),
    ("POST", "/committee/certificates/revoke"): Reach({}, COMMITTEE, body="revoke_in_c1"),
    ("POST", "/committee/meetings/{id}/approval"): Reach({"id": "meeting"}, COMMITTEE,
                                                         body={"document_no": "新职改字〔2026〕99号"}),
    # Any committee adds to its own pool (the body names no committee).
    ("POST", "/committee/experts"): Reach({}, ("committee_staff", "other_committee_staff"), body="expert_for_c1"),
    ("POST", "/committee/experts/{id}/admission"): Reach(EXPERT, COMMITTEE, body={"reason": "重新入库"}),
    ("POST", "/committee/experts/{id}/removal"): Reach(EXPERT, COMMITTEE, body={"reason": "出库"}),
    ("PUT", "/committee/experts/{id}/relations"): Reach(EXPERT, COMMITTEE, body={"relations": []}),
    ("GET", "/committee/experts/{id}/history"): Reach(EXPERT, ("committee_staff", "platform_admin"), read=True),
    ("POST", "/committee/panels"): Reach({}, COMMITTEE, body="panel_on_c1"),
    ("GET", "/committee/panels/{id}"): Reach(PANEL, COMMITTEE, read=True),
    ("POST", "/committee/panels/{id}/close"): Reach(PANEL, COMMITTEE),
    # The drawn expert's own: nobody else, whatever their role.
    ("GET", "/expert/panels/{id}"): Reach(PANEL, ()),
    ("POST", "/expert/panels/{id}/declaration"): Reach(PANEL, (), body={"confirm": True}),
    ("POST", "/expert/panels/{id}/decline"): Reach(PANEL, (), body={"reason": "出差"}),
    ("POST", "/expert/panels/{id}/conflicts"): Reach(PANEL, (), body="conflict_on_c1"),
    ("PUT", "/expert/panels/{id}/votes/{application_id}"): Reach(
        {"id": "panel", "application_id": "meeting_application"}, (), body={"choice": "for"}),
}


def admin_only(op):
    return op.roles == ("platform_admin",)


def _key(op):
    return op.method, op.path


def test_every_route_is_classified():
    unclassified = [f"{op.method} {op.path}" for op in route_table.operations
                    if not admin_only(op) and not any(_key(op) in table for table in (PUBLIC, SELF, LISTS, REACH))]
    assert not unclassified, f"routes nobody has classified for access: {unclassified}"
    stale = [key for table in (PUBLIC, SELF, LISTS, REACH) for key in table
             if key not in {_key(op) for op in route_table.operations}]
    assert not stale, f"classified routes that no longer exist: {stale}"
    public = {_key(op) for op in route_table.operations if op.roles is None}
    assert public == set(PUBLIC), "every route without login is listed as public, with its reason"


@pytest.fixture(scope="module")
def world(api, stack, admin_token):
    return build_contract_world(api, stack, admin_token)


def _body(spec, world):
    if callable(spec):
        return spec()
    if spec == "qualification_change":
        return {"qualification_id": world.ids["qualification"]}
    if spec == "notice_of_c1":
        return {"kind": "announcement", "title": "越权测试通知", "body": "正文", "committee_id": world.ids["committee"]}
    if spec == "expert_for_c1":
        return {"username": f"x{uuid.uuid4().hex[:12]}", "password": "Matrix2026pass", "name": "越权专家",
                "id_number": world.names["id_number"], "phone": "13900001111", "specialties": ["机械"],
                "title": "正高级工程师", "level": "正高", "unit_name": "越权大学", "region_code": "650200",
                "reason": "入库"}
    if spec == "panel_on_c1":
        return {"held_on": now().date().isoformat(), "application_ids": [world.ids["meeting_application"]],
                "panel_size": 1}
    if spec == "conflict_on_c1":
        return {"application_id": world.ids["meeting_application"], "reason": "合作者"}
    if spec == "revoke_in_c1":
        return {"application_id": world.ids["meeting_application"], "reason": "越权测试"}
    if spec == "vote_on_c1":
        return {"year": now().year, "held_on": now().date().isoformat(), "results": [{
            "application_id": world.ids["meeting_application"], "experts_present": 7, "votes_for": 7,
            "votes_against": 0, "votes_abstain": 0}]}
    return spec


def _call(api, world, method, path, role, rule):
    url = path
    for param, name in rule.params.items():
        url = url.replace(f"{{{param}}}", world.ids[name])
    kwargs = {"token": world.tokens[role]}
    if rule.upload:
        kwargs["data"] = {"section": world.ids["section"]}
        kwargs["files"] = {"file": ("scan.pdf", images.pdf("越权"), "application/pdf")}
    elif rule.body is not None:
        kwargs["json"] = _body(rule.body, world)
    return api.request(method, url, **kwargs)


def test_nobody_reaches_someone_elses_object(api, world):
    leaks, checked = [], 0
    # Reads first, then changes (so a leaked change cannot hide a leaked read), deletions last.
    order = sorted(REACH.items(), key=lambda item: (item[0][0] != "GET", item[0][0] == "DELETE"))
    for (method, path), rule in order:
        for role in ROLES:
            if role in rule.allowed:
                continue
            response = _call(api, world, method, path, role, rule)
            checked += 1
            if response.status_code not in REFUSED:
                leaks.append(f"{method} {path} as {role}: {response.status_code} {response.text[:200]}")
        for role in rule.allowed if rule.read else ():
            response = _call(api, world, method, path, role, rule)
            assert response.status_code == 200, f"{method} {path} as {role} (allowed): {response.text[:300]}"
    print(f"authorisation matrix: {checked} refusals checked over {len(REACH)} routes")
    assert not leaks, "\n".join(leaks)


def test_lists_show_nobody_elses_objects(api, world):
    leaks = []
    for (method, path), rule in LISTS.items():
        hidden = [world.ids[name] for name in rule.hidden]
        for role in rule.owners:
            text = api.request(method, path, token=world.tokens[role], params=rule.query).text
            assert all(value in text for value in hidden), f"{path}: the owner {role} sees their own"
        for role in rule.outsiders:
            response = api.request(method, path, token=world.tokens[role], params=rule.query)
            if response.status_code == 200 and any(value in response.text for value in hidden):
                leaks.append(f"{method} {path} as {role} lists {rule.hidden}")
            elif response.status_code not in REFUSED | {200}:
                leaks.append(f"{method} {path} as {role}: {response.status_code} {response.text[:200]}")
        anonymous = api.request(method, path, params=rule.query)
        if anonymous.status_code != 401:
            leaks.append(f"{method} {path} anonymous: {anonymous.status_code}")
    assert not leaks, "\n".join(leaks)


def test_platform_routes_refuse_everyone_else(api, world):
    """Routes for the platform admin alone: every other caller is refused at the
    door, whatever object the path names."""
    leaks, checked = [], 0
    for op in route_table.operations:
        if not admin_only(op):
            continue
        url = op.path
        for param in ("id", "user_id"):
            url = url.replace(f"{{{param}}}", world.ids["committee"])
        for role in ROLES:
            if role == "platform_admin":
                continue
            response = api.request(op.method, url, token=world.tokens[role], json={})
            checked += 1
            expected = 401 if role == "anonymous" else 403
            if response.status_code != expected:
                leaks.append(f"{op.method} {op.path} as {role}: {response.status_code} {response.text[:200]}")
    assert checked > 60
    assert not leaks, "\n".join(leaks)
