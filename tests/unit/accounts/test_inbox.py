"""站内信: every notice lands in the person's inbox with an unread count; the
categories a person turns off do not also go by SMS/email (账号安全 cannot be
turned off); one never reads or marks another's messages; a recovery code's
inbox copy carries no code."""
import pytest
from sqlalchemy import select

from services.accounts.models import InboxMessage, Notification
from tests.unit.accounts.builders import applicant
from zc_common.errors import Invalid, NotFound


@pytest.fixture
def person(service):
    data = applicant(email="inbox@example.cn")
    registered = service.register_applicant(data)
    user_id = registered["user_id"]
    return {**data, **registered, "id": user_id, "actor": {"id": user_id, "role": "applicant"}}


def outbox(db, user_id):
    return db.scalars(select(Notification).where(Notification.user_id == user_id)).all()


def test_a_notice_lands_in_the_inbox_and_by_sms(service, db, person):
    queued = service.on_notice_requested({"user_ids": [person["id"]], "subject": "申请书状态变更",
                                          "body": "您的申请书已退回", "kind": "application_status"})
    assert queued == 1
    box = service.inbox(person["actor"])
    assert box["unread"] == 1 and box["total"] == 1
    message = box["items"][0]
    assert (message["subject"], message["category"], message["sent_by"], message["read"]) == \
        ("申请书状态变更", "application", "sms", False)
    assert [n.channel for n in outbox(db, person["id"])] == ["sms"]


def test_the_inbox_may_carry_more_than_the_sms(service, db, person):
    """A return's SMS carries its reason cut short; the inbox copy carries it whole."""
    service.on_notice_requested({"user_ids": [person["id"]], "subject": "申请书状态变更", "kind": "application_status",
                                 "body": "已退回。退回意见：请补…", "inbox_body": "已退回。退回意见：请补充学历证书。"})
    assert [n.body for n in outbox(db, person["id"])] == ["已退回。退回意见：请补…"]
    assert service.inbox(person["actor"])["items"][0]["body"] == "已退回。退回意见：请补充学历证书。"


def test_a_category_turned_off_stays_in_the_inbox_only(service, db, person):
    prefs = service.set_notification_preferences(person["actor"], {"application": False})
    assert {c["key"]: c["external"] for c in prefs["categories"]}["application"] is False
    service.on_notice_requested({"user_ids": [person["id"]], "subject": "状态", "body": "已提交",
                                 "kind": "application_status"})
    service.on_notice_requested({"user_ids": [person["id"]], "subject": "任务", "body": "新任务",
                                 "kind": "review_task"})
    assert [n.kind for n in outbox(db, person["id"])] == ["review_task"]
    box = service.inbox(person["actor"])
    assert box["unread"] == 2 and [m["sent_by"] for m in box["items"]] == ["sms", None]


def test_account_security_cannot_be_turned_off_and_bad_choices_are_refused(service, person):
    for choices in ({"account": False}, {"weather": True}, {"review": "否"}, {}):
        with pytest.raises(Invalid):
            service.set_notification_preferences(person["actor"], choices)
    assert all(c["external"] for c in service.notification_preferences(person["actor"])["categories"])


def test_reading_marks_only_ones_own(service, db, person):
    other = service.register_applicant(applicant())
    stranger = {"id": other["user_id"], "role": "applicant"}
    for n in range(3):
        service.on_notice_requested({"user_ids": [person["id"]], "subject": f"通知{n}", "body": "正文",
                                     "kind": "notice"})
    first = service.inbox(person["actor"])["items"][0]
    with pytest.raises(NotFound):
        service.inbox_mark_read(stranger, first["id"])
    assert service.inbox(stranger)["total"] == 0
    read = service.inbox_mark_read(person["actor"], first["id"])
    assert read["read"] and read["unread"] == 2
    assert service.inbox(person["actor"], unread_only=True)["total"] == 2
    assert service.inbox_mark_read(person["actor"], None) == {"unread": 0}
    assert service.inbox_unread(person["actor"]) == {"unread": 0}


def test_a_recovery_codes_inbox_copy_has_no_code(service, db, person):
    service.recover_by_email("inbox@example.cn")
    sent = db.scalars(select(Notification).where(Notification.kind == "recovery_code")).one()
    kept = db.scalars(select(InboxMessage).where(InboxMessage.kind == "recovery_code")).one()
    assert any(ch.isdigit() for ch in sent.body)
    assert not any(ch.isdigit() for ch in kept.body) and kept.category == "account"
