"""An objection upheld after approval revokes the certificate (issue #15): the
committee records it with a reason, and the holder's list, the public check by
number, the QR check and the uploaded-PDF check all say revoked."""
from urllib.parse import parse_qs, urlparse

import pytest

from tests.client import expect
from tests.integration.accounts_helpers import fresh_address
from tests.integration.test_review_committee import meeting, short_window, staff, vote, wait_until_ended
from tests.integration.test_review_setup import build_world, new_application, to_ready_for_meeting, wait_status


@pytest.fixture(scope="module")
def world(api, admin_token):
    return build_world(api, admin_token)


def test_a_certificate_revoked_after_approval_shows_revoked_everywhere(api, world, admin_token):
    app = new_application(api, world, name="撤销甲")
    to_ready_for_meeting(api, world, app)
    held = expect(meeting(api, world, [vote(app, 7, 7, 0, 0)]), 201)
    wait_until_ended(expect(api.post(f"/committee/meetings/{held['id']}/publicity", token=staff(world),
                                     json=short_window()), 201))
    approval = expect(api.post(f"/committee/meetings/{held['id']}/approval", token=staff(world),
                               json={"document_no": "新职改字〔2026〕77号"}), 201)
    [cert] = approval["certificates"]
    wait_status(api, app, "approved")
    pdf = expect(api.get(f"/certificates/{cert['no']}.pdf", token=app["token"]), 200)
    assert expect(api.post("/public/certificates/check-pdf",
                           files={"file": ("c.pdf", pdf, "application/pdf")}), 200)["verdict"] == "valid"

    # Refused: no reason; another committee; an application never approved.
    expect(api.post("/committee/certificates/revoke", token=staff(world),
                    json={"application_id": app["id"], "reason": "  "}), 422)
    other = build_world(api, admin_token)
    expect(api.post("/committee/certificates/revoke", token=staff(other),
                    json={"application_id": app["id"], "reason": "冒用"}), 404, "approved_result_not_found")

    revoked = expect(api.post("/committee/certificates/revoke", token=staff(world),
                              json={"application_id": app["id"], "reason": "论文抄袭，异议成立"}), 200)
    assert revoked["revoked"] is True and revoked["no"] == cert["no"]
    again = expect(api.post("/committee/certificates/revoke", token=staff(world),
                            json={"application_id": app["id"], "reason": "论文抄袭，异议成立"}), 200)
    assert again["revoked_at"] == revoked["revoked_at"]

    mine = expect(api.get("/certificates", token=app["token"]), 200)
    assert mine[0]["revoked"] is True and mine[0]["revoked_reason"] == "论文抄袭，异议成立"
    public = expect(api.get(f"/public/certificates/{cert['no']}", params={"name": "撤销甲"},
                            headers=fresh_address()), 200)
    assert public["revoked"] is True
    by_file = expect(api.post("/public/certificates/check-pdf", files={"file": ("c.pdf", pdf, "application/pdf")}),
                     200)
    assert by_file["verdict"] == "revoked" and by_file["valid"] is False
    qr = parse_qs(urlparse(cert["verify_url"]).query).get("qr")
    if qr:  # the holder view's link carries no payload; the PDF's QR does (test_documents_certificates)
        assert expect(api.post("/public/certificates/check-qr", json={"payload": qr[0]}), 200)["verdict"] == "revoked"
    objections = expect(api.get("/committee/objections", token=staff(world)), 200)
    assert any(o["application_id"] == app["id"] and o["upheld"] for o in objections)
