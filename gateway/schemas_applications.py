"""Request models of the applications area (validated by the gateway, shown in
the OpenAPI document). The applications service checks every rule again."""
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QualificationIn(_Strict):
    region_code: str = Field(pattern=r"^\d{6}$", description="地区代码（6 位）")
    series: str = Field(min_length=1, max_length=64, description="系列")
    specialty: str = Field(min_length=1, max_length=64, description="专业")
    level: Literal["初级", "中级", "副高", "正高"]
    title: str = Field(min_length=1, max_length=64, description="资格名称")
    committee_id: str = Field(min_length=1, max_length=64)
    conditions: str | None = Field(default=None, max_length=20000, description="任职资格条件")
    kinds: list[str] | None = Field(default=None, min_length=1, max_length=20,
                                    description="可申报类型（申报类型编号，默认仅 review 评审）")
    directed: bool = Field(default=False,
                           description="南疆四地州定向评价、定向使用（仅喀什、和田、阿克苏、克孜勒苏的资格）")


class KindsIn(_Strict):
    kinds: list[str] = Field(min_length=1, max_length=20, description="可申报类型（申报类型编号）")


class ConditionsIn(_Strict):
    conditions: str = Field(max_length=20000, description="任职资格条件（文本）")


class QualificationQuery(BaseModel):
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$", description="工作单位所在地区代码")
    kind: str | None = Field(default=None, max_length=32, description="申报类型：只列出接受该类型的资格")


class NodeDays(_Strict):
    unit: int | None = Field(default=None, ge=1)
    department: int | None = Field(default=None, ge=1)
    committee: int | None = Field(default=None, ge=1)


class SpecialtyWindow(_Strict):
    submit_opens_at: datetime | None = None
    submit_closes_at: datetime | None = None
    receive_opens_at: datetime | None = None
    receive_closes_at: datetime | None = None


class CommitteeSettingsIn(_Strict):
    submit_opens_at: datetime = Field(description="申请人提交开始时间")
    submit_closes_at: datetime = Field(description="申请人提交截止时间")
    receive_opens_at: datetime | None = Field(default=None, description="评审委员会接收材料开始时间（部门报送）")
    receive_closes_at: datetime | None = Field(
        default=None, description="评审委员会接收材料截止时间：此外部门向评审委员会报送 → 409 window_closed")
    specialty_windows: dict[str, SpecialtyWindow] | None = Field(
        default=None, max_length=500, description="各专业的申报时间（专业 → 时间），优先于评审委员会的时间")
    max_submissions: int = Field(ge=1, le=100)
    fee_fen: int = Field(ge=0)
    receiving_department_ids: list[str] = Field(default_factory=list, max_length=100)
    meeting_quorum: int | None = Field(default=None, ge=1)
    publicity_min_days: int | None = Field(default=None, ge=0, le=60)
    node_days: NodeDays | None = None


class ApplicationIn(_Strict):
    qualification_id: str = Field(min_length=1, max_length=64)
    unit_id: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=2000, le=2100)
    kind: str = Field(default="review", min_length=1, max_length=32,
                      description="申报类型（GET /application-kinds 的 key）：review 评审、"
                                  "special_talent 特殊人才认定、initial 初次确定、conferral 授予、"
                                  "fanghuiju 访惠聚三年高定")


class ChangeQualificationIn(_Strict):
    qualification_id: str = Field(min_length=1, max_length=64)


class SectionData(RootModel[dict[str, Any]]):
    """The section's data: an object of its template's fields (checked by the service)."""


# -- responses (for the OpenAPI document) ---------------------------------------------

class OrgRef(BaseModel):
    id: str
    name: str


class QualificationOut(BaseModel):
    id: str
    region_code: str
    series: str
    specialty: str
    level: str
    title: str
    committee: OrgRef
    conditions: str = Field(description="任职资格条件")
    kinds: list[str] = Field(description="可申报类型（申报类型编号）")
    directed: bool = Field(default=False, description="南疆四地州定向评价、定向使用")
    directed_note: str | None = Field(default=None, description="定向时为「南疆四地州定向评价、定向使用」")


class KindOut(BaseModel):
    key: str = Field(description="申报类型编号")
    name: str = Field(description="名称，如 初次确定")
    description: str = ""
    fee: bool = Field(description="是否收取评审费")
    meeting: bool = Field(description="是否经评审会议表决（否：评审委员会认定）")
    conclusion: Literal["meeting", "confirm"]
    eligibility: str = Field(description="申报依据（资格条件的类别）")
    profile: str | None = Field(default=None, description="申请书栏目方案（null：按资格匹配）")
    levels: list[str] | None = Field(default=None, description="可申报的级别（null：不限）")


class KindList(RootModel[list[KindOut]]):
    pass


class KindRef(BaseModel):
    key: str
    name: str
    fee: bool
    meeting: bool
    conclusion: str
    eligibility: str | None = None


class QualificationList(RootModel[list[QualificationOut]]):
    pass


class CommitteeSettingsOut(BaseModel):
    committee_id: str
    submit_opens_at: str
    submit_closes_at: str
    max_submissions: int
    fee_fen: int
    receiving_department_ids: list[str]
    meeting_quorum: int | None
    publicity_min_days: int
    node_days: dict[str, int]
    receive_opens_at: str | None = None
    receive_closes_at: str | None = None
    specialty_windows: dict[str, dict[str, str]] = Field(default_factory=dict)


class TemplateField(BaseModel):
    key: str
    label: str
    type: Literal["text", "integer", "date", "choice", "boolean", "table"]
    required: bool
    options: list[str] | None = None
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    columns: list["TemplateField"] | None = None


class TemplateSection(BaseModel):
    key: str
    title: str
    fields: list[TemplateField]
    attachments_required: int
    attachments_hint: str = ""


class TemplateOut(BaseModel):
    version: str
    profile: str | None
    sections: list[TemplateSection]


class HistoryEntry(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    action: str
    from_: str = Field(alias="from")
    to: str
    opinion: str | None
    by: dict[str, Any]
    impersonated_by: dict[str, Any] | None
    at: str


class StatusInfo(BaseModel):
    """One status of the vocabulary the applications service owns (GET /statuses)."""
    key: str
    name: str = Field(description="状态名称（提交后在审核中时为当前节点的名称，如「申请人提交到基层工作单位」）")
    tone: Literal["neutral", "progress", "attention", "success", "failure"]
    editable: bool = Field(description="申请人可修改栏目、附件、资格并提交")
    withdrawable: bool = Field(description="申请人可收回（基层单位尚未审核时）")
    in_review: bool = Field(description="在审核流程中")
    formal: bool = Field(description="已通过形式审核：评审表为正式评审表")
    final: bool = Field(description="本年度不再变化")
    names_at_node: dict[str, str] | None = Field(
        default=None, description="审核中时各节点的状态名称（按节点位置：unit / county_department / "
                                  "prefecture_department / receiving_department / committee）")
    node_labels: dict[str, str] | None = Field(
        default=None, description="审核流程节点名称（按节点位置，如 receiving_department → 地厅级材料接收部门）")
    names_by: dict[str, str] | None = Field(
        default=None, description="按申报类型的名称：confirm（评审委员会认定的类型）/ no_fee（不收费的类型）")


class StatusList(RootModel[list[StatusInfo]]):
    pass


class ApplicationOut(BaseModel):
    """API.md's application object; route/comments/opinions come from review and
    attachments from documents (absent from the list view)."""
    id: str
    number: str = Field(description="RSSQ + 8 位数字")
    year: int
    kind: KindRef = Field(description="申报类型")
    status: str
    status_info: StatusInfo
    version: int = Field(description="每次修改加一（评审表缓存键）")
    read_only: bool = Field(description="往年的申请书只能查看")
    applicant: OrgRef
    qualification: dict[str, Any]
    unit: OrgRef
    committee: OrgRef
    submissions_used: int
    submissions_max: int | None
    submit_opens_at: str | None
    submit_closes_at: str | None
    days_to_close: int | None = Field(description="距提交截止天数（负数：提交已截止N天）；通过形式审核后为 null")
    receive_opens_at: str | None = Field(default=None, description="评审委员会接收材料开始时间（本专业适用的）")
    receive_closes_at: str | None = Field(default=None, description="评审委员会接收材料截止时间")
    receive_days_to_close: int | None = Field(default=None, description="距接收截止天数（负数：已截止）")
    template: TemplateOut
    sections: dict[str, dict[str, Any]]
    needs_review: list[str] = Field(description="更改资格后需重新检查的栏目")
    history: list[HistoryEntry]
    paper_received: dict[str, Any] | None = Field(default=None, description="纸质材料已由评审委员会登记收到：{at, by}")
    can_delete: bool = Field(default=False, description="可删除：从未提交过的草稿")
    can_change_qualification: bool = Field(default=False, description="可更改资格：未提交（草稿、收回或退回后）")
    can_withdraw: bool | None = Field(default=None, description="可收回：已提交且基层单位尚未办理、未填写意见")
    route: list[dict[str, Any]] | None = Field(
        default=None, description="审核流程：各节点 node、place（在链中的位置）、label（如「地厅级材料接收部门」）、"
                                  "name、contact、state")
    comments: list[dict[str, Any]] | None = None
    opinions: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None


class ApplicationList(RootModel[list[ApplicationOut]]):
    pass


class ResultOut(BaseModel):
    """查看评审结果: what the applicant sees once a meeting or confirmation exists.
    Votes are counts only (never who voted); null for a kind the committee confirms."""
    application_id: str
    kind: dict[str, Any] = Field(description="申报类型 {key, name}")
    conclusion: Literal["meeting", "confirm"] = Field(description="meeting 会议表决 / confirm 评审委员会认定")
    committee: str | None = None
    held_on: str = Field(description="会议（认定）日期")
    experts_present: int | None = Field(description="到会专家人数")
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    votes_needed: int | None = Field(description="通过所需同意票数（到会专家的三分之二）")
    reason: str | None = Field(description="认定理由（不予认定时必有）")
    passed: bool
    overturned: bool = Field(description="公示期异议成立，结果被撤销")
    publicity: dict[str, Any] | None = Field(description="公示期 {starts_at, ends_at, open, ended}")
    approval: dict[str, Any] | None = Field(description="批文 {document_no, approved_at}")
    certificate: dict[str, Any] | None = Field(description="电子证书 {no, pdf_url}")
