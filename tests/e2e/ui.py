"""Driving Element Plus widgets the way a person does (click, type, pick), plus
screenshots at desktop and phone width."""
import re
import time

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, SHOTS


def field(scope, name):
    """The text box of the widget marked data-test=name (Element Plus puts the
    attribute on the native input for el-input, on the wrapper for others)."""
    return scope.locator(f"input[data-test={name}], textarea[data-test={name}], "
                         f"[data-test={name}] input, [data-test={name}] textarea").first


def goto(page, web, path):
    page.goto(web + path)
    page.wait_for_load_state("networkidle")


def navigate(page, path):
    """Go to path inside the running app, as its own links do (vue-router follows the
    history): no reload of the app (and of axe-core) for every page."""
    page.evaluate("p => { history.pushState(null, '', p); "
                  "dispatchEvent(new PopStateEvent('popstate', { state: null })) }", path)
    expect(page).to_have_url(re.compile(re.escape(path) + r"$"))
    page.wait_for_load_state("networkidle")


def open_task(page, web, number):
    """A reviewer opens the application numbered ``number`` from 申请书审核."""
    goto(page, web, "/review/tasks")
    row = page.locator(".el-table__row").filter(has_text=number)
    for _ in range(30):   # the task arrives by event, a moment after the submit
        if row.count():
            break
        time.sleep(0.5)
        page.reload()
        page.wait_for_load_state("networkidle")
    row.locator("[data-test=handle]").click()
    page.wait_for_url(re.compile(r"/review/applications/"))
    expect(page.locator("[data-test=decision]")).to_be_visible()


def snap(page, name):
    """Screenshots of the current page at 1280 px and at 375 px."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    time.sleep(0.3)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    time.sleep(0.2)


SELECT = "xpath=ancestor-or-self::*[contains(concat(' ', normalize-space(@class), ' '), ' el-select ')][1]"


def _choose(page, trigger, matcher):
    loc = page.locator(trigger) if isinstance(trigger, str) else trigger
    root = loc.locator(SELECT)
    expect(root).not_to_have_class(re.compile(r"is-disabled"))
    # Never force the click: a dropdown still closing lies over the next select.
    expect(page.locator(".el-select__popper:visible")).to_have_count(0)
    option = page.locator(".el-select__popper:visible .el-select-dropdown__item").filter(has_text=matcher).first
    root.locator(".el-select__wrapper").click()
    option.wait_for(state="visible")
    page.wait_for_timeout(250)   # the dropdown scrolls to the current value as it opens
    text = option.inner_text().strip()
    option.click()
    if page.locator(".el-select__popper:visible").count():   # a multiple select stays open
        page.keyboard.press("Escape")
    expect(page.locator(".el-select__popper:visible")).to_have_count(0)
    expect(root).to_contain_text(text)


def pick(page, trigger, option):
    """Open an el-select (locator or selector) and choose the option with that exact text."""
    _choose(page, trigger, re.compile(rf"^\s*{re.escape(option)}\s*$"))


def pick_containing(page, trigger, text):
    _choose(page, trigger, text)


def message(page, text):
    """An ElMessage (toast) containing text appears."""
    expect(page.locator(".el-message").filter(has_text=text).first).to_be_visible()


def confirm(page):
    """确定 on the message box opened last: the one before may still be fading out when
    the next opens at once (e.g. 通过申诉 answered by 申诉已通过)."""
    page.locator(".el-message-box__btns button").filter(has_text="确定").last.click()


def login(page, web, username, password, region_name=None):
    goto(page, web, "/login")
    login_here(page, username, password, region_name)


def login_here(page, username, password, region_name=None):
    """Fill in and send the login page that is open."""
    if region_name:
        page.get_by_text("地州评审", exact=True).click()
        pick(page, "[data-test=login-region]", region_name)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.locator("form").get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("networkidle")


def logout(page):
    page.locator("[data-test=user-menu]").click()
    page.locator(".el-dropdown-menu__item:visible").filter(has_text="退出").click()
    page.wait_for_url(re.compile(r".*/login"))


def set_date(page, selector, value):
    loc = page.locator(selector)
    loc.click()
    loc.fill(value)
    loc.press("Enter")


def set_datetime_range(page, container, start, end):
    """el-date-picker type=datetimerange: type both ends, then confirm."""
    inputs = page.locator(f"{container} input")
    inputs.nth(0).click()
    inputs.nth(0).fill(start)
    inputs.nth(0).press("Enter")
    inputs.nth(1).click()
    inputs.nth(1).fill(end)
    inputs.nth(1).press("Enter")
    # Close the panel with its own 确定 (Escape would also close a dialog around it).
    page.wait_for_timeout(500)   # typed ends usually close the panel by themselves
    panel = page.locator(".el-picker__popper:visible")
    if panel.count():
        try:
            panel.locator(".el-picker-panel__footer button").filter(has_text="确定").click(timeout=3000)
        except Exception:
            pass   # it closed meanwhile
    expect(page.locator(".el-picker__popper:visible")).to_have_count(0)


def open_section(page, key):
    item = page.locator(f"[data-section={key}]")
    if "is-active" not in (item.get_attribute("class") or ""):
        item.locator(".el-collapse-item__header").click()
    expect(item.locator(".el-collapse-item__wrap")).to_be_visible()
    return item


def fill_field(page, fid, field, value):
    """Fill one template field (its input has id ``fid``) with value."""
    kind = field["type"]
    loc = page.locator(f"#{fid}")
    if kind == "text":
        loc.fill(str(value))
    elif kind == "integer":
        loc.fill(str(value))
        loc.press("Tab")
    elif kind == "date":
        loc.click()
        loc.fill(value)
        loc.press("Enter")
    elif kind == "choice":
        pick(page, f"#{fid}", value)
    elif kind == "boolean":
        switch = page.locator(f".el-switch:has(#{fid})")
        switch.click()
        if not value:
            switch.click()
    elif kind == "table":
        table = page.locator(f"#{fid}")
        for i, row in enumerate(value):
            table.get_by_role("button", name="添加一行").click()
            for col in field["columns"]:
                if col["key"] in row:
                    fill_field(page, f"{fid}-{i}-{col['key']}", col, row[col["key"]])
    else:
        raise AssertionError(f"unknown field type {kind}")


def fill_section(page, section, data):
    item = open_section(page, section["key"])
    for field in section["fields"]:
        if field["key"] in data:
            fill_field(page, f"f-{section['key']}-{field['key']}", field, data[field["key"]])
    item.locator("[data-test=save-section]").click()
    expect(item.locator(".el-collapse-item__header .el-tag").filter(has_text="未保存")).to_have_count(0)


def upload(page, section_key, path):
    item = open_section(page, section_key)
    before = item.locator("[data-test=attachment]").count()
    item.locator("input[type=file]").set_input_files(str(path))
    expect(item.locator("[data-test=attachment]")).to_have_count(before + 1)
    expect(item.locator("[data-test=receipt]")).to_contain_text("SHA-256")
