"""The format rules, against published examples and one-character changes."""
import pytest

from services.accounts import validators
from zc_common.errors import Invalid


def test_published_id_number_is_valid():
    assert validators.id_number("11010519491231002X") == "11010519491231002X"
    assert validators.id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("number", [
    "110105194912310021",   # check character changed
    "11010519491231003X",   # a digit changed, check no longer matches
    "11010519491331002X",   # month 13
    "1101051949123100",     # too short
    "11010519491231002Y",   # not a digit or X
    "00010519491231002X",   # province 00 does not exist
    "99010519491231002X",   # province 99 does not exist
    "",
])
def test_broken_id_numbers_are_refused(number):
    with pytest.raises(Invalid) as caught:
        validators.id_number(number)
    assert caught.value.code == "invalid_id_number"
    assert caught.value.field == "id_number"


def _with_check(body):
    total = sum(int(d) * w for d, w in zip(body, validators.ID_WEIGHTS))
    return body + validators.ID_CHECK[total % 11]


@pytest.mark.parametrize("province", ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
                                      "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
                                      "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"])
def test_every_province_level_prefix_is_known(province):
    prefix = {"71": "710000", "81": "810000", "82": "820000"}.get(province)
    if prefix is None:
        prefix = next(code + "01" for code in sorted(validators.prefecture_codes()) if code.startswith(province))
    assert validators.id_number(_with_check(prefix + "19800101123"))


def test_unknown_prefecture_and_future_birth_are_refused():
    with pytest.raises(Invalid, match="地区码"):
        validators.id_number(_with_check("659901" + "19800101123"))  # no prefecture 99 in Xinjiang
    with pytest.raises(Invalid, match="出生日期"):
        validators.id_number(_with_check("650102" + "20991231123"))
    with pytest.raises(Invalid, match="出生日期"):
        validators.id_number(_with_check("650102" + "19800230123"))


def test_xinjiang_prefectures_of_the_region_table_are_known():
    from services.accounts.regions import regions
    for region in regions():
        assert region["code"][:4] in validators.prefecture_codes()


def test_published_credit_code_is_valid():
    assert validators.credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert validators.credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",   # check character changed
    "91350100M000100Y4I",   # I is not in the charset
    "91350100M0001O0Y43",   # O is not in the charset
    "91350100S000100Y43",   # S is not in the charset
    "91350100M000100Y4",    # too short
    "9135A100M000100Y43",   # region part not digits
])
def test_broken_credit_codes_are_refused(code):
    with pytest.raises(Invalid) as caught:
        validators.credit_code(code)
    assert caught.value.code == "invalid_credit_code"


def test_mobile_numbers():
    assert validators.mobile("13912345678") == "13912345678"
    assert validators.mobile("+86 139-1234-5678") == "13912345678"
    for bad in ("12912345678", "1391234567", "139123456789", "abc"):
        with pytest.raises(Invalid) as caught:
            validators.mobile(bad)
        assert caught.value.code == "invalid_phone"


def test_contact_phone_accepts_landlines():
    assert validators.contact_phone("0991-1234567") == "0991-1234567"
    assert validators.contact_phone("13912345678") == "13912345678"
    with pytest.raises(Invalid):
        validators.contact_phone("1234")


def test_password_policy():
    assert validators.password("abcd1234")
    for bad in ("abc123", "abcdefgh", "12345678"):
        with pytest.raises(Invalid) as caught:
            validators.password(bad)
        assert caught.value.code == "weak_password"
    with pytest.raises(Invalid):
        validators.password("zhangsan1", username="zhangsan1")
    with pytest.raises(Invalid):
        validators.password("a11010519491231002X", id_number_value="11010519491231002X")


def test_unit_names_compare_after_width_and_space_folding():
    assert validators.name_key("乌鲁木齐 ＡＢＣ 医院（一）") == validators.name_key("乌鲁木齐ABC医院(一)")
    assert validators.name_key("Ａ　Ｂ") == validators.name_key("ab")
    assert validators.name_key("第一医院") != validators.name_key("第二医院")


def test_email():
    assert validators.email("Zhang@Example.cn") == "zhang@example.cn"
    with pytest.raises(Invalid):
        validators.email("zhang@")


@pytest.mark.parametrize("text", ["张\x00三", "bad \udfff", "\x1b[31m红"])
def test_required_text_refuses_what_cannot_be_stored(text):
    with pytest.raises(Invalid) as caught:
        validators.required_text(text, "name", "姓名", 64)
    assert (caught.value.code, caught.value.field) == ("invalid_text", "name")
    assert validators.required_text(" 张三\t", "name", "姓名", 64) == "张三"


@pytest.mark.parametrize("written", ["阿不都·热合曼", "阿不都 • 热合曼", "阿不都．热合曼", "阿不都･热合曼",
                                     "阿不都・热合曼", "阿不都‧热合曼", " 阿不都.热合曼 ", "阿不都\u3000热合曼"])
def test_person_names_compare_without_spaces_and_middle_dots(written):
    assert validators.person_name_key(written) == validators.person_name_key("阿不都热合曼")


def test_person_names_that_differ_stay_different():
    assert validators.person_name_key("张三") != validators.person_name_key("张山")
    assert validators.person_name_key("ＡＢＣ 医院") == validators.person_name_key("abc医院")
