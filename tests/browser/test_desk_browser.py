"""The desk in Chromium, CSRF on: a case accepted, mediated and settled at an enterprise committee; an
escalated case taken up by a station chair.

The engine lets only a chair accept (DESIGN.md §8), so the enterprise chair accepts the case and assigns
the mediator in the same form; the mediator then records the session and the agreement.
"""
from __future__ import annotations

import pytest

from mediation.extensions import db
from mediation.models import Case, MediationSession
from mediation.services.filing import file_complaint
from tests.conftest import complaint_data, walk

pytestmark = pytest.mark.browser


def _login(page, url, username, password):
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/**")


def _logout(page):
    page.click("text=退出登录")
    page.wait_for_url("**/login")


def test_enterprise_case_accepted_mediated_and_agreed(live, browser, desktop_page, screenshot):
    page, url, tree = desktop_page, live.url, live.tree
    case = file_complaint(complaint_data(org="E01")).case
    number = case.number

    _login(page, url, "chair_e01", "pw-E01")
    assert page.locator(f"text={number}").count() == 1
    screenshot(page, "desk-queue-chair-e01")
    page.click(f"text={number}")
    page.click("#act-accept summary")
    page.select_option("#accept-mediator_id", str(tree.users["mediator:E01"].id))
    page.check("#accept-confirm")
    screenshot(page, "desk-accept-form")
    page.click("#act-accept button.desk-fire")
    assert page.locator("#case-state").inner_text() == "调解中"
    assert "mediator_e01" in page.locator("#case-mediator").inner_text()
    _logout(page)

    _login(page, url, "mediator_e01", "pw-E01")
    page.goto(f"{url}/desk/cases/{number}")
    page.click("#act-session summary")
    page.fill("#session-held_at", "2026-01-01T09:30")
    page.fill("#session-place", "公司工会会议室")
    page.fill("#session-attendees", "申请人张伟；公司人事经理李强；调解员")
    page.fill("#session-statements", "张伟：要求支付8月至10月工资12500.50元。公司：承认欠薪，同意分两期支付。")
    page.fill("#session-outcome", "双方同意于12月20日前一次性支付12000元")
    page.click("#act-session button[type=submit]")
    assert page.locator("text=调解笔录已保存").count() == 1
    page.click("#act-agree summary")
    page.fill("#agree-terms", "公司于2026年12月20日前一次性支付张伟工资12000元，双方劳动争议就此了结。")
    page.fill("#agree-performance_date", "2099-12-20")
    page.fill("#agree-amount_agreed", "12000")
    page.check("#agree-confirm")
    screenshot(page, "desk-agree-form")
    page.click("#act-agree button.desk-fire")
    assert page.locator("#case-state").inner_text() == "已达成调解协议"
    screenshot(page, "desk-case-agreed")

    db.session.expire_all()
    stored = db.session.scalars(db.select(Case).where(Case.number == number)).one()
    assert stored.state == "agreed" and stored.mediator_id == tree.users["mediator:E01"].id
    assert db.session.scalars(db.select(MediationSession)).one().place == "公司工会会议室"


def test_station_chair_takes_an_escalated_case(live, browser, desktop_page, screenshot):
    page, url, tree = desktop_page, live.url, live.tree
    case = file_complaint(complaint_data(org="E02")).case
    walk(case, "accept", tree)
    walk(case, "fail", tree)  # the worker consented: it goes up to station S01
    db.session.refresh(case)
    assert case.org.code == "S01" and case.state == "submitted"

    _login(page, url, "chair_s01", "pw-S01")
    page.goto(f"{url}/desk/?tier=2")
    assert page.locator(f"text={case.number}").count() == 1
    screenshot(page, "desk-queue-station-tier2")
    page.click(f"text={case.number}")
    page.click("#act-accept summary")
    page.select_option("#accept-mediator_id", str(tree.users["mediator:S01"].id))
    page.check("#accept-confirm")
    page.click("#act-accept button.desk-fire")
    assert page.locator("#case-state").inner_text() == "调解中"
    screenshot(page, "desk-station-accepted")


def test_stale_page_through_the_browser_keeps_the_typed_reason(live, browser, desktop_page, screenshot):
    page, url, tree = desktop_page, live.url, live.tree
    case = file_complaint(complaint_data(org="E01")).case
    walk(case, "accept", tree)
    _login(page, url, "chair_e01", "pw-E01")
    page.goto(f"{url}/desk/cases/{case.number}")
    walk(case, "extend", tree)  # a colleague acts while the page is open
    page.click("#act-fail summary")
    page.fill("#fail-reason", "用人单位拒绝协商")
    page.check("#fail-confirm")
    page.click("#act-fail button.desk-fire")
    assert "此案件已被他人修改，请刷新后再操作" in page.locator("#action-message").inner_text()
    assert page.locator("#fail-reason").input_value() == "用人单位拒绝协商"
    screenshot(page, "desk-stale")
