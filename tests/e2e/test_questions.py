"""在线问答 in the browser: an applicant asks a committee from the top bar's
在线问答, the committee's staff answer and publish it, the applicant reads the
answer, and anyone finds it in the committee's 常见问题 on the portal."""
import re

from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.integration.accounts_helpers import PASSWORD, create_org, register_applicant, unique


def test_ask_answer_publish_and_read_the_faq(new_page, web, api, admin_token):
    committee = create_org(api, admin_token, kind="committee", name=unique("问答测试评审委员会"))
    staff_name = unique("qa")
    expect_api(api.post(f"/admin/organizations/{committee['id']}/staff", token=admin_token,
                        json={"username": staff_name, "password": PASSWORD, "name": "答复员",
                              "phone": "13900002222"}), 201)
    person = register_applicant(api, region_code="650100", name="阿依古丽")
    title = unique("副高申报截止时间")

    # the applicant asks from the top bar
    page = new_page()
    ui.login(page, web, person["username"], PASSWORD)
    page.locator("[data-test=top-questions]").click()
    expect(page).to_have_url(f"{web}/questions")
    page.locator("[data-test=ask]").click()
    dialog = page.locator(".el-dialog").filter(has_text="我要提问")
    expect(dialog).to_be_visible()
    dialog.locator("[data-test=q-send]").click()   # nothing filled: refused in the page
    expect(dialog.locator(".el-form-item__error").filter(has_text="请选择咨询对象")).to_be_visible()
    ui.pick(page, dialog.locator("[data-test=q-to]"), committee["name"])
    ui.field(dialog, "q-new-title").fill(title)
    ui.field(dialog, "q-new-body").fill("今年副高级职称何时截止接收材料？")
    dialog.locator("[data-test=q-send]").click()
    ui.message(page, "问题已提交")
    card = page.locator("[data-test=question]").filter(has_text=title)
    expect(card).to_contain_text("待答复")
    ui.snap(page, "questions-applicant")

    # the committee's staff answer and publish it
    staff = new_page()
    ui.login(staff, web, staff_name, PASSWORD)
    staff.locator("[data-test=top-questions]").click()
    mine = staff.locator("[data-test=question]").filter(has_text=title)
    expect(mine).to_contain_text("阿依古丽")
    mine.locator("[data-test=answer]").click()
    reply = staff.locator(".el-dialog").filter(has_text="答复")
    ui.field(reply, "q-reply").fill("以通知公告为准，本月底截止。")
    reply.locator("[data-test=q-reply-publish]").click()
    reply.locator("[data-test=q-reply-send]").click()
    ui.message(staff, "已答复")
    expect(mine).to_contain_text("已公开到常见问题")
    ui.snap(staff, "questions-staff")

    # the applicant reads the answer
    page.reload()
    answered = page.locator("[data-test=question]").filter(has_text=title)
    expect(answered.locator("[data-test=q-answer]")).to_contain_text("本月底截止")
    expect(answered).to_contain_text("已答复")

    # anyone: the committee's 常见问题 on the portal
    anyone = new_page(phone=True)
    ui.goto(anyone, web, f"/faq?org={committee['id']}")
    item = anyone.locator("[data-test=faq-item]").filter(has_text=title)
    expect(item).to_be_visible()
    item.click()
    expect(item).to_contain_text("本月底截止")
    expect(anyone.locator("body")).not_to_contain_text("阿依古丽")
    ui.snap(anyone, "faq-public")
    expect(anyone).to_have_url(re.compile(r"/faq"))
