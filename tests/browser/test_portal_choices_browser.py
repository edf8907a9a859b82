"""The worker's decision after failed mediation, in headless Chromium at a phone viewport."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from mediation.extensions import db
from mediation.models import Case
from mediation.services.filing import file_complaint
from mediation.services.lifecycle import fire
from mediation.sla import clock
from tests.conftest import complaint_data

pytestmark = pytest.mark.browser


def test_failed_case_without_consent_worker_chooses_the_next_tier(live, phone_page, screenshot):
    dispute = (clock.today() - timedelta(days=25)).isoformat()
    filed = file_complaint(complaint_data(org="E01", escalation_consent=False, dispute_date=dispute))
    chair = live.tree.users["chair:E01"]
    fire(filed.case, "accept", chair)
    fire(filed.case, "fail", chair, reason="双方分歧较大")
    case_no = filed.case.number
    assert filed.case.state == "failed"

    page = phone_page
    page.goto(live.url + "/track")
    page.get_by_label("案件编号").fill(case_no)
    page.get_by_label("查询码").fill(filed.query_code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#state-label")).to_have_text("调解不成")
    choices = page.locator("#choices")
    expect(choices.get_by_role("heading", name="你的选择")).to_be_visible()
    expect(choices.get_by_text("由第1工会服务站重新调解", exact=False)).to_be_visible()
    expect(choices.get_by_role("link", name="申请仲裁")).to_be_visible()
    screenshot(page, "portal-choices-phone")

    choices.get_by_role("link", name="申请上一级调解").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请上一级调解组织调解")
    expect(page.get_by_text("3个工作日内决定是否受理", exact=False)).to_be_visible()
    screenshot(page, "portal-decide-escalate-phone")
    page.get_by_role("button", name="确认移送第1工会服务站").click()

    expect(page.get_by_text("您的案件已移送第1工会服务站。")).to_be_visible()
    expect(page.locator("#state-label")).to_have_text("待受理")
    expect(page.get_by_text("应您的申请，移送上一级调解组织")).to_be_visible()
    expect(page.locator("section", has=page.get_by_role("heading", name="受理单位"))
           .get_by_text("第1工会服务站")).to_be_visible()
    screenshot(page, "portal-escalated-phone")
    db.session.expire_all()
    case = db.session.query(Case).filter_by(number=case_no).one()
    assert (case.state, case.org.code, case.tier) == ("submitted", "S01", 2)
