"""Response shapes of the routes that answered without one in the OpenAPI
document (accounts, documents, payments, review, system). Each names the fields
every answer carries; the services may add more (extra fields are allowed), so a
client can rely on these and the fuzz test checks every answer against them."""
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, Field, RootModel

# -- small shared pieces -----------------------------------------------------------------


class Ref(BaseModel):
    id: str
    name: str | None


class Done(BaseModel):
    """An action that changes nothing the caller needs back."""
    ok: bool


class Deleted(BaseModel):
    id: str
    deleted: bool
    # Attachments: a file a submission carried is only taken off the application.
    kept_as_evidence: bool | None = None


@cache
def page_of(item):
    class Page(BaseModel):
        items: list[item]
        total: int
        page: int
        page_size: int
    Page.__name__ = Page.__qualname__ = f"{item.__name__}Page"
    return Page


@cache
def list_of(item):
    return type(f"{item.__name__}List", (RootModel[list[item]],), {})


# -- accounts ---------------------------------------------------------------------------------

class ApplicantRegistered(BaseModel):
    user_id: str
    username: str


class UnitRegistered(BaseModel):
    unit_id: str
    username: str


class StaffCreated(BaseModel):
    user_id: str
    username: str


class ContactOut(BaseModel):
    person: str | None
    phone: str | None
    address: str | None = None


class OrganizationOut(BaseModel):
    id: str
    kind: Literal["unit", "department", "committee"]
    name: str
    region_code: str
    parent_id: str | None
    contact: ContactOut
    created_at: str


class CreditCodeAppealOut(BaseModel):
    """A unit's credit-code appeal as the unit sees it (also in ``GET /units/{id}``
    ``credit_code_appeals``)."""
    id: str
    status: Literal["pending", "approved", "rejected"]
    credit_code: str
    old_credit_code: str | None
    reason: str
    has_scan: bool
    note: str | None = None
    created_at: str
    decided_at: str | None = None


class UnitOut(OrganizationOut):
    complete: bool
    recommending_unit_ids: list[str]
    missing: list[str]
    name_history: list[dict[str, Any]] = Field(default_factory=list, description="[{old_name, new_name, by, at}]")
    credit_code_history: list[dict[str, Any]] = Field(default_factory=list,
                                                      description="[{old_code, new_code, by, at}]")
    credit_code_appeals: list[CreditCodeAppealOut] = Field(default_factory=list, description="最新的在前")


class UnitBrief(BaseModel):
    id: str
    name: str
    region_code: str


class RegionOut(BaseModel):
    code: str
    name: str
    short_name: str
    kind: str


class DepartmentOut(UnitBrief):
    parent_id: str | None


class CommitteeContact(UnitBrief):
    address: str | None
    contact_person: str | None
    phone: str | None


class ProfileOut(BaseModel):
    id: str
    username: str
    name: str
    role: str
    phone: str | None
    email: str | None
    org_id: str | None
    region_code: str


class AuditEntry(BaseModel):
    id: int
    at: str
    kind: str
    user_id: str | None
    detail: dict[str, Any] | None


class RecoveryStarted(BaseModel):
    recovery_id: str
    channel: Literal["sms", "email"]


class PasswordReset(BaseModel):
    username: str


class UsernameRecovered(BaseModel):
    username_masked: str


class AppealReceived(BaseModel):
    id: str
    status: str
    created_at: str


class AppealOut(BaseModel):
    id: str
    kind: Literal["applicant", "unit", "credit_code"] = Field(
        description="applicant/unit：账号申诉；credit_code：单位变更统一社会信用代码（credit_code 为新代码）")
    status: Literal["pending", "approved", "rejected"]
    scan: dict[str, Any] | None = Field(description="扫描件；信用代码变更申诉可不附（null）")
    account: dict[str, Any] | None
    unit: dict[str, Any] | None = Field(default=None, description="credit_code：所涉单位 {id, name, code, credit_code}")
    old_credit_code: str | None = None
    reason: str | None = None
    created_at: str


# -- documents ----------------------------------------------------------------------------------

class AttachmentOut(BaseModel):
    id: str
    section: str
    name: str
    size: int
    content_type: str
    sha256: str
    stored_at: str | None = None


class AttachmentHistoryItem(AttachmentOut):
    """A file the application carried at some time: ``detached_at`` when it was taken
    off after a return (a submitted file is never deleted), ``submitted`` when a
    submission carried it."""
    detached_at: str | None = None
    submitted: bool = False


class CertificatePublic(BaseModel):
    no: str
    name: str
    title: str
    level: str
    kind: str | None = Field(None, description="取得方式（申报类型名称，如 初次确定）")
    committee: str
    approved_on: str
    document_no: str
    revoked: bool = False
    revoked_at: str | None = None
    revoked_reason: str | None = None


class CertificateOut(CertificatePublic):
    application_id: str
    verify_url: str


class CertificateCheck(BaseModel):
    """The public check's answer (issue #15): ``verdict`` is valid, revoked, invalid
    (forged, altered, another signer, or disagreeing with the register) or
    unregistered (genuinely signed, yet not in the register)."""
    verdict: str
    valid: bool
    message: str
    certificate: dict[str, Any] | None = None
    signature: dict[str, Any] | None = None


class EvidenceCheckRunOut(BaseModel):
    """One evidence check: every file of every live application re-hashed."""
    day: str
    started_at: str | None
    finished_at: str | None
    applications: int
    files: int
    damaged: list[dict[str, Any]]


class CertificateSigningKey(BaseModel):
    """The public half of the platform's certificate signature (docs/certificates.md)."""
    algorithm: str
    qr_format: str
    qr_fields: list[str]
    public_key_pem: str
    jwk: dict[str, Any]
    certificate_pem: str
    subject: str
    sha256_fingerprint: str
    not_after: str


class CeRecordOut(BaseModel):
    id: str
    year: int
    course: str
    organizer: str | None
    hours: int
    certificate: dict[str, Any]
    created_at: str


class CeRecords(BaseModel):
    records: list[CeRecordOut]
    hours_by_year: dict[str, int] = Field(description="每年学时（键为年度）")
    total: int


# -- payments -------------------------------------------------------------------------------------

class FeeOut(BaseModel):
    order_no: str
    amount_fen: int
    status: str = Field(description="unpaid | paid 等")
    pay_url: str | None


class CallbackOut(BaseModel):
    result: str
    order_no: str | None


class ReconcileOut(BaseModel):
    provider: str
    checked_at: str


# -- review ------------------------------------------------------------------------------------------

class ReviewItem(BaseModel):
    application_id: str
    number: str
    applicant: Ref
    place: str | None = Field(default=None, description=(
        "已提交时持有它的节点位置（unit、county_department、prefecture_department、receiving_department、"
        "committee）：状态按它命名（GET /statuses 的 names_at_node，如 申请人提交到基层工作单位）"))


class ReviewDetail(BaseModel):
    id: str
    number: str
    status: str
    applicant: Ref


class CommentOut(BaseModel):
    id: Any
    section: str
    text: str
    at: str


class DecisionOut(BaseModel):
    application_id: str
    status: str
    action: str


class MeetingResultOut(BaseModel):
    application_id: str
    passed: bool
    conclusion: str = Field("meeting", description="meeting 会议表决 / confirm 评审委员会认定")
    kind: dict[str, Any] | None = Field(None, description="申报类型 {key, name}")
    reason: str | None = Field(None, description="不予认定的理由")


class MeetingOut(BaseModel):
    id: str
    results: list[MeetingResultOut]


class PublicityOut(BaseModel):
    id: str
    meeting_id: str
    starts_at: str
    ends_at: str


class ObjectionOut(BaseModel):
    id: str
    publicity_id: str
    application_number: str


class ApprovalOut(BaseModel):
    approval_id: str
    document_no: str


class PublicityEntry(BaseModel):
    publicity_id: str
    application_number: str
    name: str | None
    unit: str | None
    title: str
    committee: str | None
    ends_at: str


# -- system ---------------------------------------------------------------------------------------------

class HealthCheckOut(BaseModel):
    ok: bool
    ms: float
    error: str | None = None


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    # unhealthy: the service answered, but a check (its database, object store) failed
    services: dict[str, Literal["ok", "unhealthy", "unavailable", "timeout", "error"]]
    # consumers of each service's rpc-<service> queue (null before the first count)
    instances: dict[str, int | None]
    # each answering service's checks: {"database": {"ok", "ms", "error"?}, ...}
    checks: dict[str, dict[str, HealthCheckOut]]


class Echo(BaseModel):
    echo: str


# Plain JSON schemas where a model would say no more.
OPENAPI = {"type": "object", "required": ["openapi", "paths"]}
LIST_OF_OBJECTS = {"type": "array", "items": {"type": "object"}}


# -- 申报条件自查 and what changed since a return ------------------------------------------

class EligibilityItem(BaseModel):
    key: str = Field(description="条件的稳定键（提交被拒时 error.condition 即为此键）")
    type: str
    label: str
    met: bool
    reason: str
    options: list[dict[str, Any]] | None = Field(None, description="any_of：每组条件及是否满足")


class EligibilityException(BaseModel):
    reason: str
    by: dict[str, Any]
    at: str


class EligibilityOut(BaseModel):
    application_id: str
    kind: str = Field(description="申报类型键：review、initial、conferral、special_talent、fanghuiju")
    rules: dict[str, Any] | None = Field(description="所用条件文件（系列、地区、文件名、级别）；无则为 null")
    items: list[EligibilityItem]
    eligible: bool = Field(description="是否满足全部条件")
    exception: EligibilityException | None = Field(description="评审委员会批准的破格申报（理由、批准人、时间）")
    may_submit: bool = Field(description="满足条件或已批准破格")
    note: str | None


class CommitteeEligibilityOut(BaseModel):
    application: dict[str, Any] = Field(description="申请书编号、状态、申请人、单位、资格")
    checklist: EligibilityOut


class SectionChange(BaseModel):
    section: str
    title: str
    fields: list[dict[str, Any]] = Field(description="改动的字段：field、label、before、after")
    rows_added: list[dict[str, Any]]
    rows_removed: list[dict[str, Any]]


class ChangesOut(BaseModel):
    application_id: str
    from_submission: int | None = Field(description="比较的基准：被退回（或收回）的那次提交")
    to_submission: int | None = Field(description="最新一次提交；申请人修改中为 null（与当前内容比较）")
    sections: list[SectionChange]
    attachments: dict[str, list[dict[str, Any]]] = Field(description="added / removed：附件 id、name、section、sha256")
    changed_sections: list[str]
    comments: list[dict[str, Any]] | None = Field(
        None, description="申请人视图：退回时的栏目意见，addressed 表示该栏目此后已修改")
