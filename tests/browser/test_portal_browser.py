"""The worker's portal in headless Chromium, at a phone viewport and a desktop one.

Each page the worker sees is saved as a screenshot under artifacts/screenshots/portal-*.png.
"""
from __future__ import annotations

from datetime import timedelta

from mediation.sla import clock  # Beijing time, as the app counts dates

import pytest
from playwright.sync_api import expect

from mediation.extensions import db
from mediation.models import Case
from tests.conftest import VALID_ID

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" \
      b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"


def fill_complaint(page, *, name="张伟", org="E01", dispute_date=None, **overrides) -> None:
    values = {"#applicants-0-name": name, "#applicants-0-id_number": VALID_ID,
              "#applicants-0-phone": "13800138000", "#applicants-0-address": "杭州市钱塘区白杨街道1号",
              "#respondent-name": "华芯电子（杭州）有限公司", "#respondent-address": "经开区1号",
              "#claims-0-item": "支付拖欠工资", "#claims-0-amount": "12500.50",
              "#facts": "公司拖欠2026年8月至10月工资，多次催要未果。",
              "#dispute_date": dispute_date or (clock.today() - timedelta(days=25)).isoformat()}
    values.update(overrides)
    for selector, value in values.items():
        page.fill(selector, value)
    page.select_option("#org", org)
    page.check("input[name=categories][value=wages]")
    page.check("input[name=escalation_consent]")
    page.check("#pipl_consent")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_file_track_add_evidence_and_withdraw_in_chinese(live, request, screenshot, device):
    page = request.getfixturevalue(f"{device}_page")
    page.goto(live.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", level=1).inner_text() == "遇到劳动争议？工会免费为您调解。"
    expect(page.get_by_text("12351").first).to_be_visible()
    screenshot(page, f"portal-landing-{device}")

    page.get_by_role("link", name="申请调解").first.click()
    page.wait_for_load_state("load")  # portal.js binds the filter on DOMContentLoaded
    page.get_by_label("按企业名称搜索").fill("E01")  # the enhancement filters the list as one types
    expect(page.locator("#org option[value=E03]")).to_be_disabled()
    fill_complaint(page)
    screenshot(page, f"portal-form-{device}")
    page.get_by_role("button", name="提交申请").last.click()

    assert page.get_by_role("heading", level=1).inner_text() == "您的调解申请已提交"
    case_no = page.locator("#case-no").inner_text()
    code = page.locator("#query-code").inner_text()
    assert case_no == "JK-E01-%d-00001" % clock.today().year and len(code) == 8
    expect(page.get_by_text("查询码只显示这一次", exact=False)).to_be_visible()
    screenshot(page, f"portal-receipt-{device}")

    # Track from a fresh page, as from another visit: case number + code.
    page.goto(live.url + "/track")
    page.get_by_label("案件编号").fill(case_no)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#state-label")).to_have_text("待受理")
    expect(page.get_by_text("提交调解申请")).to_be_visible()
    expect(page.get_by_text("受理决定期限")).to_be_visible()
    screenshot(page, f"portal-tracking-{device}")

    page.set_input_files("#evidence-files", files=[{"name": "工资条.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("已为您的案件添加1个文件。")).to_be_visible()
    expect(page.get_by_text("工资条.png")).to_be_visible()

    page.locator("#withdraw-link").click()
    expect(page.get_by_text("不能恢复", exact=False)).to_be_visible()
    screenshot(page, f"portal-withdraw-{device}")
    page.get_by_label("撤回理由").fill("已与公司达成和解")
    page.get_by_role("button", name="确认撤回申请").click()
    expect(page.locator("#state-label")).to_have_text("已撤回")
    db.session.expire_all()
    assert db.session.query(Case).filter_by(number=case_no).one().state == "withdrawn"


def test_switch_to_english_and_file(live, desktop_page, screenshot):
    page = desktop_page
    page.goto(live.url + "/file")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Apply for mediation of a labour dispute"
    fill_complaint(page, name="Wang Fang", org="")  # not listed: the station covering the zone
    page.get_by_role("button", name="File my complaint").last.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your complaint has been filed"
    assert page.locator("#case-no").inner_text().startswith("JK-S01-")
    expect(page.get_by_text("Acceptance decision")).to_be_visible()
    screenshot(page, "portal-english-receipt")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_five_wrong_fields_show_five_messages_and_keep_the_rest(live, request, screenshot, device):
    page = request.getfixturevalue(f"{device}_page")
    page.goto(live.url + "/file")
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    fill_complaint(page, **{"#applicants-0-id_number": "110105199003071238", "#applicants-0-phone": "1234567",
                            "#respondent-uscc": "91330100MA2H3K4L51", "#claims-0-amount": "-5"},
                   dispute_date=tomorrow)
    page.get_by_role("button", name="提交申请").last.click()
    errors = page.locator(".field-error")
    expect(errors).to_have_count(5)
    assert {errors.nth(i).get_attribute("id") for i in range(5)} == {
        "applicants-0-id_number-error", "applicants-0-phone-error", "respondent-uscc-error",
        "dispute_date-error", "claims-0-amount-error"}
    expect(page.get_by_text("身份证号码校验位不正确", exact=False).first).to_be_visible()
    assert page.locator("#applicants-0-name").input_value() == "张伟"
    assert page.locator("#respondent-uscc").input_value() == "91330100MA2H3K4L51"
    assert page.locator("#facts").input_value().startswith("公司拖欠")
    assert page.locator("#dispute_date").input_value() == tomorrow
    assert page.locator("#org").input_value() == "E01" and page.locator("#pipl_consent").is_checked()
    assert page.locator("#applicants-0-phone").get_attribute("aria-invalid") == "true"
    screenshot(page, f"portal-errors-{device}")
    assert db.session.query(Case).count() == 0


def test_form_is_usable_by_keyboard(live, desktop_page):
    page = desktop_page
    page.goto(live.url + "/file")
    page.focus("#applicants-0-name")
    page.keyboard.type("张伟")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "applicants-0-id_number"
    # Enter in a text box files (and here reports errors), it does not add an applicant row.
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.locator("#applicants-1-name").count() == 0
    assert page.evaluate("document.activeElement.id") == "error-summary"
