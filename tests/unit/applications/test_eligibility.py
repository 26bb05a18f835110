"""申报条件自查: each condition type, the engineering series as shipped, the
初次确定 table, the rules files' checks (file and line), start-up refusing a broken
file, and submit refusing an ineligible application unless the committee allowed
an exception (破格)."""
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from services.applications import eligibility
from tests.unit.applications.conftest import COMMITTEE, UNIT, applicant
from tests.unit.applications.helpers import COMPLETE, enough_attachments, fill, qualification, settings
from zc_common.errors import Invalid, NotFound

TODAY = date(2026, 6, 15)
NAMES = {"初级": ["助理工程师"], "中级": ["工程师"], "副高": ["高级工程师"], "正高": ["正高级工程师"]}
ENGINEERING = {"series": "工程系列", "region_code": "650000"}


def facts(degrees=(), basic=None, ce=(), declared=(), attachments=None, sections=None, year=2026):
    secs = {"education": {"degrees": list(degrees)}, "basic_info": basic or {},
            "continuing_education": {"records": list(declared)}, **(sections or {})}
    return eligibility.facts(secs, ce, attachments or {}, year, today=TODAY)


def one(condition, f):
    return eligibility.evaluate([condition], f, NAMES)[0]


def degree(education, graduated_on="2010-07-01"):
    return {"education": education, "graduated_on": graduated_on}


# -- each condition type ---------------------------------------------------------

def test_education_is_the_highest_degree_at_or_above_the_minimum():
    condition = {"type": "education", "min": "本科"}
    assert one(condition, facts([degree("大专"), degree("硕士研究生")]))["met"]
    low = one(condition, facts([degree("大专")]))
    assert not low["met"] and "低于本科" in low["reason"]
    assert "尚未填写" in one(condition, facts([]))["reason"]


def test_years_since_graduation_counts_whole_years_to_today():
    condition = {"type": "years_since_graduation", "education": "本科", "min_years": 1}
    assert one(condition, facts([degree("本科", "2025-06-15")]))["met"]
    short = one(condition, facts([degree("本科", "2025-06-16")]))
    assert not short["met"] and "不满 1 年" in short["reason"]
    # a higher degree's graduation counts for a lower minimum
    assert one(condition, facts([degree("硕士研究生", "2020-07-01")]))["met"]
    assert not one(condition, facts([degree("大专", "2000-07-01")]))["met"]


def test_title_years_reads_the_current_title_and_its_date():
    condition = {"type": "title_years", "level": "中级", "min_years": 5}
    def held(title, since):
        return facts(basic={"current_title": title, "current_title_obtained_on": since})
    assert one(condition, held("工程师", "2021-06-15"))["met"]
    assert not one(condition, held("工程师", "2021-06-16"))["met"]
    low = one(condition, facts(basic={"current_title": "助理工程师", "current_title_obtained_on": "2000-01-01"}))
    assert not low["met"] and "低于" in low["reason"]
    # 高级工程师 is not read as 工程师: the longest name wins, and a higher title counts
    assert one(condition, held("高级工程师", "2010-01-01"))["met"]
    assert "无法识别" in one(condition, facts(basic={"current_title": "讲师",
                                                    "current_title_obtained_on": "2010-01-01"}))["reason"]
    assert "未填写现任" in one(condition, facts())["reason"]
    assert eligibility.title_level("正高级工程师", NAMES) == "正高"


def test_ce_hours_sums_records_and_undeclared_rows_within_the_years():
    condition = {"type": "ce_hours", "years": 3, "min_hours": 270}
    records = [(2026, "甲", 100), (2025, "乙", 100), (2023, "太早", 500)]
    short = one(condition, facts(ce=records))
    assert not short["met"] and "2024—2026 年共 200 学时，还差 70 学时" == short["reason"]
    # a declared row counts unless a record of the same year and course already does
    declared = [{"year": 2026, "course": "甲", "hours": 100}, {"year": 2024, "course": "丙", "hours": 70}]
    assert one(condition, facts(ce=records, declared=declared))["met"]


def test_attachments_and_field_at_least():
    attached = {"type": "attachments", "section": "education", "min": 2}
    assert one(attached, facts(attachments={"education": 2}))["met"]
    assert "还需 1 个" in one(attached, facts(attachments={"education": 1}))["reason"]
    served = {"type": "field_at_least", "section": "fanghuiju", "field": "service_years", "min": 3}
    assert one(served, facts(sections={"fanghuiju": {"service_years": 3}}))["met"]
    assert not one(served, facts(sections={"fanghuiju": {"service_years": 2}}))["met"]
    assert "尚未填写" in one(served, facts())["reason"]
    # the number is said with what it counts (it read "已填写 3")
    counted = {**served, "unit": "年"}
    assert one(counted, facts(sections={"fanghuiju": {"service_years": 3}}))["reason"] == "已填写 3 年"
    assert one(counted, facts(sections={"fanghuiju": {"service_years": 2}}))["reason"] == "已填写 2 年，不足 3 年"


def test_any_of_is_met_by_one_option_and_says_what_the_closest_lacks():
    condition = {"type": "any_of", "options": [
        [{"type": "education", "min": "博士研究生"}],
        [{"type": "education", "min": "大专"}, {"type": "title_years", "level": "初级", "min_years": 4}]]}
    item = one(condition, facts([degree("本科")], basic={"current_title": "助理工程师",
                                                         "current_title_obtained_on": "2024-01-01"}))
    assert not item["met"] and "不满 4 年" in item["reason"] and len(item["options"]) == 2
    assert item["reason"].startswith("2 种方式均未满足，最接近的方式2：")
    # a tie names the first option as such, not as the only way to qualify
    tied = one(condition, facts([degree("中专")]))
    assert tied["reason"].startswith("2 种方式均未满足，最接近的方式1：学历博士研究生及以上"), tied["reason"]
    assert one(condition, facts([degree("博士研究生")]))["met"]


# -- the shipped engineering series and the 初次确定 table -------------------------------

def check(level, kind, degrees=(), basic=None, ce=(), attachments=None):
    secs = {"education": {"degrees": list(degrees)}, "basic_info": basic or {}}
    return eligibility.checklist({**ENGINEERING, "level": level}, kind, secs, ce,
                                 {"education": 1} if attachments is None else attachments, 2026, today=TODAY)


@pytest.mark.parametrize("degrees,level,eligible", [
    ([degree("本科", "2025-06-01")], "初级", True),      # 本科 + 1 year → 助理级
    ([degree("本科", "2025-09-01")], "初级", False),     # not yet a year
    ([degree("大专", "2023-06-01")], "初级", True),      # 大专 + 3 years → 助理级
    ([degree("硕士研究生", "2026-06-01")], "初级", True),  # 硕士 → 助理级 at once
    ([degree("硕士研究生", "2023-06-01")], "中级", True),  # 硕士 + 3 years → 中级
    ([degree("硕士研究生", "2024-06-01")], "中级", False),
    ([degree("博士研究生", "2026-06-01")], "中级", True),  # 博士 → 中级
    ([degree("本科", "2000-06-01")], "中级", False),     # 本科 alone never reaches 中级 by 初次确定
])
def test_the_initial_determination_table(degrees, level, eligible):
    result = check(level, "初次确定", degrees)
    assert result["kind"] == "initial" and result["eligible"] is eligible, result["items"]


def test_engineering_review_levels():
    senior = {"current_title": "高级工程师", "current_title_obtained_on": "2019-01-01"}
    engineer = {"current_title": "工程师", "current_title_obtained_on": "2019-01-01"}
    ce = [(2024, "a", 90), (2025, "b", 90), (2026, "c", 90)]
    assert check("副高", "评审", [degree("本科")], engineer, ce)["eligible"]
    assert check("正高", "评审", [degree("本科")], senior, ce)["eligible"]
    refused = check("正高", "评审", [degree("本科")], engineer, ce[:1])
    assert [i["key"] for i in eligibility.failing(refused)] == ["title_years", "continuing_education"]
    no_scan = check("副高", "评审", [degree("本科")], engineer, ce, attachments={})
    assert [i["key"] for i in eligibility.failing(no_scan)] == ["degree_certificate"]
    # a series without a rules file: nothing to check, says so
    other = eligibility.checklist({"series": "卫生系列", "level": "中级", "region_code": "650000"}, "评审",
                                  {}, [], {}, 2026, today=TODAY)
    assert other["eligible"] and other["rules"] is None and other["note"]


def test_a_regions_own_file_comes_before_the_one_for_every_region(tmp_path):
    (tmp_path / "kashgar.json").write_text(
        '{"series": "工程系列", "region_code": "653100", "levels": {"初级": {"*": []}}}', encoding="utf-8")
    catalog = eligibility.load([eligibility.RULES_DIR, tmp_path])
    document, conditions = eligibility.rules_for(catalog, "工程系列", "初级", "评审", "653100")
    assert document["source"] == "kashgar.json" and conditions == []
    document, conditions = eligibility.rules_for(catalog, "工程系列", "初级", "评审", "650100")
    assert document["source"] == "engineering.json" and conditions


# -- the files' own checks ---------------------------------------------------------------------

@pytest.mark.parametrize("text,line,words", [
    ('{\n  "series": "工程系列",\n  "levels": {\n    "初级": {"review": [\n      {"type": "education", "min": 本科}\n'
     '    ]}\n  }\n}\n', 5, "不是有效的 JSON"),
    ('{\n  "series": "工程系列",\n  "levels": {\n    "初级": {"review": [\n'
     '      {"type": "education", "min": "本科"},\n      {"type": "moon_phase"}\n    ]}\n  }\n}\n',
     6, "未知的条件类型「moon_phase」"),
    ('{\n  "series": "工程系列",\n  "levels": {"初级": {"review": [\n    {"type": "ce_hours",\n'
     '     "years": 3, "min_hours": "many"}]}}\n}\n', 4, "min_hours"),
    ('{"series": "工程系列",\n "levels": {"特级": {}}}\n', 2, "未知的级别「特级」"),
    ('{"series": "工程系列",\n "levels": {"初级": {"whatever": []}}}\n', 2, "未知的申报类型"),
])
def test_a_broken_file_is_refused_with_its_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(eligibility.RulesError) as caught:
        eligibility.parse_file(path)
    assert str(caught.value).startswith(f"{path}:{line}: ") and words in str(caught.value)


def test_two_files_for_one_series_and_region_are_refused(tmp_path):
    (tmp_path / "copy.json").write_text((eligibility.RULES_DIR / "engineering.json").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    with pytest.raises(eligibility.RulesError, match="重复"):
        eligibility.load([eligibility.RULES_DIR, tmp_path])


def test_start_up_stops_on_a_file_that_does_not_parse(tmp_path):
    (tmp_path / "region.json").write_text('{"series": "工程系列",\n "region_code": "653100",\n "levels": {,}}\n',
                                          encoding="utf-8")
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "ZC_ELIGIBILITY_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "import services.applications.service"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"{tmp_path / 'region.json'}:3: 不是有效的 JSON" in done.stderr


# -- submit, the exception and what reviewers read ---------------------------------------------

def test_submit_refuses_an_ineligible_application_until_the_committee_allows_it(service):
    settings(service)
    q = qualification(service, level="正高")  # COMPLETE's applicant is an 工程师: not yet 正高
    actor = applicant()
    app = service.create_application(actor, {"qualification_id": q["id"], "unit_id": UNIT, "year": 2026})
    fill(service, actor, app)
    service.documents.list_attachments.return_value = enough_attachments(app)
    listed = service.eligibility(actor, app["id"])
    assert not listed["eligible"] and not listed["may_submit"]
    assert [i["key"] for i in eligibility.failing(listed)] == ["title_years"]
    with pytest.raises(Invalid) as refused:
        service.submit(actor, app["id"])
    assert refused.value.code == "not_eligible" and refused.value.extra["condition"] == "title_years"
    assert "取得副高级职称后满 5 年" in refused.value.message
    assert service.get_application(actor, app["id"])["status"] == "draft"

    staff = {"id": "s" * 32, "name": "委员会工作人员", "role": "committee_staff", "org_id": COMMITTEE}
    stranger = {**staff, "org_id": "x" * 32}
    with pytest.raises(NotFound):
        service.allow_eligibility_exception(stranger, app["id"], "业绩突出")
    with pytest.raises(Invalid):
        service.allow_eligibility_exception(staff, app["id"], "  ")
    allowed = service.allow_eligibility_exception(staff, app["id"], "业绩特别突出，破格申报")
    assert allowed["reason"] == "业绩特别突出，破格申报"
    seen = service.eligibility_internal(app["id"], {"education": 1})
    assert not seen["eligible"] and seen["may_submit"] and seen["exception"]["by"]["org_id"] == COMMITTEE
    done = service.submit(actor, app["id"])
    assert done["status"] == "submitted"
    assert [h["action"] for h in done["history"]] == ["eligibility_exception", "submit"]


def test_an_eligible_application_submits_and_keeps_a_snapshot(service):
    settings(service)
    q = qualification(service, level="副高")
    actor = applicant()
    app = service.create_application(actor, {"qualification_id": q["id"], "unit_id": UNIT, "year": 2026})
    fill(service, actor, app)
    service.documents.list_attachments.return_value = enough_attachments(app)
    assert service.eligibility(actor, app["id"])["eligible"]
    assert service.submit(actor, app["id"])["status"] == "submitted"
    assert COMPLETE["basic_info"]["current_title"] == "工程师"
    changes = service.changes(actor, app["id"])
    assert changes["to_submission"] == 1 and changes["sections"] == []


# -- what each item says, as codes and values (the page renders them in its language) --

def test_each_item_says_its_label_and_reason_as_a_code_with_values():
    low = one({"type": "education", "min": "本科"}, facts([degree("大专")]))
    assert low["said"] == {"label": {"code": "education", "values": {"education": "本科"}},
                           "reason": {"code": "education_low", "values": {"best": "大专", "education": "本科"}}}
    short = one({"type": "ce_hours", "years": 3, "min_hours": 270},
                facts(ce=[(2024, "a", 100), (2026, "b", 100)]))
    assert short["said"]["reason"] == {"code": "ce_short",
                                       "values": {"first": 2024, "last": 2026, "total": 200, "short": 70}}
    graduated = one({"type": "years_since_graduation", "education": "本科", "min_years": 1},
                    facts([degree("本科", "2020-07-01")]))
    assert graduated["said"]["reason"] == {"code": "graduated_met", "values": {"since": "2020-07-01", "years": 5}}
    # a rules file's own label is its own words: no code for it (the page looks the words up)
    named = one({"type": "attachments", "section": "education", "min": 1, "label": "学历学位证书扫描件"}, facts())
    assert named["said"] == {"label": None, "reason": {"code": "attachments_short", "values": {"have": 0, "short": 1}}}


def test_any_of_says_which_option_met_or_came_closest():
    condition = {"type": "any_of", "options": [
        [{"type": "education", "min": "博士研究生"}],
        [{"type": "years_since_graduation", "education": "本科", "min_years": 4}]]}
    unmet = one(condition, facts([degree("本科", "2024-07-01")]))
    assert unmet["said"] == {"label": {"code": "any_of", "values": {}},
                             "reason": {"code": "any_of_unmet", "values": {"option": 1, "count": 2}}}
    met = one(condition, facts([degree("本科", "2020-07-01")]))
    assert met["said"]["reason"] == {"code": "any_of_met", "values": {"option": 2}}
    assert met["options"][1]["items"][0]["said"]["reason"]["code"] == "graduated_met"
