"""HTTP routes of 站内信 (the in-app inbox): every notice the platform sends a
person, with unread counts, and which categories also go by SMS/email. The
accounts service owns both; each person sees only their own."""
from pydantic import BaseModel, ConfigDict, Field

from gateway.api import api

TAG = "站内信"
EVERYONE = ()  # any logged-in user: each reads only their own


class InboxQuery(BaseModel):
    unread_only: bool = Field(False, description="只看未读")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class MessageOut(BaseModel):
    id: int
    kind: str
    category: str = Field(description="review 审核任务、application 申报进度、account 账号安全、notice 其他通知")
    category_name: str
    subject: str
    body: str
    sent_by: str | None = Field(description="同时以 sms / email 发送；仅站内信时为 null")
    created_at: str
    read: bool


class InboxOut(BaseModel):
    items: list[MessageOut]
    total: int
    page: int
    page_size: int
    unread: int


class UnreadOut(BaseModel):
    unread: int


class PreferenceOut(BaseModel):
    key: str
    name: str
    external: bool = Field(description="是否同时以短信/邮件发送")
    can_turn_off: bool


class PreferencesOut(BaseModel):
    categories: list[PreferenceOut]


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: dict[str, bool] = Field(description="{类别: 是否同时以短信/邮件发送}；账号安全类不能关闭",
                                        min_length=1, max_length=10)


@api.route("GET", "/inbox", summary="站内信（最新在前，含未读数）", tag=TAG, query=InboxQuery, roles=EVERYONE,
           response=InboxOut)
async def list_inbox(request, call):
    q = call.query
    return await call.rpc.accounts.inbox(call.user, q.unread_only, q.page, q.page_size)


@api.route("GET", "/inbox/unread-count", summary="站内信未读数（页头铃铛）", tag=TAG, roles=EVERYONE,
           response=UnreadOut)
async def unread_count(request, call):
    return await call.rpc.accounts.inbox_unread(call.user)


@api.route("POST", "/inbox/{id}/read", summary="标记一条站内信为已读", tag=TAG, roles=EVERYONE,
           responses={404: "消息不存在"}, response=MessageOut)
async def read_one(request, call):
    try:
        message_id = int(call.params["id"])
    except ValueError:
        message_id = None
    return await call.rpc.accounts.inbox_mark_read(call.user, message_id if message_id is not None else -1)


@api.route("POST", "/inbox/read-all", summary="全部标记为已读", tag=TAG, roles=EVERYONE, response=UnreadOut)
async def read_all(request, call):
    return await call.rpc.accounts.inbox_mark_read(call.user, None)


@api.route("GET", "/me/notification-preferences", summary="消息接收设置：各类消息是否同时以短信/邮件发送", tag=TAG,
           roles=EVERYONE, response=PreferencesOut)
async def get_preferences(request, call):
    return await call.rpc.accounts.notification_preferences(call.user)


@api.route("PUT", "/me/notification-preferences", summary="修改消息接收设置", tag=TAG, body=PreferencesIn,
           roles=EVERYONE, responses={422: "未知的类别或账号安全类不能关闭"}, response=PreferencesOut)
async def put_preferences(request, call):
    return await call.rpc.accounts.set_notification_preferences(call.user, call.body.categories)
