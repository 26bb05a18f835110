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


class ConditionsIn(_Strict):
    conditions: str = Field(max_length=20000, description="任职资格条件（文本）")


class QualificationQuery(BaseModel):
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$", description="工作单位所在地区代码")


class NodeDays(_Strict):
    unit: int | None = Field(default=None, ge=1)
    department: int | None = Field(default=None, ge=1)
    committee: int | None = Field(default=None, ge=1)


class CommitteeSettingsIn(_Strict):
    submit_opens_at: datetime
    submit_closes_at: datetime
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
    route_kind: Literal["评审", "初次确定", "授予", "特殊人才认定"] = "评审"


class ChangeQualificationIn(_Strict):
    qualification_id: str = Field(min_length=1, max_length=64)


class SectionData(RootModel[dict[str, Any]]):
    """The section's data: an object of its template's fields (checked by the service)."""
