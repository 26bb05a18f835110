"""HTTP routes of the documents area (see API.md): attachments, the 评审表 PDF,
certificates and the public certificate check. The documents service decides who
may see what; the bytes go between the client and the object store through the
gateway (``gateway.objects``), never over RabbitMQ: a download is one small RPC
naming the object, then a stream; an upload is a PUT of the spooled file, then
one RPC handing documents its key (``gateway.staging``)."""
import base64
from urllib.parse import quote

from aiohttp import web
from pydantic import BaseModel, Field

from gateway.api import api
from gateway.file_cache import FILE_CACHE, quoted
from gateway.objects import CHUNK, OBJECTS
from gateway.routes.accounts import client_address
from gateway.schemas_out import (
    AttachmentHistoryItem,
    AttachmentOut,
    CertificateCheck,
    CertificateOut,
    CertificatePublic,
    CertificateSigningKey,
    Deleted,
    EvidenceCheckRunOut,
    list_of,
)
from gateway.staging import checked_ids, new_attachment_id, stage_and_record
from gateway.upload_limits import UPLOAD_RESPONSES, received_upload
from zc_common.errors import Unavailable

TAG_FILES = "附件与评审表"
TAG_CERTS = "电子证书"

# Downloads answer 304 when the client's If-None-Match names the stored bytes.
DOWNLOAD_RESPONSES = {304: "内容未变（If-None-Match 与 ETag 相同）"}


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


def file_unavailable():
    return Unavailable("file_unavailable", "文件暂时无法读取，请稍后重试")


def file_headers(source, disposition="inline"):
    """Content-Disposition with the Chinese name (RFC 6266 filename*), and a file
    is never sniffed into something else nor kept in a shared cache."""
    name = source["name"]
    ascii_name = name.encode("ascii", "ignore").decode() or "file"
    return {"Content-Type": source["content_type"],
            "Content-Disposition": (f'{disposition}; filename="{ascii_name.replace(chr(34), "")}"; '
                                    f"filename*=UTF-8''{quote(name)}"),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store"}


def file_response(result, disposition="inline", headers=None):
    """A file that crossed RPC as base64 (private files: small scans other services
    keep) as an HTTP body."""
    response = web.Response(body=base64.b64decode(result["content_b64"]))
    response.headers.update({**file_headers(result, disposition), **(headers or {})})
    return response


async def stored_file(request, source_of, extra_headers=lambda source: {}):
    """The object documents names (``await source_of()``: key, name, content_type,
    and its ETag when documents knows it), streamed from the store — or from the
    gateway's memory while that holds the same ETag (``gateway.file_cache``). If
    the object is gone meanwhile (a newer 评审表 replaced it), documents is asked
    once more."""
    store, cache = request.app[OBJECTS], request.app[FILE_CACHE]
    if_none_match = request.headers.get("If-None-Match")
    for _attempt in range(2):
        source = await source_of()
        headers = {**file_headers(source), **extra_headers(source)}
        etag = quoted(source.get("etag"))
        if etag:
            if if_none_match == etag:
                return not_modified(headers, etag)
            kept = cache.get(source["key"], etag)
            if kept is not None:
                return web.Response(body=kept, headers={**headers, "ETag": etag})
        async with store.reading(source["key"], if_none_match) as stored:
            if stored is None:
                continue
            if stored.etag:
                headers["ETag"] = stored.etag
            if stored.status == 304:
                return not_modified(headers, stored.etag)
            keep = etag is not None and stored.etag == etag and cache.keeps(stored.size)
            return await _streamed(request, stored, headers, cache, (source["key"], etag) if keep else None)
    raise file_unavailable()


def not_modified(headers, etag):
    return web.Response(status=304, headers={"ETag": etag, "Cache-Control": headers["Cache-Control"]})


async def _streamed(request, stored, headers, cache, keep_as):
    """Stream ``stored`` to the client; with ``keep_as`` = (key, etag), also keep it."""
    response = web.StreamResponse(headers=headers)
    if stored.size is not None:
        response.content_length = stored.size
    await response.prepare(request)
    chunks = []
    async for chunk in stored.body.iter_chunked(CHUNK):
        await response.write(chunk)
        if keep_as:
            chunks.append(chunk)
    await response.write_eof()
    if keep_as:
        cache.put(*keep_as, b"".join(chunks))
    return response


@api.route("POST", "/applications/{id}/attachments", summary="上传附件（≤2 MB，JPEG/PNG/PDF）",
           tag=TAG_FILES, body=AttachmentUpload, raw_body=True, roles=("applicant",), status=201,
           responses={**UPLOAD_RESPONSES, 409: "当前状态不能修改附件"}, response=AttachmentOut)
async def upload_attachment(request, call):
    application_id = call.params["id"]
    checked_ids(application_id)
    async with received_upload(request, owner=call.user["id"], spool=True) as upload:
        return await stage_and_record(
            request.app, call.rpc, upload, application_id, new_attachment_id(),
            lambda staged: call.rpc.documents.store_staged_attachment(
                call.user, application_id, upload.fields.get("section", ""), upload.filename, staged))


@api.route("GET", "/applications/{id}/attachments", summary="附件清单（含存证回执）", tag=TAG_FILES,
           roles=(), response=list_of(AttachmentOut))
async def list_attachments(request, call):
    return await call.rpc.documents.list_attachments(call.params["id"], actor=call.user)


@api.route("GET", "/applications/{id}/attachment-history", summary="附件存证记录（曾提交的附件永不删除）",
           tag=TAG_FILES, roles=(), response=list_of(AttachmentHistoryItem))
async def attachment_history(request, call):
    return await call.rpc.documents.attachment_history(call.user, call.params["id"])


@api.route("GET", "/applications/{id}/attachments/{att_id}", summary="下载附件原件（display=1 为转正的显示副本）",
           tag=TAG_FILES, query=DisplayQuery, roles=(), response="application/octet-stream",
           responses=DOWNLOAD_RESPONSES)
async def download_attachment(request, call):
    display = (call.query.display or "") in ("1", "true", "yes")
    return await stored_file(
        request, lambda: call.rpc.documents.attachment_object(
            call.user, call.params["id"], call.params["att_id"], display=display),
        lambda source: {"X-Content-SHA256": source["sha256"]})


@api.route("GET", "/applications/{id}/attachments/{att_id}/receipt.pdf",
           summary="附件存证回执 PDF（SHA-256、大小、存储时间，平台数字签名）", tag=TAG_FILES, roles=(),
           response="application/pdf", responses=DOWNLOAD_RESPONSES)
async def attachment_receipt(request, call):
    return await stored_file(
        request, lambda: call.rpc.documents.attachment_receipt_object(
            call.user, call.params["id"], call.params["att_id"]),
        lambda source: {"X-Render-Cache": "hit" if source["cached"] else "miss"})


@api.route("PUT", "/applications/{id}/attachments/{att_id}",
           summary="替换附件（仅草稿或退回状态，且从未随申请书提交）",
           tag=TAG_FILES, body=FileReplacement, raw_body=True, roles=("applicant",),
           responses={**UPLOAD_RESPONSES,
                      409: "当前状态不能修改附件，或附件已随申请书提交（attachment_sealed）"},
           response=AttachmentOut)
async def replace_attachment(request, call):
    application_id, attachment_id = call.params["id"], call.params["att_id"]
    checked_ids(application_id, attachment_id)
    async with received_upload(request, owner=call.user["id"], spool=True) as upload:
        return await stage_and_record(
            request.app, call.rpc, upload, application_id, attachment_id,
            lambda staged: call.rpc.documents.replace_staged_attachment(
                call.user, application_id, attachment_id, upload.filename, staged))


@api.route("DELETE", "/applications/{id}/attachments/{att_id}",
           summary="删除附件（仅草稿或退回状态；曾提交的附件只从申请书撤下，存证保留）",
           tag=TAG_FILES, roles=("applicant",), responses={409: "当前状态不能修改附件"}, response=Deleted)
async def delete_attachment(request, call):
    return await call.rpc.documents.delete_attachment(call.user, call.params["id"], call.params["att_id"])


@api.route("GET", "/applications/{id}/review-form.pdf", summary="打印评审表（形式审核通过前为测试表）",
           tag=TAG_FILES, roles=(), response="application/pdf", responses=DOWNLOAD_RESPONSES)
async def review_form(request, call):
    return await stored_file(
        request, lambda: call.rpc.documents.review_form_object(call.user, call.params["id"]),
        lambda source: {"X-Render-Cache": "hit" if source["cached"] else "miss"})


@api.route("GET", "/certificates", summary="我的电子证书", tag=TAG_CERTS, roles=("applicant",),
           response=list_of(CertificateOut))
async def my_certificates(request, call):
    return await call.rpc.documents.list_certificates(call.user)


@api.route("GET", "/certificates/{no}.pdf", summary="下载电子证书 PDF（含核验二维码）", tag=TAG_CERTS,
           roles=(), response="application/pdf", responses=DOWNLOAD_RESPONSES)
async def certificate_pdf(request, call):
    return await stored_file(request, lambda: call.rpc.documents.certificate_object(call.user, call.params["no"]))


@api.route("GET", "/public/certificates/{no}", summary="证书公开核验（编号 + 姓名）", tag=TAG_CERTS,
           query=VerifyQuery, responses={404: "编号与姓名不匹配", 429: "查询过于频繁"}, response=CertificatePublic)
async def verify_certificate(request, call):
    # Rate limited per client address (behind a trusted proxy: X-Forwarded-For) by the
    # service, so numbers cannot be enumerated.
    return await call.rpc.documents.verify_certificate(
        call.params["no"], call.query.name, client_address(request))


# -- certificates that prove themselves (issue #15) -----------------------------------------------

class QrCheck(BaseModel):
    payload: str = Field(min_length=1, max_length=4096, description="证书二维码中 qr 参数的内容（已签名的证书信息）")


class CertificateUpload(BaseModel):
    """multipart/form-data: ``file``, the certificate PDF as downloaded."""

    file: bytes = Field(description="电子证书 PDF，不超过 2 MB", json_schema_extra={"format": "binary"})


@api.route("GET", "/public/certificate-signing-key", summary="证书签名公钥（离线核验二维码与 PDF 签名）",
           tag=TAG_CERTS, response=CertificateSigningKey)
async def certificate_signing_key(request, call):
    return await call.rpc.documents.certificate_signing_key()


@api.route("POST", "/public/certificates/check-qr", summary="核验证书二维码（签名 + 登记库）", tag=TAG_CERTS,
           body=QrCheck, response=CertificateCheck)
async def check_certificate_qr(request, call):
    # Nothing is learnt without a payload the platform signed: no rate limit needed
    # against enumeration, unlike the number + name lookup.
    return await call.rpc.documents.check_certificate_qr(call.body.payload)


@api.route("POST", "/public/certificates/check-pdf", summary="上传电子证书 PDF 核验数字签名（签名 + 登记库）",
           tag=TAG_CERTS, body=CertificateUpload, raw_body=True,
           responses={**UPLOAD_RESPONSES, 429: "同时上传过多"}, response=CertificateCheck)
async def check_certificate_pdf(request, call):
    async with received_upload(request, owner=client_address(request)) as upload:
        return await call.rpc.documents.check_certificate_pdf(upload.filename, upload.content_b64())


# -- the evidence check (issue #15) ---------------------------------------------------------------

class EvidenceRunsQuery(BaseModel):
    limit: int = Field(default=10, ge=1, le=100)


@api.route("GET", "/admin/evidence-checks", summary="附件存证巡检记录（每晚自动运行）", tag="平台管理",
           query=EvidenceRunsQuery, roles=("platform_admin",), response=list_of(EvidenceCheckRunOut))
async def evidence_check_runs(request, call):
    return await call.rpc.documents.evidence_check_runs(call.user, call.query.limit)


@api.route("POST", "/admin/evidence-checks", summary="立即运行附件存证巡检（重新计算全部在办申请书附件的哈希）",
           tag="平台管理", roles=("platform_admin",), response=EvidenceCheckRunOut)
async def run_evidence_check(request, call):
    return await call.rpc.documents.run_evidence_check(call.user)
