"""Builders shared by the accounts integration tests: valid, unique ID numbers,
credit codes and phones, and ready-made organisations and accounts."""
import itertools
import random
import uuid
from datetime import date, timedelta

from services.accounts.terms import CURRENT_VERSION as TERMS_VERSION
from services.accounts.validators import CREDIT_CHARSET, credit_check_char, id_check_char
from tests.client import expect

_counter = itertools.count(1)
PASSWORD = "Passw0rd-2026"


def fresh_address():
    """A distinct client address per call, sent the way a reverse proxy does, so
    throttling in one test never touches another."""
    n = next(_counter) + random.randrange(0, 60000)
    return {"X-Forwarded-For": f"198.{18 + n // 65000}.{(n // 250) % 250}.{n % 250 + 1}"}


def id_number(region="650102", born=None):
    """A valid GB 11643 number with a random birth date (unless given) and sequence part,
    so a whole test session does not run out of numbers."""
    if born is None:
        born = (date(1960, 1, 1) + timedelta(days=random.randrange(0, 365 * 40))).strftime("%Y%m%d")
    body = f"{region}{born}{random.randrange(0, 1000):03d}"
    return body + id_check_char(body)


def credit_code():
    """A valid GB 32100 code (registered in Urumqi) with a random organisation part."""
    body = "91650100" + "".join(random.choice(CREDIT_CHARSET) for _ in range(9))
    return body + credit_check_char(body)


def phone():
    return "139" + f"{random.randrange(0, 10**8):08d}"


def unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def register_applicant(api, **overrides):
    body = {"id_number": id_number(), "name": "张三", "password": PASSWORD, "phone": phone(),
            "region_code": "650100", "terms_version": TERMS_VERSION, **overrides}
    created = expect(api.post("/register/applicant", json=body, headers=fresh_address()), 201)
    return {**body, **created}


def register_unit(api, **overrides):
    body = {"name": unique("乌鲁木齐测试医院"), "credit_code": credit_code(), "region_code": "650100",
            "password": PASSWORD, "contact_person": "李四", "contact_phone": "0991-1234567",
            "address": "乌鲁木齐市天山区测试路1号", "terms_version": TERMS_VERSION, **overrides}
    created = expect(api.post("/register/unit", json=body, headers=fresh_address()), 201)
    return {**body, **created}


def create_org(api, admin_token, kind="department", **overrides):
    body = {"kind": kind, "name": unique("自治区卫生健康委员会" if kind == "department" else "卫生系列高级评审委员会"),
            "region_code": "650000", "contact": {"person": "王五", "phone": "0991-7654321", "address": "乌鲁木齐市"},
            **overrides}
    return expect(api.post("/admin/organizations", json=body, token=admin_token), 201)


def login(api, username, password=PASSWORD, **extra):
    response = api.post("/auth/login", json={"username": username, "password": password, **extra},
                        headers=fresh_address())
    return expect(response, 200)
