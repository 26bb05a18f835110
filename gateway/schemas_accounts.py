"""Request and response models of the accounts area (API.md: bootstrap and
administration, registration and login, base unit; plus recovery and appeals).
Formats (ID numbers, credit codes, phones, passwords) are checked by the accounts
service, which owns those rules; these models check shape."""
from typing import Literal

from pydantic import BaseModel, Field

Text = str


class LoginBody(BaseModel):
    username: Text = Field(min_length=1, max_length=64)
    password: Text = Field(min_length=1, max_length=128)
    region_code: Text | None = Field(default=None, description="登录入口：自治区本级 650000 或地州代码")
    cookie: bool = Field(default=False, description="网页端：同时以 HttpOnly Cookie 保存登录凭证")


class SwitchRegionBody(BaseModel):
    region_code: Text


class UserOut(BaseModel):
    id: str
    username: str
    name: str
    role: Literal["applicant", "unit_admin", "department_staff", "committee_staff", "platform_admin", "expert"]
    region_code: str
    org_id: str | None = None
    impersonated_by: dict | None = None
    can_apply: bool = False
    must_change_password: bool = Field(
        default=False, description="管理员发放的密码：修改前只能访问 /me、退出登录和修改密码")
    phone: str | None = Field(default=None, description="注册的手机号")
    birth_date: str | None = Field(default=None, description="身份证号所载出生日期（YYYY-MM-DD）；无身份证号的账号为空")
    gender: Literal["男", "女"] | None = Field(default=None, description="身份证号所载性别（第17位奇数为男）")


class LoginOut(BaseModel):
    token: str
    expires_at: str
    user: UserOut
    device_id: str | None = Field(default=None, description="本设备标识（网页端另以 HttpOnly Cookie 保存）；"
                                  "API 客户端在以后登录时以 X-Device-Id 头发送，本设备登录不受他处失败尝试的影响")


class ApplicantRegistration(BaseModel):
    id_number: Text = Field(max_length=32)
    name: Text = Field(max_length=64)
    password: Text = Field(max_length=128)
    phone: Text = Field(max_length=32)
    region_code: Text | None = None
    email: Text | None = Field(default=None, max_length=200)
    username: Text | None = Field(default=None, max_length=64, description="可选；默认为身份证号")
    terms_version: Text | None = Field(
        default=None, max_length=32,
        description="已阅读并同意的注册须知版本（须为现行版本；未填或不是现行版本 → 422 terms_not_accepted，"
                    "params.current 为现行版本）")


class UnitRegistration(BaseModel):
    name: Text = Field(max_length=200)
    credit_code: Text = Field(max_length=32)
    region_code: Text
    password: Text = Field(max_length=128)
    contact_person: Text = Field(max_length=64)
    contact_phone: Text = Field(max_length=32)
    address: Text = Field(max_length=300)
    terms_version: Text | None = Field(
        default=None, max_length=32,
        description="已阅读并同意的注册须知版本（须为现行版本；未填或不是现行版本 → 422 terms_not_accepted，"
                    "params.current 为现行版本）")


class Contact(BaseModel):
    person: Text = Field(max_length=64)
    phone: Text = Field(max_length=32)
    address: Text | None = Field(default=None, max_length=300)


class OrganizationBody(BaseModel):
    kind: Literal["department", "committee"]
    name: Text = Field(max_length=200)
    region_code: Text
    parent_id: Text | None = None
    contact: Contact


class StaffBody(BaseModel):
    username: Text = Field(max_length=64)
    password: Text = Field(max_length=128)
    name: Text = Field(max_length=64)
    phone: Text = Field(max_length=32)


class StaffOut(BaseModel):
    user_id: str
    username: str
    name: str
    phone: str | None = None
    role: str
    created_at: str
    disabled: bool


class StaffStatusBody(BaseModel):
    disabled: bool = Field(description="true 停用，false 启用")


class UnitUpdate(BaseModel):
    name: Text | None = Field(default=None, max_length=200)
    legal_person: Text | None = Field(default=None, max_length=64)
    address: Text | None = Field(default=None, max_length=300)
    contact_person: Text | None = Field(default=None, max_length=64)
    contact_phone: Text | None = Field(default=None, max_length=32)
    recommending_unit_ids: list[Text] | None = Field(default=None, description="最多两个部门编号")


class UnitQuery(BaseModel):
    region_code: Text | None = None
    q: Text | None = Field(default=None, max_length=100)


class RegionQuery(BaseModel):
    region_code: Text | None = None


class OrganizationQuery(BaseModel):
    kind: Literal["unit", "department", "committee"] | None = None
    region_code: Text | None = None


class ProfileUpdate(BaseModel):
    phone: Text | None = Field(default=None, max_length=32)
    email: Text | None = Field(default=None, max_length=200)
    current_password: Text | None = Field(default=None, max_length=128,
                                          description="修改手机号或邮箱（找回账号的途径）时必填")


class PasswordChange(BaseModel):
    old_password: Text = Field(max_length=128)
    new_password: Text = Field(max_length=128)


class ImpersonateBody(BaseModel):
    username: Text = Field(max_length=64)


class AuditQuery(BaseModel):
    user: Text | None = None
    kind: Text | None = None
    page: int = Field(default=1, ge=1, le=100000)
    page_size: int = Field(default=50, ge=1, le=200)


class SmsRecoveryBody(BaseModel):
    id_number: Text = Field(max_length=32)
    name: Text = Field(max_length=64)
    phone: Text = Field(max_length=32)


class EmailRecoveryBody(BaseModel):
    email: Text = Field(max_length=200)


class ResetBody(BaseModel):
    recovery_id: Text = Field(max_length=64)
    code: Text = Field(max_length=16)
    new_password: Text = Field(max_length=128)


class AppealForm(BaseModel):
    """The text fields of the multipart appeal form (the scan comes as ``file``)."""
    kind: Literal["applicant", "unit"]
    id_number: Text | None = Field(default=None, max_length=32)
    credit_code: Text | None = Field(default=None, max_length=32)
    name: Text = Field(max_length=200)
    phone: Text = Field(max_length=32)
    email: Text | None = Field(default=None, max_length=200)


class CreditCodeAppealForm(BaseModel):
    """The text fields of the multipart 变更统一社会信用代码 form (the licence scan, if
    any, comes as ``file``). The accounts service checks them, after checking the unit
    is the caller's own."""
    credit_code: Text | None = Field(default=None, max_length=32, description="新的统一社会信用代码（18位，GB 32100）")
    reason: Text | None = Field(default=None, max_length=500, description="变更理由")


class AppealQuery(BaseModel):
    status: Literal["pending", "approved", "rejected"] | None = None


class AppealDecision(BaseModel):
    approve: bool
    note: Text | None = Field(default=None, max_length=1000)
    new_password: Text | None = Field(default=None, max_length=128)
    confirm_name_mismatch: bool = Field(
        default=False, description="申诉名称与账号登记名称不一致时，管理员核实后确认通过")
