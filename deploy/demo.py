"""The demo data set, loaded through the gateway as a real operator would: review
committees per title series, a chain of departments (乌鲁木齐市人社局 → 自治区人社厅
职称处), the starter catalog of qualifications with their conditions, committee
settings with an open window, staff accounts, a complete base unit, an applicant and
two notices (通知公告, 纸质材料报送要求).

Idempotent: once loaded (a marker in ZC_DATA_DIR), it only reprints the logins.
"""
import csv
import json
from datetime import timedelta
from pathlib import Path

import requests

from services.accounts.terms import CURRENT_VERSION as TERMS_VERSION
from services.accounts.validators import credit_check_char, id_check_char
from zc_common.clock import now

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo2026zc"
AUTONOMOUS_REGION = "650000"
URUMQI = "650100"

COMMITTEES = {  # series -> committee name and contact
    "工程系列": ("自治区工程系列高级职称评审委员会", "马建国", "0991-2345601", "乌鲁木齐市天山区光明路1号"),
    "卫生系列": ("自治区卫生系列高级职称评审委员会", "古丽娜", "0991-2345602", "乌鲁木齐市沙依巴克区友好北路2号"),
    "教育系列": ("自治区教育系列职称评审委员会", "王明", "0991-2345603", "乌鲁木齐市新市区北京南路3号"),
    "经济系列": ("自治区经济系列职称评审委员会", "李娟", "0991-2345604", "乌鲁木齐市天山区中山路4号"),
    "会计系列": ("自治区会计系列职称评审委员会", "张伟", "0991-2345605", "乌鲁木齐市水磨沟区南湖路5号"),
    "农业系列": ("自治区农业系列职称评审委员会", "阿不都", "0991-2345606", "乌鲁木齐市沙依巴克区南昌路6号"),
}
FEE_FEN = {"初级": 10000, "中级": 20000, "副高": 30000, "正高": 40000}
CONDITIONS = ("申报{title}任职资格，应遵守国家法律法规，具有良好的职业道德；具备相应学历和专业工作年限"
              "（详见自治区人力资源和社会保障厅最新发布的{series}{level}任职资格条件）；"
              "近五年继续教育学时达标，业绩成果符合评审标准。")


class DemoClient:
    def __init__(self, base_url):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.http = requests.Session()
        self.token = None

    def call(self, method, path, body=None, token=None):
        headers = {"Authorization": f"Bearer {token or self.token}"} if (token or self.token) else {}
        response = self.http.request(method, self.base + path, json=body, headers=headers, timeout=60)
        if response.status_code >= 400:
            raise RuntimeError(f"demo data: {method} {path} → {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def login(self, username, password):
        return self.call("POST", "/auth/login", {"username": username, "password": password})["token"]


def demo_id_number():
    body = "65010219850312001"  # 乌鲁木齐市天山区, born 1985-03-12
    return body + id_check_char(body)


def demo_credit_code():
    body = "91650100MA78DEMX1"  # registered in 乌鲁木齐
    return body + credit_check_char(body)


def saved_logins(marker):
    """The demo logins of an earlier start. A file from before the admin's password
    was kept out of it is rewritten without it."""
    rows = [tuple(row) for row in json.loads(marker.read_text())]
    kept = [row for row in rows if row[1] != "admin"]
    if kept != rows or marker.stat().st_mode & 0o077:
        save_logins(marker, kept)
    return kept


def save_logins(marker, logins):
    """The demo accounts' logins (all share the demo password), owner-readable only.
    Never the admin's: that one is ZC_ADMIN_PASSWORD or ZC_DATA_DIR/admin-password."""
    from deploy.launcher import write_private
    write_private(marker, json.dumps([row for row in logins if row[1] != "admin"], ensure_ascii=False))


def load(base_url, admin_password, data_dir):
    """Load the demo data set once; returns the demo logins (not the admin's)."""
    marker = Path(data_dir) / "demo-logins.json"
    if marker.exists():
        return saved_logins(marker)
    client = DemoClient(base_url)
    client.token = client.login("admin", admin_password)
    logins = []

    def organization(kind, name, region, person, phone, address=None, parent_id=None):
        return client.call("POST", "/admin/organizations", {
            "kind": kind, "name": name, "region_code": region, "parent_id": parent_id,
            "contact": {"person": person, "phone": phone, "address": address}})

    def staff(org, username, name, role):
        client.call("POST", f"/admin/organizations/{org['id']}/staff",
                    {"username": username, "password": PASSWORD, "name": name, "phone": "13899990000"})
        logins.append((role, username, PASSWORD))

    receiving = organization("department", "自治区人力资源和社会保障厅职称处", AUTONOMOUS_REGION,
                             "周红", "0991-2345600", "乌鲁木齐市天山区新华北路9号")
    city = organization("department", "乌鲁木齐市人力资源和社会保障局", URUMQI, "刘强", "0991-4567800",
                        "乌鲁木齐市新市区长春南路8号", parent_id=receiving["id"])
    staff(receiving, "demo_rst", "周红", "department_staff")
    staff(city, "demo_urumqi", "刘强", "department_staff")

    opens, closes = now() - timedelta(days=1), now() + timedelta(days=60)
    committees = {}
    for series, (name, person, phone, address) in COMMITTEES.items():
        committee = organization("committee", name, AUTONOMOUS_REGION, person, phone, address)
        committees[series] = committee
        client.call("PUT", f"/admin/committees/{committee['id']}/settings", {
            "submit_opens_at": opens.isoformat(), "submit_closes_at": closes.isoformat(),
            "max_submissions": 3, "fee_fen": 30000, "receiving_department_ids": [receiving["id"]],
            "meeting_quorum": 5, "publicity_min_days": 5, "node_days": {"unit": 7, "department": 7, "committee": 10}})
    staff(committees["工程系列"], "demo_committee", "马建国", "committee_staff")

    kinds = client.call("GET", "/application-kinds")
    with open(ROOT / "reference" / "catalog.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            client.call("POST", "/admin/qualifications", {
                "region_code": AUTONOMOUS_REGION, "series": row["series"], "specialty": row["specialty"],
                "level": row["level"], "title": row["title"], "committee_id": committees[row["series"]]["id"],
                "conditions": CONDITIONS.format(**row),
                # every kind that can lead to this level (初次确定: 初级、中级 only)
                "kinds": [k["key"] for k in kinds if not k["levels"] or row["level"] in k["levels"]]})

    unit = client.call("POST", "/register/unit", {
        "name": "新疆天山示范建设工程有限公司", "credit_code": demo_credit_code(), "region_code": URUMQI,
        "password": PASSWORD, "contact_person": "李四", "contact_phone": "0991-1234567",
        "address": "乌鲁木齐市天山区示范路1号", "terms_version": TERMS_VERSION})
    unit_token = client.login(unit["username"], PASSWORD)
    client.call("PUT", f"/units/{unit['unit_id']}", {
        "legal_person": "赵六", "address": "乌鲁木齐市天山区示范路1号", "contact_person": "李四",
        "contact_phone": "0991-1234567", "recommending_unit_ids": [city["id"]]}, token=unit_token)
    logins.append(("unit_admin", unit["username"], PASSWORD))

    applicant = client.call("POST", "/register/applicant", {
        "id_number": demo_id_number(), "name": "张三", "password": PASSWORD, "phone": "13912345678",
        "region_code": URUMQI, "email": "zhangsan@example.com", "username": "demo_applicant",
        "terms_version": TERMS_VERSION})
    logins.append(("applicant", applicant["username"], PASSWORD))

    client.call("POST", "/notices", {
        "kind": "announcement", "region_code": AUTONOMOUS_REGION, "pinned": True,
        "title": f"关于开展{now().year}年度职称评审工作的通知",
        "body": "各有关单位：本年度职称评审申报工作现已开始。请申报人登录本平台填写申请书、上传证明材料，"
                "并在各评审委员会规定的时间内提交；基层单位请及时完善单位信息并审核本单位申报材料。"})
    client.call("POST", "/notices", {
        "kind": "paper_materials", "region_code": AUTONOMOUS_REGION,
        "committee_id": committees["工程系列"]["id"],
        "title": "工程系列高级职称纸质材料报送要求",
        "body": "形式审核通过后，请将正式评审表（A4 双面打印）一式两份及证明材料复印件按申请书栏目顺序装订，"
                "于公告规定日期内报送至评审委员会办公室（乌鲁木齐市天山区光明路1号）。"})

    save_logins(marker, logins)
    return logins
