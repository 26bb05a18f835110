"""Issue #15, evidence that cannot vanish: at submit and at every forward each
attachment is checked against the object store (missing, another size or other
bytes → ``evidence_damaged``, the file named, nothing moves); a file that went out
with a submission is never deleted or replaced, and the history keeps it."""
from tests.client import expect, wait_for
from tests.integration.test_documents_attachments import bucket_of
from tests.integration.test_review_setup import build_world, new_application, status_of, submit, wait_task
from tests.unit.documents.images import pdf


def object_key(stack, app_id, attachment_id):
    keys = [k for k in bucket_of(stack).keys(f"attachments/{app_id}/{attachment_id}/")
            if not k.endswith(".upright.jpg")]
    assert len(keys) == 1, keys
    return keys[0]


def attachments_of(api, app):
    return expect(api.get(f"/applications/{app['id']}/attachments", token=app["token"]), 200)


def forward(api, token, app):
    return api.post(f"/review/applications/{app['id']}/forward", token=token, json={"opinion": "同意推荐"})


def test_a_file_deleted_behind_the_platforms_back_blocks_the_next_forward_and_is_named(api, admin_token, stack):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="存证甲")
    submit(api, app)
    wait_task(api, world.unit_token, app["id"])
    victim = attachments_of(api, app)[0]
    bucket = bucket_of(stack)
    key = object_key(stack, app["id"], victim["id"])
    content = bucket.get(key)
    bucket.remove(key)  # behind the platform's back

    error = expect(forward(api, world.unit_token, app), 409, "evidence_damaged")["error"]
    assert victim["name"] in error["message"]
    assert [(f["id"], f["name"], f["problem"]) for f in error["files"]] == [(victim["id"], victim["name"], "missing")]
    assert status_of(api, app) == "submitted"
    assert wait_task(api, world.unit_token, app["id"])  # still waiting at the unit

    # Other bytes of the same size under the key are found out too (the ETag stored at upload).
    altered = bytearray(content)
    altered[-2] ^= 0x01
    bucket.put(key, bytes(altered), "application/pdf")
    error = expect(forward(api, world.unit_token, app), 409, "evidence_damaged")["error"]
    assert [(f["name"], f["problem"]) for f in error["files"]] == [(victim["name"], "hash")]

    # The bytes restored, the forward goes through.
    bucket.put(key, content, "application/pdf")
    moved = expect(forward(api, world.unit_token, app), 200)
    assert moved["next"]["node"] == "department"


def test_submit_refuses_an_application_whose_file_is_gone(api, admin_token, stack):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="存证乙")
    victim = attachments_of(api, app)[-1]
    bucket_of(stack).remove(object_key(stack, app["id"], victim["id"]))
    error = expect(api.post(f"/applications/{app['id']}/submit", token=app["token"]), 409,
                   "evidence_damaged")["error"]
    assert victim["name"] in error["message"] and error["files"][0]["id"] == victim["id"]
    assert status_of(api, app) == "draft"


def test_a_submitted_file_is_never_deleted_or_replaced_and_the_history_keeps_it(api, admin_token, stack):
    world = build_world(api, admin_token)
    app = new_application(api, world, name="存证丙")
    submit(api, app)
    first = attachments_of(api, app)[0]
    url = f"/applications/{app['id']}/attachments/{first['id']}"
    # Under review: no change at all.
    expect(api.delete(url, token=app["token"]), 409, "not_editable")
    expect(api.put(url, token=app["token"], files={"file": ("x.pdf", pdf("新"), "application/pdf")}), 409,
           "not_editable")

    wait_task(api, world.unit_token, app["id"])
    expect(api.post(f"/review/applications/{app['id']}/return", token=world.unit_token,
                    json={"opinion": "请补充材料"}), 200)
    assert status_of(api, app) == "returned"
    # Returned: the submitted file still cannot be replaced …
    error = expect(api.put(url, token=app["token"], files={"file": ("x.pdf", pdf("新"), "application/pdf")}), 409,
                   "attachment_sealed")["error"]
    assert first["name"] in error["message"]
    # … and deleting it only takes it off the application: bytes and receipt stay.
    answer = expect(api.delete(url, token=app["token"]), 200)
    assert answer["kept_as_evidence"] is True
    assert first["id"] not in [a["id"] for a in attachments_of(api, app)]
    key = object_key(stack, app["id"], first["id"])
    assert bucket_of(stack).get(key)
    history = expect(api.get(f"/applications/{app['id']}/attachment-history", token=app["token"]), 200)
    kept = next(h for h in history if h["id"] == first["id"])
    assert kept["detached_at"] and kept["submitted"] is True and kept["sha256"] == first["sha256"]
    assert expect(api.get(url, token=app["token"]), 200)  # still downloadable from the history

    # A new file uploaded after the return may be replaced and deleted outright (never submitted).
    section = first["section"]
    fresh = expect(api.post(f"/applications/{app['id']}/attachments", token=app["token"], data={"section": section},
                            files={"file": ("new.pdf", pdf("补充"), "application/pdf")}), 201)
    fresh_url = f"/applications/{app['id']}/attachments/{fresh['id']}"
    expect(api.put(fresh_url, token=app["token"], files={"file": ("new2.pdf", pdf("补充2"), "application/pdf")}), 200)
    assert expect(api.delete(fresh_url, token=app["token"]), 200)["kept_as_evidence"] is False
    history = expect(api.get(f"/applications/{app['id']}/attachment-history", token=app["token"]), 200)
    assert fresh["id"] not in [h["id"] for h in history]
    # Someone else sees no history.
    stranger = new_application(api, world, name="存证丁")
    expect(api.get(f"/applications/{app['id']}/attachment-history", token=stranger["token"]), 404)


def test_every_file_has_a_signed_receipt(api, admin_token, stack, tmp_path):
    import io
    import subprocess

    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    world = build_world(api, admin_token)
    app = new_application(api, world, name="回执甲")
    item = attachments_of(api, app)[0]
    url = f"/applications/{app['id']}/attachments/{item['id']}/receipt.pdf"
    first = api.get(url, token=app["token"])
    assert first.status_code == 200 and first.headers["X-Render-Cache"] == "miss"
    second = api.get(url, token=app["token"])
    assert second.headers["X-Render-Cache"] == "hit" and second.content == first.content  # rendered once
    (tmp_path / "r.pdf").write_bytes(first.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "附件存证回执" in text and item["sha256"] in text.replace("\n", "") and item["name"] in text
    assert "尚未随申请书提交" in text
    key = expect(api.get("/public/certificate-signing-key"), 200)
    root = asn1_x509.Certificate.load(pem.unarmor(key["certificate_pem"].encode())[2])
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(first.content)).embedded_signatures[0],
                                    ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    # After the submit the receipt says the file is sealed (a new render).
    submit(api, app)
    sealed = api.get(url, token=app["token"])
    assert sealed.headers["X-Render-Cache"] == "miss"
    # Nobody else gets it.
    stranger = new_application(api, world, name="回执乙")
    expect(api.get(url, token=stranger["token"]), 404)


def test_the_evidence_check_rehashes_live_files_and_tells_the_platform_admin(api, admin_token, stack):
    from tests.client import ADMIN_PASSWORD
    expect(api.put("/me", token=admin_token, json={"phone": "13900007777", "current_password": ADMIN_PASSWORD}),
           200)
    world = build_world(api, admin_token)
    app = new_application(api, world, name="巡检甲")
    submit(api, app)
    victim = attachments_of(api, app)[0]
    bucket = bucket_of(stack)
    key = object_key(stack, app["id"], victim["id"])
    altered = bytearray(bucket.get(key))
    altered[len(altered) // 2] ^= 0x01
    bucket.put(key, bytes(altered), "application/pdf")
    draft = new_application(api, world, name="巡检乙")   # a draft is not live: not checked
    bucket_of(stack).remove(object_key(stack, draft["id"], attachments_of(api, draft)[0]["id"]))

    expect(api.post("/admin/evidence-checks", token=world.unit_token), 403)
    run = expect(api.post("/admin/evidence-checks", token=admin_token), 200)
    mine = [d for d in run["damaged"] if d["application_id"] in (app["id"], draft["id"])]
    assert [(d["application_id"], d["name"], d["problem"]) for d in mine] == \
        [(app["id"], victim["name"], "hash")]
    assert mine[0]["application_number"] == app["number"]
    runs = expect(api.get("/admin/evidence-checks", token=admin_token), 200)
    assert runs[0]["day"] == run["day"]

    def noticed():
        rows = stack.sql("accounts", "SELECT subject, body FROM notifications WHERE kind = 'evidence_damaged'")
        return [r for r in rows if victim["name"] in r["body"] and app["number"] in r["body"]]
    assert wait_for(noticed, what="the platform admin's notice")
