"""The bell in a real browser: a mediator sees the unread count rise when a case arrives at their
organisation and fall when they read it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mediation.services.filing import file_complaint
from tests.conftest import complaint_data

pytestmark = pytest.mark.browser


def _log_in(page, live, username: str, password: str, user) -> None:
    if "auth.login" in live.view_functions:
        page.goto(f"{live.url}/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return
    # The login page is not installed: hand the browser a signed Flask-Login session instead.
    cookie = live.session_interface.get_signing_serializer(live).dumps({"_user_id": str(user.id), "_fresh": True})
    page.context.add_cookies([{"name": live.config.get("SESSION_COOKIE_NAME", "session"), "value": cookie,
                               "url": live.url}])


def test_mediator_sees_unread_count_rise_when_a_case_arrives_and_fall_when_read(
        live, desktop_page, screenshot, monkeypatch):
    monkeypatch.setitem(live.config["MEDIATION"]["notifications"], "bell_poll_seconds", 1)
    page = desktop_page
    _log_in(page, live, "mediator_e01", "pw-E01", live.tree.users["mediator:E01"])
    page.goto(f"{live.url}/notifications")
    expect(page.locator("h1")).to_have_text("通知")
    expect(page.locator("#unread-count")).to_have_text("0")

    filed = file_complaint(complaint_data(org="E01"))
    expect(page.locator("#unread-count")).to_have_text("1")  # the bell polls; no reload
    page.reload()
    item = page.locator(".notif-item.notif-unread")
    expect(item).to_contain_text(f"新案件：{filed.case.number}")
    screenshot(page, "notifications-bell-unread")

    item.get_by_role("button", name="标为已读").click()
    expect(page.locator("#unread-count")).to_have_text("0")
    expect(page.locator(".notif-item.notif-unread")).to_have_count(0)

    page.goto(f"{live.url}/notifications?lang=en")
    expect(page.locator("h1")).to_have_text("Notifications")
