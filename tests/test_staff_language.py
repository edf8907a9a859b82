"""A staff member's own language: their notifications, their pages after login, the form, the CLI option."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from mediation.models import User
from mediation.models.notifications import Notification
from mediation.notifications.digest import queue_digest
from mediation.sla.sweeper import sweep


def _login(client, username, password):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302
    return response


def _app_notice(db, user, template) -> Notification:
    return db.session.scalars(select(Notification).filter_by(user_id=user.id, channel="app",
                                                             template=template)).one()


def test_a_new_case_reaches_each_staff_member_in_their_own_language(db, orgs, make_case):
    chair, mediator = orgs.users["chair:E01"], orgs.users["mediator:E01"]
    chair.language = "en"
    db.session.commit()
    case = make_case("E01")  # filed in Chinese by the worker
    english = _app_notice(db, chair, "new_case")
    assert english.language == "en"
    assert english.subject == f"New case: {case.number}" and "A new application has arrived" in english.body
    chinese = _app_notice(db, mediator, "new_case")
    assert chinese.language == "zh" and chinese.subject == f"新案件：{case.number}"
    assert all(n.language == "zh" for n in db.session.scalars(select(Notification).filter_by(recipient_kind="worker")))


def test_the_managers_digest_is_in_the_managers_language(db, orgs, make_case, clock):
    orgs.users["manager"].language = "en"
    db.session.commit()
    make_case("E01")  # acceptance decision due Mon 30 Nov
    clock.freeze(datetime(2026, 12, 1, 0, 30))
    sweep()
    clock.freeze(datetime(2026, 12, 1, 8, 0))
    rows = queue_digest()
    assert [(r.user_id, r.language) for r in rows] == [(orgs.users["manager"].id, "en")]
    assert rows[0].subject.startswith("Daily deadline digest") and "E01公司劳动争议调解委员会" in rows[0].body


def test_the_desk_follows_the_users_language_unless_the_session_chose_one(client, db, orgs, clock):
    orgs.users["mediator:E01"].language = "en"
    db.session.commit()
    assert "工作人员登录" in client.get("/login").text  # before login: the browser's language, else Chinese
    _login(client, "mediator_e01", "pw-E01")
    page = client.get("/desk/").text
    assert '<html lang="en">' in page and "Case queue" in page and "案件列表" not in page
    # An explicit choice with the switch wins for the rest of the session.
    assert "案件列表" in client.get("/desk/?lang=zh").text
    assert "案件列表" in client.get("/desk/").text
    client.post("/logout")
    with client.session_transaction() as session:
        session.pop("lang", None)
    # A colleague whose language is Chinese sees Chinese even on an English browser.
    _login(client, "chair_e01", "pw-E01")
    page = client.get("/desk/", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="zh-CN">' in page and "案件列表" in page


def test_the_notifications_page_sets_the_language(client, db, orgs, clock):
    _login(client, "chair_e01", "pw-E01")
    page = client.get("/notifications").text
    assert "语言 / Language" in page and "您的通知将使用此语言" in page
    assert '<option value="zh" selected>' in page
    response = client.post("/notifications/language", data={"language": "en"}, follow_redirects=True)
    assert "Your language is saved." in response.text and '<option value="en" selected>' in response.text
    assert db.session.get(User, orgs.users["chair:E01"].id).language == "en"
    client.post("/logout")
    with client.session_transaction() as session:
        session.pop("lang", None)
    _login(client, "chair_e01", "pw-E01")
    assert "Case queue" in client.get("/desk/").text  # remembered on the account, not just the session
    response = client.post("/notifications/language", data={"language": "fr"}, follow_redirects=True)
    assert "The language must be zh (Chinese) or en (English)." in response.text
    db.session.expire_all()
    assert db.session.get(User, orgs.users["chair:E01"].id).language == "en"
    response = client.post("/notifications/language", data={"language": "zh"}, follow_redirects=True)
    assert "语言设置已保存。" in response.text
    db.session.expire_all()
    assert db.session.get(User, orgs.users["chair:E01"].id).language == "zh"


def test_create_user_takes_a_language(app, db, orgs):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "li_en", "--role", "mediator", "--org", "E01",
                                 "--password", "pw-li", "--language", "en"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "wang_zh", "--role", "mediator", "--org", "E01", "--password", "pw"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(User.language).filter_by(username="li_en")).one() == "en"
    assert db.session.scalars(select(User.language).filter_by(username="wang_zh")).one() == "zh"
    result = runner.invoke(args=["create-user", "x_fr", "--role", "mediator", "--org", "E01", "--language", "fr"])
    assert result.exit_code == 2 and "fr" in result.output
    assert db.session.scalars(select(User.id).filter_by(username="x_fr")).first() is None
