"""HTTP routes of the documents area (see API.md): attachments, the 评审表 PDF,
certificates and the public certificate check. The documents service decides who
may see what; the gateway reads uploads through ``gateway.upload_limits``."""
import base64
from urllib.parse import quote

from aiohttp import web
from pydantic import BaseModel, Field

from gateway.api import api
from gateway.routes.accounts import client_address
from gateway.schemas_out import AttachmentOut, CertificateOut, CertificatePublic, Deleted, list_of
from gateway.upload_limits import UPLOAD_RESPONSES, received_upload

TAG_FILES = "附件与评审表"
TAG_CERTS = "电子证书"


class AttachmentUpload(BaseModel):
    """multipart/form-data: ``section`` (the template section's key) and ``file``."""

    section: str = Field(description="附件所属栏目（模板中的栏目 key）")
    file: bytes = Field(description="JPEG、PNG 或 PDF，不超过 2 MB", json_schema_extra={"format": "binary"})


class FileReplacement(BaseModel):
    file: bytes = Field(description="JPEG、PNG 或 PDF，不超过 2 MB", json_schema_extra={"format": "binary"})


class DisplayQuery(BaseModel):
    display: str | None = Field(default=None, description="1：照片按 EXIF 方向转正后的显示副本")


class VerifyQuery(BaseModel):
    name: str = Field(default="", max_length=64, description="持证人姓名")


def file_response(result, disposition="inline", headers=None):
    """A file from the service (base64 over RPC) as an HTTP body."""
    name = result["name"]
    ascii_name = name.encode("ascii", "ignore").decode() or "file"
    response = web.Response(body=base64.b64decode(result["content_b64"]),
                            content_type=result["content_type"])
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{ascii_name.replace(chr(34), "")}"; filename*=UTF-8\'\'{quote(name)}')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@api.route("POST", "/applications/{id}/attachments", summary="上传附件（≤2 MB，JPEG/PNG/PDF）",
           tag=TAG_FILES, body=AttachmentUpload, raw_body=True, roles=("applicant",), status=201,
           responses={**UPLOAD_RESPONSES, 409: "当前状态不能修改附件"}, response=AttachmentOut)
async def upload_attachment(request, call):
    async with received_upload(request, owner=call.user["id"]) as upload:
        return await call.rpc.documents.store_attachment(
            call.user, call.params["id"], upload.fields.get("section", ""), upload.filename,
            upload.content_b64())


@api.route("GET", "/applications/{id}/attachments", summary="附件清单（含存证回执）", tag=TAG_FILES,
           roles=(), response=list_of(AttachmentOut))
async def list_attachments(request, call):
    return await call.rpc.documents.list_attachments(call.params["id"], actor=call.user)


@api.route("GET", "/applications/{id}/attachments/{att_id}", summary="下载附件原件（display=1 为转正的显示副本）",
           tag=TAG_FILES, query=DisplayQuery, roles=(), response="application/octet-stream")
async def download_attachment(request, call):
    display = (call.query.display or "") in ("1", "true", "yes")
    result = await call.rpc.documents.read_attachment(
        call.user, call.params["id"], call.params["att_id"], display=display)
    return file_response(result, headers={"X-Content-SHA256": result["sha256"]})


@api.route("PUT", "/applications/{id}/attachments/{att_id}", summary="替换附件（仅草稿或退回状态）",
           tag=TAG_FILES, body=FileReplacement, raw_body=True, roles=("applicant",),
           responses={**UPLOAD_RESPONSES, 409: "当前状态不能修改附件"}, response=AttachmentOut)
async def replace_attachment(request, call):
    async with received_upload(request, owner=call.user["id"]) as upload:
        return await call.rpc.documents.replace_attachment(
            call.user, call.params["id"], call.params["att_id"], upload.filename, upload.content_b64())


@api.route("DELETE", "/applications/{id}/attachments/{att_id}", summary="删除附件（仅草稿或退回状态）",
           tag=TAG_FILES, roles=("applicant",), responses={409: "当前状态不能修改附件"}, response=Deleted)
async def delete_attachment(request, call):
    return await call.rpc.documents.delete_attachment(call.user, call.params["id"], call.params["att_id"])


@api.route("GET", "/applications/{id}/review-form.pdf", summary="打印评审表（形式审核通过前为测试表）",
           tag=TAG_FILES, roles=(), response="application/pdf")
async def review_form(request, call):
    result = await call.rpc.documents.review_form(call.user, call.params["id"])
    return file_response(result, headers={"X-Render-Cache": "hit" if result["cached"] else "miss"})


@api.route("GET", "/certificates", summary="我的电子证书", tag=TAG_CERTS, roles=("applicant",),
           response=list_of(CertificateOut))
async def my_certificates(request, call):
    return await call.rpc.documents.list_certificates(call.user)


@api.route("GET", "/certificates/{no}.pdf", summary="下载电子证书 PDF（含核验二维码）", tag=TAG_CERTS,
           roles=(), response="application/pdf")
async def certificate_pdf(request, call):
    return file_response(await call.rpc.documents.certificate_pdf(call.user, call.params["no"]))


@api.route("GET", "/public/certificates/{no}", summary="证书公开核验（编号 + 姓名）", tag=TAG_CERTS,
           query=VerifyQuery, responses={404: "编号与姓名不匹配", 429: "查询过于频繁"}, response=CertificatePublic)
async def verify_certificate(request, call):
    # Rate limited per client address (behind a trusted proxy: X-Forwarded-For) by the
    # service, so numbers cannot be enumerated.
    return await call.rpc.documents.verify_certificate(
        call.params["no"], call.query.name, client_address(request))
