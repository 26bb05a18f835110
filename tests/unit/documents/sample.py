"""Application dicts shaped like applications' ``get_application_internal``."""
import copy

from services.applications import vocabulary

TEMPLATE = {
    "version": "2026.1",
    "sections": [
        {"key": "basic", "title": "基本信息", "attachments_required": 0, "fields": [
            {"key": "name", "label": "姓名", "type": "text", "required": True, "max_length": 20},
            {"key": "birth_date", "label": "出生日期", "type": "date", "required": True},
            {"key": "party_member", "label": "是否党员", "type": "boolean", "required": False},
        ]},
        {"key": "work", "title": "工作经历", "attachments_required": 1, "fields": [
            {"key": "rows", "label": "工作经历", "type": "table", "required": True, "columns": [
                {"key": "from", "label": "起始年月", "type": "text"},
                {"key": "org", "label": "工作单位", "type": "text"},
                {"key": "post", "label": "职务", "type": "text"}]},
        ]},
        {"key": "education", "title": "继续教育", "attachments_required": 0, "fields": [
            {"key": "records", "label": "继续教育学时", "type": "table", "required": False, "columns": [
                {"key": "year", "label": "年度", "type": "integer"},
                {"key": "hours", "label": "学时", "type": "integer"},
                {"key": "course", "label": "内容", "type": "text"}]},
        ]},
    ],
}

APPLICATION = {
    "id": "a" * 32, "number": "RSSQ00000042", "year": 2026, "status": "draft", "version": 3,
    "applicant": {"id": "u1", "name": "阿依古丽·买买提"},
    "qualification": {"id": "q1", "series": "工程", "specialty": "机械电子", "level": "副高",
                      "title": "高级工程师"},
    "unit": {"id": "unit1", "name": "乌鲁木齐某机械有限公司"},
    "committee": {"id": "c1", "name": "自治区工程系列高级评审委员会"},
    "template": TEMPLATE,
    "sections": {
        "basic": {"name": "阿依古丽·买买提", "birth_date": "1985-04-01", "party_member": True},
        "work": {"rows": [{"from": "2008-07", "org": "新疆某研究所", "post": "技术员"},
                          {"from": "2015-03", "org": "乌鲁木齐某机械有限公司", "post": "工程师"}]},
        "education": {"records": [{"year": 2024, "hours": 72, "course": "智能制造"},
                                  {"year": 2025, "hours": 90, "course": "机电一体化"}]},
    },
}

ATTACHMENTS = [
    {"id": "f1", "section": "work", "name": "劳动合同.pdf", "size": 120400,
     "content_type": "application/pdf", "sha256": "ab" * 32, "stored_at": "2026-03-01T10:00:00+08:00"},
]

REVIEW = {
    "route": [{"node": "unit", "org_id": "unit1", "name": "乌鲁木齐某机械有限公司",
               "contact": {"person": "王芳", "phone": "0991-1234567"}, "state": "done"}],
    "opinions": [{"node": "unit", "action": "forward", "text": "材料属实，同意推荐",
                  "at": "2026-03-05T09:00:00+08:00"}],
    "comments": [],
}


def application(**changes):
    app = copy.deepcopy(APPLICATION)
    app.update(changes)
    return with_status_info(app)


def with_status_info(app):
    """The application as applications sends it: with the owner's ``status_info``."""
    return {**app, "status_info": vocabulary.status_info(app["status"])}
