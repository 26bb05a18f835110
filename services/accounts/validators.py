"""Checks on what people type: resident ID numbers (GB 11643), unified social
credit codes (GB 32100), phone numbers, passwords, unit names. Plain functions
raising ``Invalid`` with the field and a Chinese message, so they test alone."""
import re
from datetime import date
from functools import lru_cache
from importlib import resources

from zc_common.errors import Invalid

# Names are compared the same way wherever a person is identified (accounts, certificates).
from zc_common.text import INVALID_TEXT_MESSAGE, NAME_SEPARATORS, is_storable, name_key, person_name_key  # noqa: F401

# GB/T 2260 province-level codes (71 台湾, 81 香港, 82 澳门; 83 is used on
# residence permits for Taiwan residents).
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区", "83": "台湾地区（居住证）",
}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@lru_cache(maxsize=1)
def prefecture_codes():
    """Every 4-digit province+prefecture prefix GB/T 2260 has ever assigned (current
    and historical, since an ID keeps the code of where it was first issued). The
    table ships with python-stdnum (cn/loc.dat, compiled from GB/T 2260)."""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    codes, province = set(), None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
        elif province:
            codes.add(province + line.split()[0][:2])
    return frozenset(codes)


def id_check_char(first17):
    """GB 11643 check character of the first 17 digits."""
    return ID_CHECK[sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS)) % 11]


def credit_check_char(first17):
    """GB 32100 check character of the first 17 characters."""
    total = sum(CREDIT_CHARSET.index(char) * weight for char, weight in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def id_number(value, field="id_number"):
    """A GB 11643 citizen identity number → its canonical form (upper-case X)."""
    number = (value or "").strip().upper()

    def bad(reason):
        return Invalid("invalid_id_number", f"身份证号码不正确：{reason}", field=field)

    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise bad("应为18位，前17位为数字，最后一位为数字或X")
    if number[:2] not in PROVINCES:
        raise bad("地区码不存在")
    if number[:2] not in ("71", "81", "82", "83") and number[:4] not in prefecture_codes():
        raise bad("地区码不存在")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise bad("出生日期不存在") from exc
    from zc_common.clock import now
    if born > now().date() or born.year < 1900:
        raise bad("出生日期不合理")
    if id_check_char(number[:17]) != number[17]:
        raise bad("校验码错误")
    return number


def credit_code(value, field="credit_code"):
    """A GB 32100 unified social credit code → its canonical form (upper case)."""
    code = (value or "").strip().upper()

    def bad(reason):
        return Invalid("invalid_credit_code", f"统一社会信用代码不正确：{reason}", field=field)

    if len(code) != 18:
        raise bad("应为18位")
    if any(char not in CREDIT_CHARSET for char in code):
        raise bad("含有不允许的字符（不使用 I、O、S、V、Z）")
    if not code[2:8].isdigit():
        raise bad("第3至8位应为登记管理机关行政区划码")
    if credit_check_char(code[:17]) != code[17]:
        raise bad("校验码错误")
    return code


def mobile(value, field="phone"):
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    if not MOBILE.match(number):
        raise Invalid("invalid_phone", "手机号码格式不正确（应为11位大陆手机号）", field=field)
    return number


def contact_phone(value, field="contact_phone"):
    """A unit's or office's phone: a mobile or a landline with area code."""
    text = (value or "").strip()
    if MOBILE.match(re.sub(r"[\s-]", "", text)):
        return re.sub(r"[\s-]", "", text)
    if LANDLINE.match(text.replace(" ", "")):
        return text.replace(" ", "")
    raise Invalid("invalid_phone", "联系电话格式不正确（手机号或带区号的固定电话）", field=field)


def email(value, field="email"):
    text = (value or "").strip()
    if len(text) > 200 or not EMAIL.match(text):
        raise Invalid("invalid_email", "电子邮箱格式不正确", field=field)
    return text.lower()


def password(value, username=None, id_number_value=None, field="password"):
    """At least 8 characters with letters and digits, not the username or ID number."""
    text = value or ""
    if len(text) < 8 or len(text) > 128:
        raise Invalid("weak_password", "密码长度应为8至128位", field=field)
    if not re.search(r"[A-Za-z]", text) or not re.search(r"\d", text):
        raise Invalid("weak_password", "密码须同时包含字母和数字", field=field)
    lowered = text.lower()
    for forbidden in (username, id_number_value):
        if forbidden and (lowered == forbidden.lower() or forbidden.lower() in lowered):
            raise Invalid("weak_password", "密码不能包含用户名或身份证号", field=field)
    return text


def required_text(value, field, label, max_length=200):
    text = (value or "").strip()
    if not text:
        raise Invalid("invalid_field", f"{label}不能为空", field=field)
    if len(text) > max_length:
        raise Invalid("invalid_field", f"{label}过长（最多{max_length}字）", field=field)
    if not is_storable(text):  # PostgreSQL refuses NUL; a lone surrogate breaks every later read
        raise Invalid("invalid_text", f"{label}{INVALID_TEXT_MESSAGE}", field=field)
    return text


def username(value, field="username"):
    text = (value or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{4,32}", text):
        raise Invalid("invalid_username", "用户名应为4至32位字母、数字、下划线、点或连字符", field=field)
    return text
