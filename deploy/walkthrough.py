"""Walk the whole journey through a running copy's gateway, as its users would, with
the demo logins: apply, fill, upload, submit, withdraw, resubmit, a unit return and a
resubmit, the chain to formal review, the fee paid in the sandbox, the meeting,
publicity with an objection, approval, the certificate and its public check — plus the
refusals a user meets on the way. Prints each step; exits non-zero on the first surprise.

    .venv/bin/python -m deploy.walkthrough [--base-url http://127.0.0.1:8080] [--data-dir var]

It changes data (a new applicant each run) and shortens the demo committee's publicity
minimum to 0 days so the walk can finish in seconds.
"""
import argparse
import io
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

import requests
from pypdf import PdfReader

from services.accounts.terms import CURRENT_VERSION as TERMS_VERSION
from services.accounts.validators import id_check_char
from zc_common.clock import now


class Walk:
    def __init__(self, base_url):
        self.api = base_url.rstrip("/") + "/api/v1"
        self.http = requests.Session()
        self.step_no = 0

    def step(self, text):
        self.step_no += 1
        print(f"{self.step_no:>2}. {text}", flush=True)

    def call(self, method, path, token=None, expect=200, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.perf_counter()
        response = self.http.request(method, self.api + path, headers=headers, timeout=60, **kwargs)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != expect:
            raise SystemExit(f"   ✗ {method} {path}: {response.status_code} (wanted {expect}) {response.text[:400]}")
        body = response.json() if response.headers.get("Content-Type", "").startswith("application/json") \
            else response.content
        if expect >= 400:
            print(f"   ↳ refused as expected: {expect} {body['error']['code']} — {body['error']['message']}")
        elif took > 2000:
            print(f"   ! slow: {method} {path} took {took:.0f} ms")
        return body

    def login(self, username, password, region_code=None):
        body = {"username": username, "password": password}
        if region_code:
            body["region_code"] = region_code
        return self.call("POST", "/auth/login", json=body)["token"]

    def wait(self, what, check, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.3)
        raise SystemExit(f"   ✗ timed out waiting for {what}")


def sample_value(field):
    kind = field["type"]
    if kind == "text":
        return "示例内容"[: field.get("max_length") or 100]
    if kind == "integer":
        return max(field.get("min") or 0, min(field.get("max") or 10, 5))
    if kind == "date":
        return "2010-07-01"
    if kind == "choice":
        return field["options"][0]
    if kind == "boolean":
        return True
    if kind == "table":
        return [{column["key"]: sample_value(column) for column in field["columns"]}]
    raise SystemExit(f"unknown field type {kind}")


def tiny_pdf(text="zhicheng"):
    """A one-page PDF made by hand: enough for the content sniffer and a viewer."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_text(data):
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def admin_password(data_dir):
    """As ``make run`` chose it: ZC_ADMIN_PASSWORD, or the generated one it saved
    (demo-logins.json leaves the admin's password out)."""
    return os.environ.get("ZC_ADMIN_PASSWORD") or (Path(data_dir) / "admin-password").read_text().strip()


def main():
    parser = argparse.ArgumentParser()
    # the same settings make run reads, so a copy on another port or data dir is walked as is
    parser.add_argument("--base-url", default=f"http://127.0.0.1:{os.environ.get('ZC_PORT', '8080')}")
    parser.add_argument("--data-dir", default=os.environ.get("ZC_DATA_DIR", "var"))
    args = parser.parse_args()
    logins = {role_user[1]: role_user[2] for role_user in
              json.loads((Path(args.data_dir) / "demo-logins.json").read_text())}
    password = logins["demo_applicant"]
    w = Walk(args.base_url)
    started = time.perf_counter()

    w.step("health")
    assert w.call("GET", "/health")["status"] == "ok"

    w.step("a new applicant registers (a bad ID number first)")
    w.call("POST", "/register/applicant", expect=422, json={
        "id_number": "650102198503120010", "name": "王五", "password": password, "phone": "13912340000",
        "terms_version": TERMS_VERSION})
    body = f"650102{random.randrange(1970, 2000)}0{random.randrange(1, 10)}1{random.randrange(0, 10)}" \
           f"{random.randrange(100, 1000)}"
    person = w.call("POST", "/register/applicant", expect=201, json={
        "id_number": body + id_check_char(body), "name": "王五", "password": password,
        "phone": f"139{random.randrange(10**7, 10**8)}", "region_code": "650100", "terms_version": TERMS_VERSION})
    applicant = w.login(person["username"], password, "650100")
    me = w.call("GET", "/me", token=applicant)
    print(f"   ↳ {me['name']} · {me['role']} · region {me['region_code']}")

    w.step("finds a qualification and the unit, creates the application")
    qualifications = w.call("GET", "/qualifications", params={"region_code": "650100"})
    qualification = next(q for q in qualifications if q["title"] == "高级工程师" and q["specialty"] == "机械电子")
    unit = w.call("GET", "/units", params={"q": "天山示范"})[0]
    year = now().year
    application = w.call("POST", "/applications", token=applicant, expect=201, json={
        "qualification_id": qualification["id"], "unit_id": unit["id"], "year": year})
    app_id = application["id"]
    print(f"   ↳ {application['number']} · {application['status']} · 距提交截止还有{application['days_to_close']}天")
    w.call("POST", "/applications", token=applicant, expect=409, json={
        "qualification_id": qualification["id"], "unit_id": unit["id"], "year": year})

    w.step("submitting an empty application says what is missing")
    missing = w.call("POST", f"/applications/{app_id}/submit", token=applicant, expect=422)
    print(f"   ↳ {len(missing['error'].get('missing', []))} items missing")

    w.step("fills every section and uploads evidence (a 3 MB file and a text file refused)")
    sections = application["template"]["sections"]
    sections_by_key = {section["key"]: section for section in sections}
    first = sections[0]
    w.call("PUT", f"/applications/{app_id}/sections/{first['key']}", token=applicant, expect=422,
           json={field["key"]: ([] if field["type"] == "table" else "x" * 5000) for field in first["fields"]})
    # 基本信息 comes prefilled from the registration (name, birth date and gender as the ID
    # number says, phone); the sample answers keep those, as a person would.
    prefilled = application["sections"]

    def answers(section):
        return {**{field["key"]: sample_value(field) for field in section["fields"]},
                **prefilled.get(section["key"], {})}

    print(f"   ↳ prefilled: {prefilled}")
    for section in sections:
        data = answers(section)
        w.call("PUT", f"/applications/{app_id}/sections/{section['key']}", token=applicant, json=data)
        for n in range(section["attachments_required"]):
            w.call("POST", f"/applications/{app_id}/attachments", token=applicant, expect=201,
                   data={"section": section["key"]},
                   files={"file": (f"{section['key']}-{n}.pdf", tiny_pdf(section["key"]), "application/pdf")})
    w.call("POST", f"/applications/{app_id}/attachments", token=applicant, expect=413,
           data={"section": first["key"]}, files={"file": ("big.pdf", b"%PDF-1.4\n" + b"0" * (3 << 20))})
    w.call("POST", f"/applications/{app_id}/attachments", token=applicant, expect=415,
           data={"section": first["key"]}, files={"file": ("fake.pdf", b"just text", "application/pdf")})

    w.step("申报条件自查: the sample answers are not eligible, and the checklist says why")
    check = w.call("GET", f"/applications/{app_id}/eligibility", token=applicant)
    for item in check["items"]:
        print(f"   ↳ {'✓' if item['met'] else '✗'} {item['label']}：{item['reason']}")
    assert not check["may_submit"]
    refused = w.call("POST", f"/applications/{app_id}/submit", token=applicant, expect=422)
    assert refused["error"]["code"] == "not_eligible"

    w.step("the applicant fixes what the checklist named: title, degree, continuing education")
    eligible = {
        "basic_info": {"current_title": "工程师", "current_title_obtained_on": f"{year - 6}-07-01"},
        "education": {"degrees": [{**sample_value(next(f for f in sections_by_key["education"]["fields"]
                                                      if f["key"] == "degrees"))[0],
                                   "education": "本科", "degree": "学士", "graduated_on": f"{year - 10}-07-01"}]},
        "continuing_education": {"hours_total": 270, "records": [
            {"course": f"专业科目{n}", "organizer": "自治区继续教育基地", "year": year - n, "hours": 90}
            for n in range(3)]},
    }
    for key, changes in eligible.items():
        data = answers(sections_by_key[key])
        w.call("PUT", f"/applications/{app_id}/sections/{key}", token=applicant, json={**data, **changes})
    check = w.call("GET", f"/applications/{app_id}/eligibility", token=applicant)
    assert check["may_submit"], check
    print(f"   ↳ all {len(check['items'])} conditions met")

    w.step("the test form (测试表) prints before submission")
    assert "测试表" in pdf_text(w.call("GET", f"/applications/{app_id}/review-form.pdf", token=applicant))

    w.step("submits, withdraws before the unit acts, resubmits")
    body = w.call("POST", f"/applications/{app_id}/submit", token=applicant)
    print(f"   ↳ {body['status']} · submissions {body['submissions_used']}/{body['submissions_max']}")
    w.call("POST", f"/applications/{app_id}/withdraw", token=applicant)
    body = w.call("POST", f"/applications/{app_id}/submit", token=applicant)
    print(f"   ↳ {body['status']} · submissions {body['submissions_used']}/{body['submissions_max']}")

    unit_admin = next(u for u, _ in ((u, p) for u, p in logins.items()) if u.isdigit())
    unit_token = w.login(unit_admin, logins[unit_admin])

    def task_at(token):
        tasks = w.call("GET", "/review/tasks", token=token)
        items = tasks["items"] if isinstance(tasks, dict) else tasks
        return next((t for t in items if t["application_id"] == app_id), None)

    w.step("the base unit comments on a section and returns it")
    w.wait("the unit's task", lambda: task_at(unit_token))
    w.call("POST", f"/review/applications/{app_id}/comments", token=unit_token, expect=201,
           json={"section": sections[1]["key"], "text": "学历证书扫描件不清晰，请重新上传。"})
    w.call("POST", f"/review/applications/{app_id}/return", token=unit_token,
           json={"opinion": "请按意见修改后再提交。"})
    w.call("POST", f"/applications/{app_id}/withdraw", token=applicant, expect=409)

    w.step("the applicant sees the comment and resubmits")
    body = w.wait("returned", lambda: (lambda a: a if a["status"] == "returned" else None)(
        w.call("GET", f"/applications/{app_id}", token=applicant)))
    print(f"   ↳ comments: {[c['text'] for c in body['comments']]}")
    key = sections[1]["key"]
    data = answers(sections[1])
    data.update(eligible.get(key, {}))
    table = next((f for f in sections[1]["fields"] if f["type"] == "table"), None)
    if table:   # one more row than was returned
        data[table["key"]] = data[table["key"]] + [{**data[table["key"]][0], **(
            {"school": "新疆大学（补充）"} if key == "education" else {})}]
    w.call("PUT", f"/applications/{app_id}/sections/{key}", token=applicant, json=data)
    w.call("POST", f"/applications/{app_id}/submit", token=applicant)

    w.step("the unit sees what changed since its return; a reviewer not yet reached cannot")
    changes = w.call("GET", f"/review/applications/{app_id}/changes", token=unit_token)
    for section in changes["sections"]:
        print(f"   ↳ {section['title']}: {len(section['fields'])} fields, "
              f"+{len(section['rows_added'])} / -{len(section['rows_removed'])} rows")
    assert changes["changed_sections"], changes
    w.call("GET", f"/review/applications/{app_id}/changes", token=w.login("demo_rst", logins["demo_rst"]),
           expect=404)

    w.step("the chain forwards: unit → 乌鲁木齐市人社局 → 自治区人社厅职称处 → committee")
    w.wait("the unit's task", lambda: task_at(unit_token))
    w.call("POST", f"/review/applications/{app_id}/forward", token=unit_token, expect=422, json={"opinion": ""})
    w.call("POST", f"/review/applications/{app_id}/forward", token=unit_token, json={"opinion": "同意推荐。"})
    for username in ("demo_urumqi", "demo_rst", "demo_committee"):
        token = w.login(username, logins[username])
        w.wait(f"{username}'s task", lambda token=token: task_at(token))
        w.call("POST", f"/review/applications/{app_id}/forward", token=token, json={"opinion": "同意。"})
    committee_token = token
    body = w.call("GET", f"/applications/{app_id}", token=applicant)
    print("   ↳ route: " + " → ".join(f"{n['name']}({n['state']})" for n in body["route"]))

    w.step("the official form (正式评审表 + number) prints")
    w.wait("formal review", lambda: w.call("GET", f"/applications/{app_id}", token=applicant)["status"]
           in ("formal_review_passed", "ready_for_meeting"))
    text = pdf_text(w.call("GET", f"/applications/{app_id}/review-form.pdf", token=applicant))
    assert "正式评审表" in text and application["number"] in text

    w.step("the fee appears and is paid in the sandbox; the status moves by itself")
    fee = w.call("GET", f"/applications/{app_id}/fee", token=applicant)
    print(f"   ↳ {fee['order_no']} · {fee['amount_fen'] / 100:.2f} 元 · {fee['status']}")
    page = requests.get(fee["pay_url"], timeout=30)
    assert page.status_code == 200 and "支付" in page.text
    paid = requests.post(fee["pay_url"], data={"action": "pay"}, timeout=30)
    assert paid.status_code == 200, paid.text[:300]
    w.wait("ready_for_meeting", lambda: w.call("GET", f"/applications/{app_id}", token=applicant)["status"]
           == "ready_for_meeting")

    w.step("the committee records a meeting (9 present: 6 for passes)")
    w.call("POST", "/committee/meetings", token=committee_token, expect=422, json={
        "year": year, "held_on": now().date().isoformat(), "results": [{
            "application_id": app_id, "experts_present": 9, "votes_for": 6, "votes_against": 1,
            "votes_abstain": 1}]})
    meeting = w.call("POST", "/committee/meetings", token=committee_token, expect=201, json={
        "year": year, "held_on": now().date().isoformat(), "results": [{
            "application_id": app_id, "experts_present": 9, "votes_for": 6, "votes_against": 2,
            "votes_abstain": 1}]})
    print(f"   ↳ {meeting['results']}")

    w.step("publicity opens; an objection arrives and is dismissed; approval waits for the window")
    admin = w.login("admin", admin_password(args.data_dir))
    committee_id = w.call("GET", "/me", token=committee_token)["org_id"]
    settings = w.call("GET", f"/committees/{committee_id}/settings", token=admin)
    settings = {k: settings[k] for k in ("submit_opens_at", "submit_closes_at", "max_submissions", "fee_fen",
                                         "receiving_department_ids", "meeting_quorum", "node_days")}
    w.call("PUT", f"/admin/committees/{committee_id}/settings", token=admin,
           json={**settings, "publicity_min_days": 0})
    publicity = w.call("POST", f"/committee/meetings/{meeting['id']}/publicity", token=committee_token,
                       expect=201, json={"starts_at": now().isoformat(),
                                         "ends_at": (now() + timedelta(seconds=6)).isoformat()})
    listed = w.call("GET", "/public/publicity")
    print(f"   ↳ public list: {json.dumps(listed, ensure_ascii=False)[:200]}")
    w.call("POST", f"/public/publicity/{publicity['id']}/objections", expect=201, json={
        "application_number": application["number"], "reason": "业绩材料存疑", "contact": "13800000000"})
    w.call("POST", f"/committee/meetings/{meeting['id']}/approval", token=committee_token, expect=409,
           json={"document_no": f"新职称〔{year}〕{random.randrange(1000, 9999)}号"})
    objections = w.call("GET", "/committee/objections", token=committee_token)
    items = objections["items"] if isinstance(objections, dict) else objections
    for objection in items:
        if objection.get("application_number") == application["number"]:
            w.call("POST", f"/committee/objections/{objection['id']}/resolve", token=committee_token,
                   json={"upheld": False, "note": "经核实，材料真实。"})
    time.sleep(7)

    w.step("approval (批文) issues the certificate")
    w.call("POST", f"/committee/meetings/{meeting['id']}/approval", token=committee_token, expect=201,
           json={"document_no": f"新职称〔{year}〕{random.randrange(1000, 9999)}号"})
    certificates = w.wait("the certificate", lambda: w.call("GET", "/certificates", token=applicant))
    number = certificates[0]["no"]
    pdf = w.call("GET", f"/certificates/{number}.pdf", token=applicant)
    assert pdf[:4] == b"%PDF"
    print(f"   ↳ certificate {number}, {len(pdf)} bytes")

    w.step("anyone verifies it by number and name (a wrong name is 404)")
    print(f"   ↳ {w.call('GET', f'/public/certificates/{number}', params={'name': '王五'})}")
    w.call("GET", f"/public/certificates/{number}", params={"name": "李四"}, expect=404)

    print(f"\nwalked {w.step_no} steps in {time.perf_counter() - started:.1f}s — all as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
