"""The applicant's notice of a return carries the reviewer's reason (#14: "the return
SMS has no reason"): cut to fit an SMS, whole in the inbox."""
from services.review.decisions import SMS_REASON_CHARS, sms_excerpt, status_notice

RETURNED = {"applicant_id": "u1", "number": "ZC00000042", "status": "returned", "action": "return",
            "status_info": {"name": "已退回"}}


def test_a_short_reason_goes_whole_in_the_sms():
    notice = status_notice({**RETURNED, "opinion": "  民族一栏请填写全称。\n"})
    assert notice["body"] == "您的申请书 ZC00000042 状态已变更为「已退回」。退回意见：民族一栏请填写全称。"
    assert notice["inbox_body"] == notice["body"]


def test_a_long_reason_is_cut_for_the_sms_and_kept_whole_in_the_inbox():
    reason = "职称外语合格证书未上传，" * 10
    notice = status_notice({**RETURNED, "opinion": reason})
    short = notice["body"].split("退回意见：", 1)[1]
    assert short.endswith("…（全文见平台站内信）")
    assert len(short.removesuffix("（全文见平台站内信）")) == SMS_REASON_CHARS
    assert notice["inbox_body"].endswith("退回意见：" + reason)


def test_other_changes_say_no_reason():
    forwarded = status_notice({**RETURNED, "action": "forward", "status": "formal_review_passed",
                               "status_info": {"name": "已通过形式审核"}, "opinion": "同意"})
    assert "意见" not in forwarded["body"] and "inbox_body" not in forwarded


def test_the_excerpt_keeps_one_line():
    assert sms_excerpt("第一行\n\n第二行\t第三行") == "第一行 第二行 第三行"
    assert sms_excerpt("一" * 61) == "一" * 59 + "…"
