"""继续教育 in the browser: an applicant adds a record with its certificate scan,
sees the hours per year and the total, downloads the scan and deletes a record."""
from playwright.sync_api import expect

from tests.client import expect as expect_api
from tests.e2e import ui
from tests.integration.accounts_helpers import PASSWORD, register_applicant
from tests.unit.documents import images
from zc_common.clock import now


def test_an_applicant_keeps_continuing_education_records(new_page, web, api, tmp_path):
    person = register_applicant(api, region_code="650100", name="古丽娜")
    scan = tmp_path / "继续教育证书.pdf"
    scan.write_bytes(images.pdf("继续教育证书"))
    text = tmp_path / "说明.txt"
    text.write_text("不是扫描件", encoding="utf-8")
    year = now().year

    page = new_page()
    ui.login(page, web, person["username"], PASSWORD)
    page.get_by_role("menuitem", name="继续教育").first.click()
    expect(page).to_have_url(f"{web}/my/continuing-education")
    expect(page.locator("[data-test=ce-total]")).to_have_text("0")

    for course, hours, y in (("急诊医学新进展", 24, year - 1), ("医院感染防控", 16, year - 1)):
        page.locator("[data-test=ce-add]").click()
        dialog = page.locator(".el-dialog").filter(has_text="新增继续教育记录")
        expect(dialog).to_be_visible()
        # Neither a text file nor an empty form is sent.
        dialog.locator("input[type=file]").set_input_files(str(text))
        expect(dialog.locator("[data-test=ce-error]")).to_contain_text("不是 JPG、PNG 或 PDF")
        dialog.locator("[data-test=ce-save]").click()
        expect(dialog.locator(".el-form-item__error").filter(has_text="请输入课程")).to_be_visible()
        year_in = ui.field(dialog, "ce-year-in")
        year_in.fill(str(y))
        year_in.press("Tab")
        ui.field(dialog, "ce-course-in").fill(course)
        ui.field(dialog, "ce-organizer-in").fill("自治区医学会")
        hours_in = ui.field(dialog, "ce-hours-in")
        hours_in.fill(str(hours))
        hours_in.press("Tab")
        dialog.locator("input[type=file]").set_input_files(str(scan))
        expect(dialog).to_contain_text("继续教育证书.pdf")
        dialog.locator("[data-test=ce-save]").click()
        ui.message(page, "已新增继续教育记录")
        expect(dialog).to_be_hidden()

    table = page.locator("[data-test=ce-table]")
    expect(table.locator(".el-table__body tr")).to_have_count(2)
    expect(table).to_contain_text("急诊医学新进展")
    expect(page.locator("[data-test=ce-total]")).to_have_text("40")
    expect(page.locator("[data-test=ce-year]")).to_have_text([f"{year - 1} 年 40 学时"])
    listing = expect_api(api.get("/continuing-education",
                                 token=api.login(person["username"], PASSWORD)), 200)
    assert listing["total"] == 40 and {r["course"] for r in listing["records"]} == {"急诊医学新进展", "医院感染防控"}

    with page.expect_download() as caught:
        table.locator("[data-test=ce-download]").first.click()
    assert caught.value.path().read_bytes() == scan.read_bytes()
    page.mouse.move(5, 600)  # let the SHA-256 tooltip close before the screenshots
    expect(page.locator(".el-popper.is-dark:visible")).to_have_count(0)
    ui.snap(page, "continuing-education")

    row = table.locator(".el-table__body tr").filter(has_text="医院感染防控")
    row.locator("[data-test=ce-delete]").click()
    page.locator(".el-popconfirm:visible").get_by_role("button", name="确定").click()
    ui.message(page, "已删除")
    expect(table.locator(".el-table__body tr")).to_have_count(1)
    expect(page.locator("[data-test=ce-total]")).to_have_text("24")

    phone = new_page(phone=True)
    ui.login(phone, web, person["username"], PASSWORD)
    ui.goto(phone, web, "/my/continuing-education")
    expect(phone.locator("[data-test=ce-total]")).to_have_text("24")
    phone.locator("[data-test=ce-add]").click()
    expect(phone.locator(".el-dialog").filter(has_text="新增继续教育记录")).to_be_visible()
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(ui.SHOTS / "continuing-education-dialog-phone.png"), full_page=True)
