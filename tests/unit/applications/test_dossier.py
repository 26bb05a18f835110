import pytest
from sqlalchemy.exc import IntegrityError

from services.applications.models import Application, NumberSequence, Qualification, Transition
from tests.unit.applications.conftest import ADMIN, COMMITTEE, PREFECTURE_COMMITTEE, UNIT, applicant
from tests.unit.applications.helpers import enough_attachments, fill, qualification, settings
from zc_common.errors import Conflict, Forbidden, Invalid, NotFound

ME = applicant(1)


def new(service, actor=ME, level="副高", **extra):
    q = qualification(service, level=level)
    return service.create_application(actor, {"qualification_id": q["id"], "unit_id": UNIT, "year": 2026, **extra})


def snapshot(service, application_id):
    service.db.rollback()
    app = service.db.get(Application, application_id)
    service.db.refresh(app)
    return (app.status, app.version, app.submissions_used, app.sections, app.qualification_id,
            service.db.query(Transition).filter_by(application_id=application_id).count())


def test_create_numbers_and_freezes_the_template(service):
    first = new(service)
    second = service.create_application(applicant(2), {"qualification_id": first["qualification"]["id"],
                                                       "unit_id": UNIT, "year": 2026})
    assert first["number"] == "RSSQ00000001" and second["number"] == "RSSQ00000002"
    assert first["status"] == "draft" and first["version"] == 1 and first["kind"]["key"] == "review"
    assert first["kind"]["name"] == "评审" and first["kind"]["fee"] and first["kind"]["meeting"]
    assert first["template"]["version"] == "2026.1"
    assert {k: first["unit"][k] for k in ("id", "name")} == {"id": UNIT, "name": "乌鲁木齐某设计院"}
    assert first["committee"]["id"] == COMMITTEE
    assert first["applicant"] == {"id": ME["id"], "name": ME["name"]}


ALL_KINDS = ["review", "special_talent", "initial", "conferral", "fanghuiju"]


def test_one_application_per_qualification_and_year_across_kinds(service):
    q = qualification(service, level="中级", kinds=ALL_KINDS)
    service.create_application(ME, {"qualification_id": q["id"], "unit_id": UNIT, "year": 2026})
    for kind in ALL_KINDS:
        with pytest.raises(Conflict) as caught:
            service.create_application(ME, {"qualification_id": q["id"], "unit_id": UNIT,
                                            "year": 2026, "kind": kind})
        assert caught.value.code == "duplicate_application"
    assert service.db.query(Application).count() == 1


def test_one_application_per_title_whichever_regions_row(service):
    """The same title offered by two regions' committees is one title: the second is refused."""
    own = qualification(service, level="中级", region="650100", committee=PREFECTURE_COMMITTEE, kinds=ALL_KINDS)
    theirs = qualification(service, level="中级", region="650000", kinds=ALL_KINDS)
    assert own["id"] != theirs["id"]
    service.create_application(ME, {"qualification_id": own["id"], "unit_id": UNIT, "year": 2026, "kind": "initial"})
    # Later the applicant's unit is reviewed at the autonomous region (the prefecture's
    # row is gone from its region): the autonomous region's row of the same title, by
    # another kind, is still the same title this year.
    row = service.db.get(Qualification, own["id"])
    row.region_code = "650000"
    service.db.commit()
    with pytest.raises(Conflict) as caught:
        service.create_application(ME, {"qualification_id": theirs["id"], "unit_id": UNIT, "year": 2026,
                                        "kind": "conferral"})
    assert caught.value.code == "duplicate_application"


def test_a_kind_the_qualification_does_not_accept_is_refused(service):
    only_review = qualification(service, level="中级")
    with pytest.raises(Invalid) as caught:
        service.create_application(ME, {"qualification_id": only_review["id"], "unit_id": UNIT, "year": 2026,
                                        "kind": "initial"})
    assert caught.value.code == "wrong_kind" and caught.value.field == "kind"
    senior = qualification(service, level="副高", kinds=["review", "fanghuiju"])
    with pytest.raises(Invalid) as caught:  # 初次确定 leads to 初级/中级 only
        service.create_application(ME, {"qualification_id": senior["id"], "unit_id": UNIT, "year": 2026,
                                        "kind": "initial"})
    assert caught.value.code == "wrong_kind"
    with pytest.raises(Invalid) as caught:  # nor may the catalog offer it
        qualification(service, level="正高", kinds=["initial"])
    assert caught.value.code == "wrong_kind"
    assert service.db.query(Application).count() == 0


def test_each_kind_freezes_its_own_sections(service):
    q = qualification(service, level="中级", kinds=ALL_KINDS)
    sections = {}
    for n, kind in enumerate(ALL_KINDS, start=1):
        app = service.create_application(applicant(n), {"qualification_id": q["id"], "unit_id": UNIT,
                                                        "year": 2026, "kind": kind})
        assert app["kind"]["key"] == kind
        sections[kind] = [s["key"] for s in app["template"]["sections"]]
    assert "publications" in sections["review"]
    assert {"achievements", "awards", "recommendation_letters"} <= set(sections["special_talent"])
    assert {"education", "graduate_work"} <= set(sections["initial"]) and "publications" not in sections["initial"]
    assert "credential" in sections["conferral"]
    assert "fanghuiju_service" in sections["fanghuiju"]
    letters = next(s for s in service.get_application(applicant(2), service.list_applications(applicant(2))[0]["id"])
                   ["template"]["sections"] if s["key"] == "recommendation_letters")
    assert letters["attachments_required"] == 2


def test_the_database_refuses_a_duplicate_too(service):
    app = new(service)
    row = service.db.get(Application, app["id"])
    service.db.add(NumberSequence())
    twin = Application(number="RSSQ99999999", year=row.year, kind="conferral", title_key=row.title_key,
                       applicant_id=row.applicant_id,
                       applicant_name="x", qualification_id=row.qualification_id, unit_id=UNIT, unit_name="x",
                       committee_id=COMMITTEE, template_version="2026.1", template=row.template)
    service.db.add(twin)
    with pytest.raises(IntegrityError):
        service.db.commit()


@pytest.mark.parametrize("overrides, field", [
    ({"unit_id": "nowhere"}, "unit_id"),
    ({"unit_id": COMMITTEE}, "unit_id"),
    ({"qualification_id": "nothing"}, "qualification_id"),
    ({"year": 2025}, "year"),
    ({"year": 2030}, "year"),
    ({"kind": "推荐"}, "kind"),
    ({"kind": 3}, "kind"),
])
def test_create_refuses_bad_fields(service, overrides, field):
    q = qualification(service)
    with pytest.raises(Invalid) as caught:
        service.create_application(ME, {"qualification_id": q["id"], "unit_id": UNIT, "year": 2026, **overrides})
    assert caught.value.field == field
    assert service.db.query(Application).count() == 0


def test_create_refuses_another_prefectures_qualification_and_other_roles(service):
    elsewhere = qualification(service, level="中级", region="650200", committee=PREFECTURE_COMMITTEE)
    with pytest.raises(Invalid) as caught:
        service.create_application(ME, {"qualification_id": elsewhere["id"], "unit_id": UNIT, "year": 2026})
    assert caught.value.field == "qualification_id"
    with pytest.raises(Forbidden):
        service.create_application(ADMIN, {"qualification_id": elsewhere["id"], "unit_id": UNIT, "year": 2026})
    assert service.db.query(Application).count() == 0


def test_only_the_owner_sees_an_application(service):
    app = new(service)
    assert service.get_application(ME, app["id"])["id"] == app["id"]
    with pytest.raises(NotFound):
        service.get_application(applicant(2), app["id"])
    assert service.list_applications(applicant(2)) == []
    assert [a["id"] for a in service.list_applications(ME)] == [app["id"]]


def test_saving_a_section_bumps_the_version_and_bad_data_changes_nothing(service):
    app = new(service)
    saved = service.save_section(ME, app["id"], "basic_info", {"name": "张三"})
    assert saved["sections"]["basic_info"] == {"name": "张三"} and saved["version"] == 2
    before = snapshot(service, app["id"])
    with pytest.raises(Invalid) as caught:
        service.save_section(ME, app["id"], "education", {"degrees": [{"graduated_on": "soon"}]})
    assert caught.value.field == "degrees[0].graduated_on"
    with pytest.raises(NotFound):
        service.save_section(ME, app["id"], "hobbies", {})
    with pytest.raises(NotFound):
        service.save_section(applicant(2), app["id"], "basic_info", {"name": "李四"})
    assert snapshot(service, app["id"]) == before


def submittable(service, maximum=2, level="副高"):
    settings(service, maximum=maximum)
    app = new(service, level=level)
    fill(service, ME, app)
    service.documents.list_attachments.return_value = enough_attachments(app)
    return app


def test_submit_counts_and_records_the_transition(service):
    app = submittable(service)
    done = service.submit(ME, app["id"])
    assert done["status"] == "submitted" and done["submissions_used"] == 1 and done["submissions_max"] == 2
    assert done["attachments"] == enough_attachments(app)  # what it counted: the gateway asks no one again
    assert done["history"][-1]["action"] == "submit"
    assert done["history"][-1]["from"] == "draft" and done["history"][-1]["to"] == "submitted"
    assert done["history"][-1]["by"]["user_id"] == ME["id"]
    assert done["days_to_close"] == 15
    sent = [(event, payload) for event, payload in service.dispatch if event != "committee_settings_changed"]
    # one event stands for the submit and its status change (review tells the applicant from it)
    assert [event for event, _ in sent] == ["application_submitted"]
    assert sent[0][1]["submission_no"] == 1
    assert (sent[0][1]["from_status"], sent[0][1]["status"]) == ("draft", "submitted")


def test_submit_outside_the_window(service, fake_now):
    app = submittable(service)
    before = snapshot(service, app["id"])
    for moment in ("2026-05-31T23:00:00+08:00", "2026-07-01T00:00:01+08:00"):
        fake_now(moment)
        with pytest.raises(Conflict) as caught:
            service.submit(ME, app["id"])
        assert caught.value.code == "window_closed"
    assert service.get_application(ME, app["id"])["days_to_close"] == -1
    assert snapshot(service, app["id"]) == before


def test_submit_without_committee_settings_is_window_closed(service):
    app = new(service)
    with pytest.raises(Conflict) as caught:
        service.submit(ME, app["id"])
    assert caught.value.code == "window_closed"


def test_incomplete_application_lists_what_is_missing(service):
    settings(service)
    app = new(service)
    service.save_section(ME, app["id"], "basic_info", {"name": "张三"})
    before = snapshot(service, app["id"])
    with pytest.raises(Invalid) as caught:
        service.submit(ME, app["id"])
    assert caught.value.code == "incomplete_application"
    missing = caught.value.extra["missing"]
    assert {"section": "basic_info", "field": "gender"} in missing
    assert {"section": "basic_info", "attachment": "至少需上传 1 个附件（已上传 0 个）",
            "need": "1", "have": "0"} in missing
    assert snapshot(service, app["id"]) == before


def test_every_submit_counts_resubmits_included(service):
    app = submittable(service, maximum=2)
    service.submit(ME, app["id"])
    service.withdraw(ME, app["id"])
    args, kwargs = service.review.claim_withdraw.call_args
    assert args == (app["id"],) and kwargs["submission_no"] == 1
    assert kwargs["application"]["id"] == app["id"]  # review answers its view of it with the claim
    service.submit(ME, app["id"])
    service.withdraw(ME, app["id"])
    before = snapshot(service, app["id"])
    with pytest.raises(Conflict) as caught:
        service.submit(ME, app["id"])
    assert caught.value.code == "submission_limit"
    assert snapshot(service, app["id"]) == before
    assert before[2] == 2


def test_editing_a_submitted_application_is_refused(service):
    app = submittable(service)
    service.submit(ME, app["id"])
    before = snapshot(service, app["id"])
    with pytest.raises(Conflict) as caught:
        service.save_section(ME, app["id"], "basic_info", {"name": "李四"})
    assert caught.value.code == "not_editable"
    with pytest.raises(Conflict):
        service.submit(ME, app["id"])
    assert snapshot(service, app["id"]) == before


def test_withdraw_refused_when_review_says_the_unit_acted(service):
    app = submittable(service)
    service.submit(ME, app["id"])
    service.review.claim_withdraw.side_effect = Conflict("cannot_withdraw", "基层单位已审核")
    before = snapshot(service, app["id"])
    with pytest.raises(Conflict) as caught:
        service.withdraw(ME, app["id"])
    assert caught.value.code == "cannot_withdraw"
    assert snapshot(service, app["id"]) == before


def test_withdraw_a_draft_is_refused(service):
    app = new(service)
    with pytest.raises(Conflict) as caught:
        service.withdraw(ME, app["id"])
    assert caught.value.code == "cannot_withdraw"
    service.review.claim_withdraw.assert_not_called()


def test_change_qualification_carries_matching_sections_and_flags_the_rest(service):
    app = new(service, level="副高")
    fill(service, ME, app)
    junior = qualification(service, level="中级")
    changed = service.change_qualification(ME, app["id"], junior["id"])
    assert changed["qualification"]["id"] == junior["id"]
    assert "representative_works" not in changed["sections"]        # no such section for 中级
    assert changed["sections"]["basic_info"]["name"] == "张三"        # carried over
    assert changed["needs_review"] == []
    senior = qualification(service, level="正高")
    back = service.change_qualification(ME, app["id"], senior["id"])
    assert back["needs_review"] == ["representative_works"]          # new to this template
    assert back["history"][-1]["action"] == "change_qualification"
    service.save_section(ME, app["id"], "representative_works", {"works": []})
    assert service.get_application(ME, app["id"])["needs_review"] == []


def test_change_qualification_while_submitted_is_refused_and_works_after_withdraw(service):
    app = submittable(service)
    service.submit(ME, app["id"])
    other = qualification(service, level="中级")
    before = snapshot(service, app["id"])
    with pytest.raises(Conflict) as caught:
        service.change_qualification(ME, app["id"], other["id"])
    assert caught.value.code == "already_submitted"
    assert snapshot(service, app["id"]) == before
    service.withdraw(ME, app["id"])  # not submitted any more (the guide: 未提交状态下)
    changed = service.change_qualification(ME, app["id"], other["id"])
    assert changed["qualification"]["id"] == other["id"] and changed["can_change_qualification"]
    assert not changed["can_delete"]  # submitted once: it stays on record


def test_change_to_a_qualification_already_applied_for_is_a_duplicate(service):
    first = new(service, level="副高")
    junior = qualification(service, level="中级")
    service.create_application(ME, {"qualification_id": junior["id"], "unit_id": UNIT, "year": 2026})
    before = snapshot(service, first["id"])
    with pytest.raises(Conflict) as caught:
        service.change_qualification(ME, first["id"], junior["id"])
    assert caught.value.code == "duplicate_application"
    assert snapshot(service, first["id"]) == before


def test_a_past_years_application_is_read_only_and_keeps_its_template(service, fake_now):
    fake_now("2025-06-15T10:00:00+08:00")
    settings(service, opens="2025-06-01T00:00:00+08:00", closes="2025-06-30T00:00:00+08:00")
    old = service.create_application(ME, {"qualification_id": qualification(service)["id"],
                                          "unit_id": UNIT, "year": 2025})
    assert old["template"]["version"] == "2025.1"
    fake_now("2026-06-15T10:00:00+08:00")
    seen = service.get_application(ME, old["id"])
    assert seen["read_only"] is True and seen["template"]["version"] == "2025.1"
    before = snapshot(service, old["id"])
    for attempt in (lambda: service.save_section(ME, old["id"], "basic_info", {"name": "张三"}),
                    lambda: service.submit(ME, old["id"]),
                    lambda: service.change_qualification(ME, old["id"], "x")):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.code == "read_only_year"
    assert snapshot(service, old["id"]) == before


def test_a_read_again_within_seconds_reuses_the_qualification_and_settings_and_a_change_shows_at_once(service):
    """The view's qualification and committee settings come from the process memo
    (catalog.SHOWN_*): a second read asks only for the application and its history;
    the owner's own change of the settings or the conditions is read on the next call."""
    from sqlalchemy import event
    settings(service, closes="2026-06-30T23:59:59+08:00")
    app = new(service)
    service.get_application(ME, app["id"])
    statements = []

    def count(*args):
        statements.append(args[2])
    event.listen(service.db.bind, "before_cursor_execute", count)
    try:
        service.get_application(ME, app["id"])
        assert statements and not [s for s in statements if "qualifications" in s.split("FROM")[-1]
                                    or "committee_settings" in s], statements
    finally:
        event.remove(service.db.bind, "before_cursor_execute", count)
    settings(service, closes="2026-06-20T23:59:59+08:00")
    service.set_qualification_conditions(ADMIN, app["qualification"]["id"], "从事本专业工作满5年")
    again = service.get_application(ME, app["id"])
    assert again["submit_closes_at"].startswith("2026-06-20T23:59:59")
    assert again["qualification"]["conditions"] == "从事本专业工作满5年"


def test_delete_a_draft_never_submitted_and_refuse_once_submitted(service):
    """删除: a draft never submitted goes (and frees its qualification for the year);
    a submitted one — or one withdrawn after a submit — stays."""
    draft = new(service)
    assert draft["can_delete"] is True
    assert service.delete_application(ME, draft["id"]) == {"id": draft["id"], "deleted": True}
    assert service.db.query(Application).count() == 0
    with pytest.raises(NotFound):
        service.get_application(ME, draft["id"])
    again = service.create_application(ME, {"qualification_id": draft["qualification"]["id"], "unit_id": UNIT,
                                            "year": 2026})  # the qualification is free again this year
    with pytest.raises(NotFound):
        service.delete_application(applicant(2), again["id"])

    app = submittable(service, level="中级")
    service.submit(ME, app["id"])
    before = snapshot(service, app["id"])
    with pytest.raises(Conflict) as caught:
        service.delete_application(ME, app["id"])
    assert caught.value.code == "already_submitted"
    assert snapshot(service, app["id"]) == before
    service.withdraw(ME, app["id"])
    with pytest.raises(Conflict) as caught:
        service.delete_application(ME, app["id"])
    assert caught.value.code == "already_submitted"


def test_a_wrong_route_step_is_reported_to_the_platform_admin_and_the_unit(service):
    app = new(service)
    answer = service.report_route_step(ME, app["id"], {"place": "receiving_department", "name": "某厅",
                                                        "text": "应为卫生健康委"})
    assert answer["label"] == "地厅级材料接收部门"
    [notice] = [p for kind, p in service.dispatch if kind == "notice_requested"]
    assert notice["roles"] == ["platform_admin"] and notice["org_ids"] == [UNIT]
    assert "地厅级材料接收部门「某厅」" in notice["body"] and app["number"] in notice["body"]
    for bad in ({"place": "applicant", "text": "x"}, {"place": "nowhere", "text": "x"},
                {"place": "unit", "text": "  "}, {"place": "unit", "text": "长" * 501}):
        with pytest.raises(Invalid):
            service.report_route_step(ME, app["id"], bad)
    with pytest.raises(NotFound):
        service.report_route_step(applicant(2), app["id"], {"place": "unit", "text": "x"})


def test_the_committee_records_paper_material_and_the_applicant_sees_it(service):
    """纸质材料报送: only the application's own committee records it, once submitted."""
    app = submittable(service)
    staff = {"id": "s" * 32, "name": "收件人", "role": "committee_staff", "org_id": COMMITTEE,
             "impersonated_by": None}
    with pytest.raises(Conflict) as caught:
        service.record_paper(staff, app["id"], True)   # a draft: nothing was sent yet
    assert caught.value.code == "not_submitted"
    service.submit(ME, app["id"])
    with pytest.raises(NotFound):
        service.record_paper({**staff, "org_id": PREFECTURE_COMMITTEE}, app["id"], True)
    with pytest.raises(Forbidden):
        service.record_paper({**staff, "role": "unit_admin"}, app["id"], True)
    with pytest.raises(Invalid):
        service.record_paper(staff, app["id"], "yes")
    assert service.get_application(ME, app["id"])["paper_received"] is None
    service.record_paper(staff, app["id"], True)
    assert service.get_application(ME, app["id"])["paper_received"]["by"] == "收件人"
    service.record_paper(staff, app["id"], False)
    assert service.get_application(ME, app["id"])["paper_received"] is None


def test_only_a_southern_prefectures_qualification_is_directed(service):
    """南疆四地州 定向评价、定向使用: shown on the qualification; refused elsewhere."""
    from tests.unit.applications.conftest import ADMIN as admin
    body = {"series": "卫生系列", "specialty": "全科医学", "level": "中级", "title": "主治医师",
            "committee_id": COMMITTEE, "directed": True}
    with pytest.raises(Invalid) as caught:
        service.create_qualification(admin, {**body, "region_code": "650100"})
    assert caught.value.code == "not_southern_prefecture"
    directed = service.create_qualification(admin, {**body, "region_code": "653100"})
    assert directed["directed"] is True and directed["directed_note"] == "南疆四地州定向评价、定向使用"
    plain = service.create_qualification(admin, {**body, "region_code": "653200", "directed": False})
    assert plain["directed"] is False and plain["directed_note"] is None


def test_the_units_query_lists_its_applicants_drafts_too(service):
    """申请书查询 at the base unit: all of its applicants' applications, drafts included."""
    draft = new(service)
    unit_admin = {"id": "ua".ljust(32, "0"), "name": "单位管理员", "role": "unit_admin", "org_id": UNIT,
                  "impersonated_by": None}
    listed = service.unit_applications(unit_admin)
    assert [(i["application_id"], i["status"], i["reached"]) for i in listed["items"]] == [
        (draft["id"], "draft", False)]
    assert listed["total"] == 1
    assert listed["items"][0]["kind"]["key"] == "review"
    # each row says its kind (a 特殊人才认定 read 评审 in the unit's list)
    q = qualification(service, specialty="建筑工程", kinds=["review", "special_talent"])
    talent = service.create_application(applicant(3), {"qualification_id": q["id"], "unit_id": UNIT, "year": 2026,
                                                       "kind": "special_talent"})
    [row] = [i for i in service.unit_applications(unit_admin)["items"] if i["application_id"] == talent["id"]]
    assert row["kind"]["name"] == "特殊人才认定" and row["kind"]["fee"] is False
    assert service.unit_applications(unit_admin, status="submitted")["items"] == []
    assert service.unit_applications(unit_admin, name="申请人")["total"] == 2
    assert service.unit_applications({**unit_admin, "org_id": "x" * 32})["items"] == []
    with pytest.raises(Forbidden):
        service.unit_applications(ME)
    with pytest.raises(Invalid):
        service.unit_applications(unit_admin, status="nope")


def registered(n, birth_date="1975-04-02", gender="女", phone="13912345678"):
    """An applicant's actor as accounts gives it: the registration's identity beside it."""
    return {**applicant(n), "name": "阿依古丽·买买提", "birth_date": birth_date, "gender": gender, "phone": phone}


def test_a_new_application_is_prefilled_from_the_registration(service):
    app = new(service, actor=registered(51))
    assert app["sections"]["basic_info"] == {"name": "阿依古丽·买买提", "birth_date": "1975-04-02", "gender": "女",
                                             "phone": "13912345678"}


def test_birth_date_and_gender_must_match_the_id_number(service):
    """A form saying 1988 for an ID number saying 1975 was accepted (#14 item 6)."""
    me = registered(52)
    app = new(service, actor=me)
    for field, value in (("birth_date", "1988-04-02"), ("gender", "男")):
        data = {**app["sections"]["basic_info"], field: value}
        with pytest.raises(Invalid) as caught:
            service.save_section(me, app["id"], "basic_info", data)
        assert (caught.value.code, caught.value.field) == ("identity_mismatch", field)
    assert snapshot(service, app["id"])[3]["basic_info"]["birth_date"] == "1975-04-02"   # nothing stored
    service.save_section(me, app["id"], "basic_info", {**app["sections"]["basic_info"], "ethnicity": "维吾尔族"})


def test_submit_refuses_an_identity_that_does_not_match(service):
    """A form saved before the check existed (or by another way) is refused at submit."""
    me = registered(53)
    app = new(service, actor=me)
    settings(service)
    fill(service, applicant(53), app)   # no registration identity: COMPLETE's 1985 is stored
    enough_attachments(app)
    with pytest.raises(Invalid) as caught:
        service.submit(me, app["id"])
    assert caught.value.code == "identity_mismatch"
