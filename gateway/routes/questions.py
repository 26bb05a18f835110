"""HTTP routes of 在线问答: applicants and base units ask a committee or a
department; that organisation's staff answer and may publish the answer in its
public FAQ (常见问题), which the portal shows per committee. The applications
service owns the questions and decides who sees what (anyone else: 404)."""
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from gateway.api import api
from gateway.routes.documents import file_response
from gateway.upload_limits import UPLOAD_RESPONSES, received_upload

TAG = "在线问答"
ASKERS = ("applicant", "unit_admin")
ANSWERERS = ("department_staff", "committee_staff")


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_org_id: str = Field(min_length=1, max_length=64, description="咨询的评审委员会或主管部门")
    title: str = Field(min_length=1, max_length=100, description="问题标题（不超过 100 字）")
    # Checked by the service (a location named "body" would lose its field in the 422).
    body: Any = Field(default=None, description="问题内容（必填，不超过 2000 字）",
                      json_schema_extra={"type": "string", "minLength": 1, "maxLength": 2000})


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1, max_length=4000, description="答复内容")
    publish: bool = Field(default=False, description="同时公开到本单位的常见问题")


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    published: bool = Field(description="是否公开到常见问题")


class QuestionQuery(BaseModel):
    state: Literal["waiting", "answered"] | None = Field(default=None, description="waiting 待答复 | answered 已答复")


class FaqQuery(BaseModel):
    org_id: str = Field(min_length=1, max_length=64, description="评审委员会或主管部门")


class ScanUpload(BaseModel):
    file: bytes = Field(description="扫描件：JPEG、PNG 或 PDF，不超过 2 MB", json_schema_extra={"format": "binary"})


class OrgBrief(BaseModel):
    id: str
    name: str | None
    kind: str | None = None


class PublicQuestionOut(BaseModel):
    id: str
    title: str
    body: str
    to: OrgBrief
    answer: str | None
    answered_at: str | None
    published: bool
    created_at: str


class QuestionOut(PublicQuestionOut):
    asker: dict[str, Any]
    answered_by: dict[str, Any] | None
    scan: dict[str, Any] | None
    state: Literal["waiting", "answered"]


class QuestionList(RootModel[list[QuestionOut]]):
    pass


class FaqList(RootModel[list[PublicQuestionOut]]):
    pass


@api.route("POST", "/questions", summary="在线问答：向评审委员会或主管部门提问", tag=TAG, body=QuestionIn,
           response=QuestionOut, roles=ASKERS, status=201,
           responses={422: "未选择评审委员会或主管部门，或标题、内容不符合要求"})
async def ask(request, call):
    return await call.rpc.applications.ask_question(call.user, call.body.model_dump())


@api.route("GET", "/questions", summary="在线问答：我提的问题 / 向本单位提的问题", tag=TAG, query=QuestionQuery,
           response=QuestionList, roles=ASKERS + ANSWERERS)
async def list_questions(request, call):
    return await call.rpc.applications.list_questions(call.user, call.query.state)


@api.route("GET", "/questions/{id}", summary="在线问答：问题与答复", tag=TAG, response=QuestionOut,
           roles=ASKERS + ANSWERERS, responses={404: "问题不存在（或不是您的、不是向本单位提的）"})
async def get_question(request, call):
    return await call.rpc.applications.get_question(call.user, call.params["id"])


@api.route("POST", "/questions/{id}/answer", summary="在线问答：答复（可同时公开到常见问题）", tag=TAG,
           body=AnswerIn, response=QuestionOut, roles=ANSWERERS,
           responses={404: "问题不存在或不是向本单位提的"})
async def answer(request, call):
    return await call.rpc.applications.answer_question(call.user, call.params["id"], call.body.model_dump())


@api.route("PUT", "/questions/{id}/publication", summary="在线问答：公开或撤下常见问题", tag=TAG,
           body=PublishIn, response=QuestionOut, roles=ANSWERERS,
           responses={404: "问题不存在或不是向本单位提的", 409: "尚未答复（not_answered）"})
async def publication(request, call):
    return await call.rpc.applications.publish_question(call.user, call.params["id"], call.body.published)


@api.route("POST", "/questions/{id}/scan", summary="在线问答：上传问题附件（扫描件，答复前）", tag=TAG,
           body=ScanUpload, raw_body=True, response=QuestionOut, roles=ASKERS,
           responses={**UPLOAD_RESPONSES, 404: "问题不存在", 409: "已答复（already_answered）"})
async def attach_scan(request, call):
    async with received_upload(request, owner=call.user["id"]) as upload:
        return await call.rpc.applications.attach_question_scan(
            call.user, call.params["id"], upload.filename, upload.content_b64())


@api.route("GET", "/questions/{id}/scan", summary="在线问答：下载问题附件", tag=TAG,
           response="application/octet-stream", roles=ASKERS + ANSWERERS, responses={404: "问题或附件不存在"})
async def read_scan(request, call):
    return file_response(await call.rpc.applications.read_question_scan(call.user, call.params["id"]))


@api.route("GET", "/public/faq", summary="常见问题：评审委员会或主管部门公开的问答", tag=TAG, query=FaqQuery,
           response=FaqList, roles=None)
async def faq(request, call):
    return await call.rpc.applications.faq(call.query.org_id)
