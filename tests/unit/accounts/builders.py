"""Valid, unique inputs for the accounts unit tests."""
import random

from tests.integration.accounts_helpers import PASSWORD, TERMS_VERSION, credit_code, id_number, phone

__all__ = ["PASSWORD", "TERMS_VERSION", "credit_code", "id_number", "phone"]


def applicant(**overrides):
    return {"id_number": id_number(), "name": "张三", "password": PASSWORD, "phone": phone(),
            "region_code": "650100", "terms_version": TERMS_VERSION, **overrides}


def unit(**overrides):
    return {"name": f"测试医院{random.randrange(10**6)}", "credit_code": credit_code(), "region_code": "650100",
            "password": PASSWORD, "contact_person": "李四", "contact_phone": "0991-1234567",
            "address": "乌鲁木齐市", "terms_version": TERMS_VERSION, **overrides}


def organization(kind="department", **overrides):
    return {"kind": kind, "name": f"部门{random.randrange(10**6)}", "region_code": "650000",
            "contact": {"person": "王五", "phone": "0991-7654321"}, **overrides}
