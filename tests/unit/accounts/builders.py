"""Valid, unique inputs for the accounts unit tests."""
import random

from services.accounts.validators import CREDIT_CHARSET, CREDIT_WEIGHTS, ID_CHECK, ID_WEIGHTS

PASSWORD = "Passw0rd-2026"


def id_number(region="650102", born="19850312"):
    body = f"{region}{born}{random.randrange(0, 1000):03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


def credit_code():
    body = "91650100" + "".join(random.choice(CREDIT_CHARSET) for _ in range(9))
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    return body + CREDIT_CHARSET[(31 - total % 31) % 31]


def phone():
    return "139" + f"{random.randrange(0, 10**8):08d}"


def applicant(**overrides):
    return {"id_number": id_number(), "name": "张三", "password": PASSWORD, "phone": phone(),
            "region_code": "650100", **overrides}


def unit(**overrides):
    return {"name": f"测试医院{random.randrange(10**6)}", "credit_code": credit_code(), "region_code": "650100",
            "password": PASSWORD, "contact_person": "李四", "contact_phone": "0991-1234567",
            "address": "乌鲁木齐市", **overrides}


def organization(kind="department", **overrides):
    return {"kind": kind, "name": f"部门{random.randrange(10**6)}", "region_code": "650000",
            "contact": {"person": "王五", "phone": "0991-7654321"}, **overrides}
