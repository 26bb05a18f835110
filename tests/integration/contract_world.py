"""Builders for the contract tests (no tests here): one review world with real
objects owned by someone — an application of applicant A at unit U1 under
committee C1, its attachment, A's continuing-education record and certificate, a
notice of C1, a meeting of C1 with a publicity and an objection — and the
outsiders who must not reach them: another applicant, the admin of another unit,
staff of a department off the route, staff of another committee.

Everything is made through the gateway as real users would, except the
certificate, which is issued over RPC the way review issues it at approval."""
from dataclasses import dataclass, field
from datetime import timedelta

from tests.client import expect
from tests.integration.accounts_helpers import (
    PASSWORD,
    create_org,
    fresh_address,
    id_number,
    login,
    phone,
    register_unit,
    unique,
)
from tests.integration.test_documents_certificates import approval_for, issue
from tests.integration.test_review_setup import (
    REGION,
    build_world,
    new_application,
    staff_tokens,
    submit,
    to_ready_for_meeting,
    wait_task,
)
from tests.unit.documents import images
from zc_common.clock import now


@dataclass
class ContractWorld:
    tokens: dict                                   # role name -> token (None: anonymous)
    ids: dict = field(default_factory=dict)        # object name -> id
    names: dict = field(default_factory=dict)      # object name -> something only its owner may see


def _unit_admin(api):
    unit = register_unit(api, region_code=REGION)
    return unit, login(api, unit["username"])["token"]


def _ce_record(api, token):
    data = {"year": str(now().year - 1), "course": unique("急诊医学新进展"), "organizer": "自治区医学会",
            "hours": "24"}
    files = {"file": ("培训证书.pdf", images.pdf("继续教育证书"), "application/pdf")}
    return expect(api.post("/continuing-education", token=token, data=data, files=files), 201)


def _meeting_with_objection(api, world, committee_token):
    """A second applicant's application through formal review into a meeting of C1,
    with an open publicity and one public objection."""
    app = new_application(api, world, name="测试乙")
    to_ready_for_meeting(api, world, app)
    # An expert of C1's pool and a panel drawn for this application (still voting:
    # the meeting below is typed in, as a paper meeting may be).
    expert = expect(api.post("/committee/experts", token=committee_token, json={
        "username": unique("expert"), "password": PASSWORD, "name": "测试专家", "id_number": id_number(),
        "phone": phone(), "specialties": ["机械"], "title": "正高级工程师", "level": "正高",
        "unit_name": unique("新疆大学"), "region_code": "650200", "reason": "入库"}), 201)
    panel = expect(api.post("/committee/panels", token=committee_token, json={
        "held_on": now().date().isoformat(), "application_ids": [app["id"]], "panel_size": 1}), 201)
    meeting = expect(api.post("/committee/meetings", token=committee_token, json={
        "year": now().year, "held_on": now().date().isoformat(),
        "results": [{"application_id": app["id"], "experts_present": 7, "votes_for": 7, "votes_against": 0,
                     "votes_abstain": 0}]}), 201)
    start = now()
    publicity = expect(api.post(f"/committee/meetings/{meeting['id']}/publicity", token=committee_token, json={
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=9)).isoformat()}), 201)
    objection = expect(api.post(f"/public/publicity/{publicity['id']}/objections", headers=fresh_address(), json={
        "application_number": app["number"], "reason": "资历不符", "contact": "13900000000"}), 201)
    return app, meeting, publicity, objection, expert, panel


def build_contract_world(api, stack, admin_token, *, results=True):
    """The world for the authorisation matrix (``results``: with a meeting, a
    publicity and an objection too) and for the fuzzer's four roles."""
    world = build_world(api, admin_token, publicity_min_days=0)
    committee_token = world.staff[world.committee["id"]][0]

    # Applicant A's application, submitted: it waits at U1.
    app = new_application(api, world, name="测试甲")
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    owner_token = app["token"]
    me = expect(api.get("/me", token=owner_token), 200)
    detail = expect(api.get(f"/applications/{app['id']}", token=owner_token), 200)
    record = _ce_record(api, owner_token)
    [certificate] = issue(stack, approval_for([{"id": me["id"], "name": me["name"]}],
                                              document_no=unique("新职改字〔2026〕")))
    notice = expect(api.post("/notices", token=committee_token, json={
        "kind": "announcement", "title": unique("关于评审的通知"), "body": "请按时报送材料。",
        "committee_id": world.committee["id"]}), 201)

    question = expect(api.post("/questions", token=owner_token, json={
        "to_org_id": world.committee["id"], "title": "申报时间", "body": "今年何时开始接收材料？"}), 201)

    # The outsiders.
    other = new_application(api, world, name="测试丙")           # another applicant, with a draft of their own
    other_unit, other_unit_token = _unit_admin(api)
    off_route = create_org(api, admin_token, kind="department", region_code=REGION)
    other_committee = create_org(api, admin_token, kind="committee", region_code=REGION)

    contract = ContractWorld(tokens={
        "anonymous": None,
        "applicant": owner_token,
        "other_applicant": other["token"],
        "unit_admin": world.unit_token,
        "other_unit_admin": other_unit_token,
        "department_staff": world.staff[world.middle["id"]][0],
        "other_department_staff": staff_tokens(api, admin_token, off_route["id"])[0],
        "committee_staff": committee_token,
        "other_committee_staff": staff_tokens(api, admin_token, other_committee["id"])[0],
        "platform_admin": admin_token,
    })
    contract.ids.update({
        "application": app["id"], "attachment": detail["attachments"][0]["id"],
        "section": detail["template"]["sections"][0]["key"], "ce_record": record["id"],
        "certificate": certificate["no"], "notice": notice["id"], "unit": world.unit["unit_id"],
        "committee": world.committee["id"], "department": world.middle["id"],
        "other_application": other["id"], "other_unit": other_unit["unit_id"],
        "qualification": world.qualification["id"], "question": question["id"],
        "application_number": app["number"],
    })
    contract.names.update({"application_number": app["number"], "applicant_name": me["name"],
                           "id_number": app["person"]["id_number"]})
    if results:
        m_app, meeting, publicity, objection, expert, panel = _meeting_with_objection(api, world, committee_token)
        contract.ids.update({"meeting": meeting["id"], "publicity": publicity["id"],
                             "objection": objection["id"], "meeting_application": m_app["id"],
                             "expert": expert["id"], "panel": panel["id"]})
    return contract

