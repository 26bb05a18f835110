from datetime import datetime

import pytest

from services.applications import rules, template_store
from zc_common.clock import PLATFORM_TZ


def at(text):
    return datetime.fromisoformat(text).astimezone(PLATFORM_TZ)


CLOSES = at("2026-06-30T23:59:59+08:00")


@pytest.mark.parametrize("moment, expected", [
    ("2026-06-23T09:00:00+08:00", 7),
    ("2026-06-30T08:00:00+08:00", 0),      # closing day
    ("2026-07-01T00:00:01+08:00", -1),     # 提交已截止1天
    ("2026-07-02T12:00:00+08:00", -2),
    ("2026-06-30T20:00:00+00:00", -1),     # after midnight platform time, although still the 30th in UTC
])
def test_days_to_close_counts_platform_calendar_days(moment, expected):
    assert rules.days_to_close(CLOSES, at(moment)) == expected


def test_days_to_close_is_never_zero_once_closed():
    assert rules.days_to_close(CLOSES, at("2026-06-30T23:59:59.5+08:00")) == -1


@pytest.mark.parametrize("moment, state", [
    ("2026-05-31T23:59:59+08:00", "not_yet"),
    ("2026-06-01T00:00:00+08:00", "open"),
    ("2026-06-30T23:59:59+08:00", "open"),
    ("2026-07-01T00:00:00+08:00", "closed"),
])
def test_window(moment, state):
    assert rules.window_state(at("2026-06-01T00:00:00+08:00"), CLOSES, at(moment)) == state


def test_window_unset_without_settings():
    assert rules.window_state(None, None, at("2026-06-01T00:00:00+08:00")) == "unset"


def test_number_is_rssq_and_eight_digits():
    assert rules.format_number(412104) == "RSSQ00412104"
    assert rules.format_number(1) == "RSSQ00000001"


@pytest.mark.parametrize("action, from_status, to_status, ok", [
    ("submit", "draft", "submitted", True),
    ("submit", "returned", "submitted", True),
    ("submit", "submitted", "submitted", False),
    ("forward", "submitted", "submitted", True),
    ("return", "submitted", "returned", True),
    ("return", "draft", "returned", False),
    ("pass_formal_review", "submitted", "formal_review_passed", True),
    ("fee_paid", "formal_review_passed", "ready_for_meeting", True),
    ("fee_paid", "submitted", "ready_for_meeting", False),
    ("meeting_passed", "ready_for_meeting", "passed", True),
    ("meeting_failed", "ready_for_meeting", "failed", True),
    ("approve", "passed", "approved", True),
    ("approve", "failed", "approved", False),
    ("result_overturned", "passed", "failed", True),
    ("forward", "submitted", "approved", False),   # the right action, the wrong target
    ("teleport", "draft", "approved", False),
])
def test_life_cycle(action, from_status, to_status, ok):
    assert rules.allowed_transition(action, from_status, to_status) is ok


def q(region, specialty, level="副高"):
    return {"region_code": region, "series": "工程系列", "specialty": specialty, "level": level}


def test_localisation_falls_back_to_the_autonomous_region_per_specialty_and_level():
    catalog = [q("650100", "机械电子"), q("650000", "机械电子"), q("650000", "建筑工程"),
               q("650200", "建筑工程"), q("650000", "机械电子", "正高")]
    seen = rules.localised(catalog, "650100")
    assert q("650100", "机械电子") in seen
    assert q("650000", "机械电子") not in seen          # the prefecture has its own committee
    assert q("650000", "建筑工程") in seen              # it has none for this specialty
    assert q("650000", "机械电子", "正高") in seen       # nor for this level
    assert q("650200", "建筑工程") not in seen          # another prefecture's is never offered
    assert rules.localised(catalog, "650000") == [c for c in catalog if c["region_code"] == "650000"]


def test_available_in_follows_localisation():
    triples = {("工程系列", "机械电子", "副高")}
    assert rules.available_in(q("650100", "机械电子"), "650100", triples)
    assert not rules.available_in(q("650000", "机械电子"), "650100", triples)
    assert rules.available_in(q("650000", "建筑工程"), "650100", triples)
    assert not rules.available_in(q("650200", "建筑工程"), "650100", triples)


def test_templates_are_data_per_year_with_the_required_sections():
    assert {2025, 2026} <= set(template_store.available_years())
    required = {"基本信息", "学历学位", "工作经历", "专业技术工作经历", "业绩成果", "论文著作", "继续教育", "奖惩情况"}
    for year in (2025, 2026):
        for level in rules.LEVELS:
            template = template_store.resolve(year, {"level": level, "series": "工程系列"})
            assert required <= {s["title"] for s in template["sections"]}
            for section in template["sections"]:
                assert isinstance(section["attachments_required"], int)
                for field in section["fields"]:
                    assert field["type"] in {"text", "integer", "date", "choice", "boolean", "table"}


def test_template_profiles_differ_by_level_and_year():
    senior = template_store.resolve(2026, {"level": "正高", "series": "工程系列"})
    junior = template_store.resolve(2026, {"level": "初级", "series": "工程系列"})
    old_senior = template_store.resolve(2025, {"level": "正高", "series": "工程系列"})
    assert "representative_works" in [s["key"] for s in senior["sections"]]
    assert "representative_works" not in [s["key"] for s in junior["sections"]]
    assert "representative_works" not in [s["key"] for s in old_senior["sections"]]
    assert senior["version"] == "2026.1" and old_senior["version"] == "2025.1"
    assert template_store.resolve(1999, {"level": "正高"}) is None


def test_a_profile_may_depend_on_the_series_too():
    health = template_store.resolve(2026, {"level": "副高", "series": "卫生系列"})
    engineering = template_store.resolve(2026, {"level": "副高", "series": "工程系列"})
    assert health["profile"] == "卫生系列高级" and engineering["profile"] == "高级"
    attachments = {s["key"]: s["attachments_required"] for s in health["sections"]}
    assert attachments["publications"] == 2
    assert {s["key"]: s["attachments_required"] for s in engineering["sections"]}["publications"] == 1
