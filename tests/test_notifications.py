"""Notifications: the outbox written with each event, delivery over a real SMTP server (aiosmtpd on
loopback) and a local HTTP stub for the SMS gateway, quiet hours, retries, the in-app list."""
from __future__ import annotations

import json
import socket
import threading
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask_babel import refresh
from sqlalchemy import select

from mediation.models import CaseEvent, Deadline
from mediation.models.notifications import Notification
from mediation.notifications import inbox
from mediation.notifications.channels import sms_parts
from mediation.notifications.delivery import deliver_pending
from mediation.notifications.digest import queue_digest
from mediation.notifications.texts import render, template_names
from mediation.services import events
from mediation.services.filing import file_complaint
from mediation.sla.sweeper import sweep
from tests.conftest import complaint_data, walk


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on loopback; the app's [notifications.smtp] points at it."""
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
            return "250 OK"

    handler = Collect()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    smtp = app.config["MEDIATION"]["notifications"]["smtp"]
    monkeypatch.setitem(smtp, "host", "127.0.0.1")
    monkeypatch.setitem(smtp, "port", port)
    monkeypatch.setitem(smtp, "tls", "none")
    yield handler
    controller.stop()


@pytest.fixture
def gateway(app, monkeypatch):
    """An HTTP stub for the SMS gateway that answers 500 to its first `fail_first` requests."""
    state = {"fail_first": 2, "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state["requests"].append({"body": json.loads(body), "token": self.headers.get("Authorization")})
            ok = len(state["requests"]) > state["fail_first"]
            self.send_response(200 if ok else 500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sms = app.config["MEDIATION"]["notifications"]["sms"]
    monkeypatch.setitem(sms, "sender", "http")
    monkeypatch.setitem(sms, "gateway_url", f"http://127.0.0.1:{server.server_port}/send")
    monkeypatch.setitem(sms, "gateway_token", "Bearer t0ken")
    yield state
    server.shutdown()
    server.server_close()


def _who(row: Notification, orgs) -> str:
    if row.user_id is None:
        return row.recipient_kind
    return next(name for name, user in orgs.users.items() if user.id == row.user_id)


def _messages(db, orgs, **where) -> list[tuple[str, str, str, str]]:
    rows = db.session.scalars(select(Notification).filter_by(**where).order_by(Notification.id)).all()
    return [(_who(r, orgs), r.channel, r.template, r.language) for r in rows]


def _file(language="zh", **overrides):
    applicant = {"name": "张伟", "id_number": "110105199003071239", "phone": "13800138000",
                 "address": "杭州市钱塘区白杨街道1号", "email": "zhangwei@example.com"}
    return file_complaint(complaint_data(applicants=[applicant], **overrides), language=language)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_walk_from_filing_to_agreement_notifies_exactly_the_right_people(
        app, db, orgs, clock, smtp_server, language):
    orgs.users["chair:E01"].email = "chair@e01.example"
    db.session.commit()
    filed = _file(language)
    case = filed.case
    events.record(case, CaseEvent(case_id=case.id, at=clock.local_now(), kind="assigned", actor_label="chair_e01",
                                  data={"mediator_id": orgs.users["mediator:E01"].id}))
    case.mediator_id = orgs.users["mediator:E01"].id
    db.session.commit()
    walk(case, "accept", orgs)
    walk(case, "agree", orgs)

    lang = language
    assert _messages(db, orgs) == [
        ("worker", "sms", "receipt", lang), ("worker", "email", "receipt", lang),
        ("chair:E01", "app", "new_case", "zh"), ("chair:E01", "email", "new_case", "zh"),
        ("mediator:E01", "app", "new_case", "zh"),
        ("mediator:E01", "app", "assigned", "zh"),
        ("worker", "sms", "accepted", lang), ("worker", "email", "accepted", lang),
        ("worker", "sms", "document_served", lang), ("worker", "email", "document_served", lang),
        ("worker", "sms", "agreed", lang), ("worker", "email", "agreed", lang),
        ("worker", "sms", "document_served", lang), ("worker", "email", "document_served", lang),
    ]
    receipt = db.session.scalars(select(Notification).filter_by(template="receipt", channel="sms")).one()
    assert receipt.address == "13800138000"
    assert filed.query_code in receipt.body and case.number in receipt.body
    assert receipt.parts == sms_parts(receipt.body)
    if language == "zh":  # the Chinese signature makes every text UCS-2: 70 characters a part
        assert receipt.parts == 1 and len(receipt.body) <= 70
    agreed = db.session.scalars(select(Notification).filter_by(template="agreed", channel="sms")).one()
    assert ("2026年12月31日" in agreed.body) == (language == "zh")
    assert ("2026-12-31" in agreed.body) == (language == "en")

    log_path = app.config["DATA_DIR"] / "sms-outbox.log"
    already = log_path.read_bytes() if log_path.exists() else b""
    result = deliver_pending()
    assert len(result.sent) == 14 and not result.retrying and not result.failed
    mailed = sorted((tuple(rcpt), msg["Subject"]) for rcpt, msg in smtp_server.messages)
    assert [rcpt for rcpt, _ in mailed].count(("zhangwei@example.com",)) == 5
    assert (("chair@e01.example",), f"新案件：{case.number}") in mailed
    sms_log = log_path.read_bytes()[len(already):].decode("utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in sms_log]
    assert len(texts) == 5
    assert any(("已受理" if language == "zh" else "accepted") in text for text in texts)
    assert deliver_pending().sent == []  # nothing goes twice


def test_failing_transition_writes_no_notification(app, db, orgs, make_case, monkeypatch):
    case = make_case("E01")
    before = db.session.query(Notification).count()

    def explode(case, event):
        raise RuntimeError("a later hook fails")
    monkeypatch.setattr(events, "ON_EVENT", [*events.ON_EVENT, explode])
    with pytest.raises(RuntimeError):
        walk(case, "accept", orgs)
    db.session.expire_all()
    assert case.state == "submitted"
    assert db.session.query(Notification).count() == before
    assert not db.session.scalars(select(Notification).filter_by(template="accepted")).all()


def test_warning_is_written_once_however_often_the_sweeper_runs(app, db, orgs, make_case, clock):
    orgs.users["chair:E01"].email = "chair@e01.example"
    db.session.commit()
    case = make_case("E01")
    deadline = db.session.scalars(select(Deadline).filter_by(case_id=case.id, kind="acceptance")).one()
    clock.freeze(deadline.warn_at + timedelta(minutes=1))
    for _ in range(3):
        sweep()
    clock.advance(timedelta(hours=2))
    sweep()
    assert _messages(db, orgs, template="deadline_warning") == [
        ("chair:E01", "app", "deadline_warning", "zh"), ("chair:E01", "email", "deadline_warning", "zh")]
    clock.freeze(deadline.due_at + timedelta(minutes=1))
    sweep()
    sweep()
    assert _messages(db, orgs, template="deadline_breached") == [
        ("chair:E01", "app", "deadline_breached", "zh"), ("chair:E01", "email", "deadline_breached", "zh")]
    warning = db.session.scalars(select(Notification).filter_by(template="deadline_warning", channel="app")).one()
    assert "受理决定期限" in warning.subject and case.number in warning.subject


def test_gateway_failing_twice_then_succeeding_delivers_once(app, db, orgs, make_case, clock, gateway):
    case = make_case("E01")
    receipt = db.session.scalars(select(Notification).filter_by(case_id=case.id, channel="sms")).one()
    assert deliver_pending().retrying == [receipt.id]
    clock.advance(timedelta(seconds=30))
    assert deliver_pending().retrying == []  # backing off: not due yet
    clock.advance(timedelta(seconds=31))
    assert deliver_pending().retrying == [receipt.id]
    clock.advance(timedelta(minutes=5))
    assert deliver_pending().sent[-1] == receipt.id
    clock.advance(timedelta(hours=3))
    deliver_pending()
    db.session.refresh(receipt)
    assert (receipt.status, receipt.attempts) == ("sent", 3)
    assert len(gateway["requests"]) == 3
    assert gateway["requests"][-1]["token"] == "Bearer t0ken"
    sent = gateway["requests"][-1]["body"]
    assert sent["to"] == "13800138000" and case.number in sent["text"] and sent["request_id"] == receipt.key


def test_gateway_down_marks_failed_for_admins_and_never_blocks_transitions(
        app, db, orgs, make_case, clock, gateway, client):
    gateway["fail_first"] = 100
    case = make_case("E01")
    for _ in range(5):
        deliver_pending()
        clock.advance(timedelta(hours=3))
    receipt = db.session.scalars(select(Notification).filter_by(case_id=case.id, template="receipt")).one()
    assert (receipt.status, receipt.attempts) == ("failed", 5)
    assert "500" in receipt.last_error
    walk(case, "accept", orgs)
    assert case.state == "mediating"

    _login(client, orgs.users["chair:E01"])
    assert client.get("/notifications/failed").status_code == 403
    _login(client, orgs.users["admin"])
    page = client.get("/notifications/failed").get_data(as_text=True)
    assert "发送失败" in page and "13800138000" in page and "500" in page
    assert client.post(f"/notifications/failed/{receipt.id}/retry").status_code == 302
    db.session.refresh(receipt)
    assert (receipt.status, receipt.attempts) == ("pending", 0)


def test_quiet_hours_hold_sms_until_eight_except_the_receipt(app, db, orgs, make_case, clock):
    clock.freeze(datetime(2026, 11, 25, 22, 30))
    case = make_case("E01", "accept")
    rows = {r.template: r for r in db.session.scalars(select(Notification).filter_by(case_id=case.id, channel="sms"))}
    assert rows["receipt"].next_attempt_at == datetime(2026, 11, 25, 22, 30)
    assert rows["accepted"].next_attempt_at == datetime(2026, 11, 26, 8, 0)
    sent = deliver_pending().sent
    assert rows["receipt"].id in sent and rows["accepted"].id not in sent
    clock.freeze(datetime(2026, 11, 26, 7, 59))
    assert deliver_pending().sent == []
    clock.freeze(datetime(2026, 11, 26, 8, 0))
    assert set(deliver_pending().sent) == {rows["accepted"].id, rows["document_served"].id}


def test_a_retry_falling_in_quiet_hours_is_held_not_sent(app, db, orgs, make_case, clock):
    case = make_case("E01", "accept")
    row = db.session.scalars(select(Notification).filter_by(case_id=case.id, template="accepted")).one()
    clock.freeze(datetime(2026, 11, 25, 21, 5))
    result = deliver_pending()
    assert row.id in result.held and row.id not in result.sent
    db.session.refresh(row)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, datetime(2026, 11, 26, 8, 0))


def test_every_template_renders_in_both_languages_and_worker_sms_fit_one_part():
    context = {"case_no": "JK-E01-2026-00017", "query_code": "7KQ2MX9P4A", "state": "调解中", "org_name": "第1工会服务站",
               "org_contact": "0571-86010001", "respondent": "华芯电子（杭州）有限公司", "applicant": "张伟", "reason": "不属于受理范围",
               "terms": "支付工资", "performance_date": "2026-12-31", "limitation_date": "2027-11-25",
               "held_at": "2026-12-02T09:30", "place": "服务站调解室", "deadline_label": "调解期限", "due": "2026-12-10",
               "acceptance_due": "2026-11-30", "arbitration_name": "经开区劳动人事争议仲裁委员会",
               "arbitration_contact": "0571-86005678", "mediator_name": "李调解", "instructions": "请调解",
               "document_title": "受理通知书", "hotline": "12351", "site": "",
               "groups": [{"org": "第1工会服务站", "breached": [{"case_no": "JK-S01-2026-00001", "kind": "acceptance",
                                                          "due": "2026-11-24"}], "due": []}],
               "labels": {"acceptance": "受理决定期限"},
               "day": "2026-11-25", "tomorrow": "2026-11-26"}
    worker = ("receipt", "accepted", "rejected", "session", "agreed", "failed", "escalated",
              "handed_to_arbitration", "document_served")
    assert set(worker) <= set(template_names())
    for name in template_names():
        for lang in ("zh", "en"):
            text = render(name, lang, context)
            assert text.subject and text.body, (name, lang)
            if name in worker and lang == "zh":
                assert sms_parts("【工会调解】" + text.sms) == 1, (name, lang, text.sms)
            elif name in worker:
                assert sms_parts("【工会调解】" + text.sms) <= 2, (name, lang, text.sms)
    assert sms_parts("中" * 70) == 1 and sms_parts("中" * 71) == 2 and sms_parts("中" * 135) == 3
    assert sms_parts("a" * 160) == 1 and sms_parts("a" * 161) == 2


def test_long_reason_sms_says_how_many_parts(app, db, orgs, make_case):
    case = make_case("E01")
    walk(case, "reject", orgs, reason="申请事项不属于劳动争议调解范围，且已超过仲裁时效，建议咨询法律援助中心获取进一步帮助。")
    row = db.session.scalars(select(Notification).filter_by(template="rejected", channel="sms")).one()
    assert len(row.body) > 70 and row.parts == sms_parts(row.body) == 2


def test_escalation_tells_the_worker_the_new_org_and_the_new_org_its_staff(app, db, orgs, make_case):
    case = make_case("E01", "accept", "fail")  # consent at filing: escalates to S01 in the same step
    assert case.org.code == "S01"
    escalated = db.session.scalars(select(Notification).filter_by(template="escalated", channel="sms")).one()
    assert "第1工会服务站" in escalated.body and "0571-86010001" in escalated.body
    failed = db.session.scalars(select(Notification).filter_by(template="failed", channel="sms")).one()
    assert "仲裁" in failed.body and "2027年11月25日" in failed.body
    staff = [m for m in _messages(db, orgs, template="new_case") if m[0].endswith(":S01")]
    assert staff == [("chair:S01", "app", "new_case", "zh"), ("mediator:S01", "app", "new_case", "zh")]


def test_handoff_reaches_the_liaison(app, db, orgs, make_case):
    case = make_case("E01", "accept", "fail", escalation_consent=False)
    walk(case, "hand_to_arbitration", orgs)
    assert ("liaison", "app", "handoff_received", "zh") in _messages(db, orgs)
    worker = db.session.scalars(select(Notification).filter_by(template="handed_to_arbitration")).one()
    assert "经开区劳动人事争议仲裁委员会" in worker.body


def test_staff_who_turned_email_off_get_only_the_bell(app, db, orgs, clock):
    chair = orgs.users["chair:E01"]
    chair.email = "chair@e01.example"
    inbox.set_email_enabled(chair, False)
    _file()
    assert [m for m in _messages(db, orgs) if m[0] == "chair:E01"] == [("chair:E01", "app", "new_case", "zh")]


def test_manager_digest_lists_breaches_and_tomorrows_deadlines_once_a_day(app, db, orgs, make_case, clock):
    overdue = make_case("E01")  # filed Wed 25 Nov: acceptance decision due Mon 30 Nov
    clock.freeze(datetime(2026, 11, 27, 10, 0))
    due_tomorrow = make_case("E03")  # filed Fri 27 Nov: due Wed 2 Dec
    clock.freeze(datetime(2026, 12, 1, 0, 30))
    sweep()
    assert db.session.scalars(select(Deadline.status).filter_by(case_id=overdue.id, kind="acceptance")).one() \
        == "breached"
    assert db.session.scalars(select(Deadline.due_date).filter_by(case_id=due_tomorrow.id, kind="acceptance")).one() \
        == datetime(2026, 12, 2).date()
    clock.freeze(datetime(2026, 12, 1, 8, 0))
    rows = queue_digest()
    assert [(r.user_id, r.channel) for r in rows] == [(orgs.users["manager"].id, "app")]
    body = rows[0].body
    assert "E01公司劳动争议调解委员会" in body and "E03公司劳动争议调解委员会" in body
    assert body.index(overdue.number) < body.index("E03公司") < body.index(due_tomorrow.number)
    assert queue_digest() == []


def _login(client, user):
    from flask import g
    g.pop("_login_user", None)  # requests share the test's app context, so Flask-Login's cache too
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def test_the_list_counts_marks_read_and_renders_in_both_languages(app, db, orgs, make_case, client):
    mediator, other = orgs.users["mediator:E01"], orgs.users["mediator:E03"]
    case = make_case("E01")
    _login(client, mediator)
    assert client.get("/notifications/unread-count").get_json() == {"unread": 1}
    page = client.get("/notifications").get_data(as_text=True)
    assert "通知" in page and "全部标为已读" in page and f"新案件：{case.number}" in page
    assert 'id="unread-count"' in page
    refresh()  # requests share the test's app context, so Flask-Babel's cached locale too
    assert "Mark all read" in client.get("/notifications?lang=en").get_data(as_text=True)
    row = db.session.scalars(select(Notification).filter_by(user_id=mediator.id)).one()
    _login(client, other)
    assert client.post(f"/notifications/{row.id}/read").status_code == 404
    _login(client, mediator)
    assert client.post(f"/notifications/{row.id}/read").status_code == 302
    assert client.get("/notifications/unread-count").get_json() == {"unread": 0}


def test_the_bell_count_needs_a_login(client, orgs):
    response = client.get("/notifications/unread-count")
    assert response.status_code == 401 and response.get_json() == {"error": "login_required"}


def test_assignment_and_a_coming_session_reach_the_mediator_and_the_worker(app, db, orgs, make_case, clock):
    from mediation.services.assignment import assign
    from mediation.services.sessions import record_session
    case = make_case("E01", "accept")
    mediator = orgs.users["mediator:E01"]
    assign(case, mediator, orgs.users["chair:E01"])
    assert ("mediator:E01", "app", "assigned", "zh") in _messages(db, orgs)
    events.record(case, CaseEvent(case_id=case.id, at=clock.local_now(), kind="session", actor_label="mediator_e01",
                                  data={"held_at": "2026-12-02T09:30:00", "place": "E01工会调解室"}))
    db.session.commit()
    session_sms = db.session.scalars(select(Notification).filter_by(template="session", channel="sms")).one()
    assert "2026年12月2日 09:30" in session_sms.body and "E01工会调解室" in session_sms.body
    # A session recorded after it was held (调解笔录) tells the worker nothing new.
    record_session(case, mediator, held_at="2026-11-25T09:00", place="E01工会调解室", attendees="双方",
                   statements="各自陈述", outcome="继续调解")
    assert len(db.session.scalars(select(Notification).filter_by(template="session")).all()) == 1
