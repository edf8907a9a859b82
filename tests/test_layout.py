"""The shared layout: Chinese by default, English on request, and the calendar notice for managers."""
from __future__ import annotations


def _login(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def test_managers_see_the_missing_schedule_notice_in_their_language(client, orgs, clock):
    _login(client, orgs.users["manager"])
    page = client.get("/desk/").get_data(as_text=True)
    assert "尚未载入2027年节假日安排" in page and "calendar-reload" in page
    english = client.get("/desk/?lang=en").get_data(as_text=True)
    assert "The 2027 holiday schedule is not loaded" in english


def test_mediators_do_not_see_the_calendar_notice(client, orgs, clock):
    _login(client, orgs.users["mediator:E01"])
    assert "节假日安排" not in client.get("/desk/").get_data(as_text=True)


def test_unknown_page_is_a_page_in_the_users_language(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.get_data(as_text=True)
    english = client.get("/no-such-page?lang=en")
    assert "Page not found" in english.get_data(as_text=True)


def test_unknown_api_path_keeps_the_json_envelope(client):
    answer = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"
