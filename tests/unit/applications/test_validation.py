import pytest

from services.applications import template_store, validation
from zc_common.errors import Invalid

TEMPLATE = template_store.resolve(2026, {"level": "副高", "series": "工程系列"})


def section(key):
    return template_store.section_of(TEMPLATE, key)


def refused(key, data):
    with pytest.raises(Invalid) as caught:
        validation.check_section(section(key), data)
    assert caught.value.code == "invalid_field"
    assert caught.value.message
    return caught.value.field


def test_a_partly_filled_section_may_be_saved():
    assert validation.check_section(section("basic_info"), {"name": " 张三 "}) == {"name": "张三"}


@pytest.mark.parametrize("data, field", [
    ({"name": "张" * 51}, "name"),                          # text max_length
    ({"name": 5}, "name"),                                   # text type
    ({"years_in_profession": 61}, "years_in_profession"),    # integer max
    ({"years_in_profession": -1}, "years_in_profession"),    # integer min
    ({"years_in_profession": "15"}, "years_in_profession"),  # integer type
    ({"years_in_profession": True}, "years_in_profession"),  # a boolean is no integer
    ({"birth_date": "1985-02-30"}, "birth_date"),            # no such day
    ({"birth_date": "1985/03/12"}, "birth_date"),            # format
    ({"gender": "未知"}, "gender"),                           # choice
    ({"is_grassroots": "yes"}, "is_grassroots"),             # boolean
    ({"nickname": "x"}, "nickname"),                         # not in the template
])
def test_a_field_breaking_its_template_is_named(data, field):
    assert refused("basic_info", data) == field


def test_a_table_cell_is_named_by_row_and_column():
    good = {"school": "新疆大学", "major": "机械", "education": "本科", "graduated_on": "2007-07-01"}
    bad = {**good, "graduated_on": "2007-13-01"}
    assert refused("education", {"degrees": [good, bad]}) == "degrees[1].graduated_on"
    assert refused("education", {"degrees": [good, {**good, "color": "red"}]}) == "degrees[1].color"
    assert refused("education", {"degrees": "新疆大学"}) == "degrees"
    assert refused("education", {"degrees": [good, "row"]}) == "degrees[1]"


def test_missing_items_lists_required_fields_cells_and_attachments():
    sections = {"education": {"degrees": [{"school": "新疆大学", "education": "本科"}]}}
    missing = validation.missing_items(TEMPLATE, sections, {"basic_info": 1}, ["work_history"])
    assert {"section": "basic_info", "field": "name"} in missing
    assert {"section": "education", "field": "degrees[0].major"} in missing
    assert {"section": "education", "field": "degrees[0].graduated_on"} in missing
    assert {"section": "education", "attachment": "至少需上传 1 个附件（已上传 0 个）",
            "need": "1", "have": "0"} in missing
    assert {"section": "achievements", "attachment": "至少需上传 2 个附件（已上传 0 个）",
            "need": "2", "have": "0"} in missing
    assert {"section": "publications", "field": "items"} in missing   # required for senior titles
    assert {"section": "work_history", "reason": "更改资格后该栏目需重新检查并保存",
            "reason_code": "needs_review"} in missing
    assert not [m for m in missing if m["section"] in ("basic_info", "work_history") and "attachment" in m]


@pytest.mark.parametrize("text", ["bad \udfff", "nul\x00", "esc\x1b"])
def test_text_that_cannot_be_stored_is_refused_by_the_service_too(text):
    with pytest.raises(Invalid) as caught:
        validation.check_section(section("basic_info"), {"name": text})
    assert (caught.value.code, caught.value.field) == ("invalid_text", "name")


def test_tab_and_newlines_are_ordinary_text():
    assert validation.check_section(section("basic_info"), {"name": "张\t三"}) == {"name": "张\t三"}


def test_an_unset_required_switch_is_an_answer_not_a_missing_item():
    # The form shows a yes/no switch as 否 until it is turned on; counting it unfilled
    # made applicants toggle it twice to submit.
    template = {"sections": [{"key": "s", "title": "栏目", "fields": [
        {"key": "agree", "label": "是否同意", "type": "boolean", "required": True},
        {"key": "name", "label": "姓名", "type": "text", "required": True},
    ]}]}
    missing = validation.missing_items(template, {"s": {}}, {})
    assert missing == [{"section": "s", "field": "name"}]


def test_two_experts_recommend_a_special_talent():
    """特殊人才认定 needs two experts' recommendations: one listed expert (with two scans)
    was enough to submit."""
    template = template_store.resolve(2026, {"level": "副高", "series": "工程系列"}, "特殊人才认定")
    one = {"name": "王教授", "title": "正高级工程师", "organization": "新疆大学"}
    short = validation.missing_items(template, {"recommendation_letters": {"experts": [one]}},
                                     {"recommendation_letters": 2})
    assert {"section": "recommendation_letters", "reason": "「推荐专家」至少需填写 2 行（已填写 1 行）",
            "reason_code": "min_rows", "table": "experts", "need": "2", "have": "1"} in short
    two = {"experts": [one, {**one, "name": "李研究员"}]}
    enough = validation.missing_items(template, {"recommendation_letters": two}, {"recommendation_letters": 2})
    assert not [m for m in enough if m["section"] == "recommendation_letters"]
