"""Filling a whole application the way an applicant would, for the unit tests."""
from tests.unit.applications.conftest import ADMIN, COMMITTEE
from zc_common.clock import now

# The applicant meets the engineering series' conditions up to 副高
# (eligibility_rules/engineering.json): 本科 since 2007, 工程师 since 2015, and
# 90 hours of 继续教育 in each of the last three years.
THIS_YEAR = now().year

COMPLETE = {
    "basic_info": {"name": "张三", "gender": "男", "birth_date": "1985-03-12", "ethnicity": "汉族",
                   "phone": "13900000000", "years_in_profession": 15,
                   "current_title": "工程师", "current_title_obtained_on": "2015-07-01"},
    "education": {"degrees": [{"school": "新疆大学", "major": "机械工程", "education": "本科",
                               "graduated_on": "2007-07-01"}]},
    "work_history": {"jobs": [{"organization": "乌鲁木齐某设计院", "started_on": "2007-08-01"}]},
    "professional_work": {"summary": "从事机械设计工作十五年。"},
    "achievements": {"items": [{"name": "某型号设备设计", "kind": "工程项目", "achieved_on": "2020-05-01"}]},
    "publications": {"items": [{"title": "某设备的设计", "journal": "机械工程学报", "published_on": "2021-01-01"}]},
    "continuing_education": {"hours_total": 270, "records": [
        {"course": f"{year}年度专业科目学习", "organizer": "自治区继续教育基地", "year": year, "hours": 90}
        for year in range(THIS_YEAR - 2, THIS_YEAR + 1)]},
    "rewards_penalties": {"has_penalty": False},
    "representative_works": {"works": [{"title": "某设备设计方案", "kind": "技术方案",
                                        "completed_on": "2022-01-01", "summary": "本人主持设计。"}]},
    # the sections of the other kinds (kinds.json profiles)
    "awards": {"items": [{"name": "自治区科学技术进步奖", "grade": "一等奖", "granted_by": "新疆维吾尔自治区人民政府",
                          "granted_on": "2023-12-01"}]},
    "recommendation_letters": {"experts": [
        {"name": "王教授", "title": "正高级工程师", "organization": "新疆大学"},
        {"name": "李研究员", "title": "研究员", "organization": "新疆农业科学院"}]},
    "graduate_work": {"graduated_on": "2024-07-01", "work_started_on": "2024-08-01", "years_since_graduation": 1,
                      "post": "机械设计"},
    "credential": {"credential_type": "全国专业技术资格考试合格", "credential_name": "工程师",
                   "certificate_no": "Z2024000123", "issued_by": "人力资源和社会保障部", "issued_on": "2024-11-01",
                   "verification": "中国人事考试网证书查询"},
    "fanghuiju_service": {"team": "自治区工信厅驻某村工作队", "village": "和田地区某县某村",
                          "started_on": "2022-02-01", "ended_on": "2025-02-01", "service_years": 3,
                          "appraisals": [{"year": 2022, "result": "称职"}, {"year": 2023, "result": "优秀"},
                                         {"year": 2024, "result": "称职"}]},
}


def answers(key, application):
    """COMPLETE's answers for a section, as an applicant gives them: keeping what the
    form was prefilled with from the registration (基本信息's name, birth date, gender
    and phone, which must agree with the ID number)."""
    if key != "basic_info":
        return COMPLETE[key]
    return {**COMPLETE[key], **((application.get("sections") or {}).get(key) or {})}


def settings(service, opens="2026-06-01T00:00:00+08:00", closes="2026-06-30T23:59:59+08:00", maximum=2):
    return service.put_committee_settings(ADMIN, COMMITTEE, {
        "submit_opens_at": opens, "submit_closes_at": closes, "max_submissions": maximum,
        "fee_fen": 30000, "receiving_department_ids": []})


def qualification(service, level="副高", region="650000", committee=COMMITTEE, specialty="机械电子", kinds=None):
    titles = {"初级": "助理工程师", "中级": "工程师", "副高": "高级工程师", "正高": "正高级工程师"}
    body = {"region_code": region, "series": "工程系列", "specialty": specialty, "level": level,
            "title": titles[level], "committee_id": committee}
    if kinds is not None:
        body["kinds"] = kinds
    return service.create_qualification(ADMIN, body)


def fill(service, actor, application):
    for section in application["template"]["sections"]:
        service.save_section(actor, application["id"], section["key"], COMPLETE[section["key"]])


def enough_attachments(application):
    """documents' ``list_attachments`` answer with every required attachment."""
    return [{"id": f"{s['key']}{n}", "section": s["key"], "name": f"{s['key']}{n}.pdf"}
            for s in application["template"]["sections"] for n in range(s["attachments_required"])]
