"""HTTP routes of 继续教育 (continuing education): the applicant's own records
over the years, each with a scanned certificate. The applications service owns
the records and decides who sees what; the scan is read here without ever
buffering more than 2 MB and stored by documents as a private file."""
from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from gateway.api import api, validation_error
from gateway.routes.documents import file_response
from gateway.schemas_out import CeRecordOut, CeRecords
from gateway.upload_limits import UPLOAD_RESPONSES, received_upload

TAG = "继续教育"


class CeRecordForm(BaseModel):
    """multipart/form-data: the record's text fields and ``file`` (the certificate scan)."""

    year: int = Field(ge=1950, le=2100, description="年度（1950 至当年）")
    course: str = Field(min_length=1, max_length=200, description="课程/学习内容")
    organizer: str | None = Field(default=None, max_length=200, description="主办单位（选填）")
    hours: int = Field(ge=1, le=1000, description="学时（1–1000）")


class CeRecordUpload(CeRecordForm):
    file: bytes = Field(description="证书扫描件：JPEG、PNG 或 PDF，不超过 2 MB",
                        json_schema_extra={"format": "binary"})


@api.route("POST", "/continuing-education", summary="新增继续教育记录（附证书扫描件）", tag=TAG,
           body=CeRecordUpload, raw_body=True, roles=("applicant",), status=201,
           responses=UPLOAD_RESPONSES, response=CeRecordOut)
async def add_record(request, call):
    async with received_upload(request, owner=call.user["id"]) as upload:
        fields = {k: v for k, v in upload.fields.items() if k in CeRecordForm.model_fields}
        if not (fields.get("organizer") or "").strip():
            fields.pop("organizer", None)
        try:
            form = CeRecordForm.model_validate(fields)
        except ValidationError as exc:
            return validation_error(exc)
        return await call.rpc.applications.add_ce_record(
            call.user, form.model_dump(), upload.filename, upload.content_b64())


@api.route("GET", "/continuing-education", summary="我的继续教育记录（含每年学时与合计）", tag=TAG,
           roles=("applicant",), response=CeRecords)
async def list_records(request, call):
    return await call.rpc.applications.list_ce_records(call.user)


@api.route("DELETE", "/continuing-education/{id}", summary="删除继续教育记录", tag=TAG,
           roles=("applicant",), status=204)
async def delete_record(request, call):
    await call.rpc.applications.delete_ce_record(call.user, call.params["id"])
    return web.Response(status=204)


@api.route("GET", "/continuing-education/{id}/certificate", summary="下载继续教育证书扫描件", tag=TAG,
           roles=("applicant",), response="application/octet-stream")
async def certificate(request, call):
    result = await call.rpc.applications.read_ce_certificate(call.user, call.params["id"])
    return file_response(result)
