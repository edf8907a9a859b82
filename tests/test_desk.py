"""The mediator desk through its pages: login, queue, registration, firing, sessions, assignment."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from mediation.extensions import db as _db
from mediation.models import Case, CaseEvent, Document, MediationSession, Referral
from mediation.services import assignment, queue
from mediation.services.lifecycle import fire
from tests.conftest import VALID_ID, walk
from tests.desk_support import login_as



def _login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


# --- login, lockout, inactivity ------------------------------------------------------------------

def test_login_page_is_chinese_by_default_and_english_on_request(client, orgs):
    assert "工作人员登录" in client.get("/login").text
    assert "Staff login" in client.get("/login?lang=en").text


def test_login_then_logout(client, orgs, clock):
    response = _login(client, "chair_e01", "pw-E01")
    assert response.status_code == 302 and response.location.endswith("/desk/")
    assert client.get("/desk/").status_code == 200
    client.post("/logout")
    assert client.get("/desk/").status_code == 302


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client, orgs, clock):
    for _ in range(4):
        assert "用户名或密码错误" in _login(client, "mediator_e01", "wrong").text
    response = _login(client, "mediator_e01", "wrong")
    assert response.status_code == 401 and "已被锁定15分钟" in response.text
    response = _login(client, "mediator_e01", "pw-E01")  # right password, still locked
    assert response.status_code == 401 and "已被锁定" in response.text
    clock.advance(timedelta(minutes=16))
    assert _login(client, "mediator_e01", "pw-E01").status_code == 302


def test_session_ends_after_thirty_idle_minutes(client, orgs, clock):
    _login(client, "chair_e01", "pw-E01")
    clock.advance(timedelta(minutes=29))
    assert client.get("/desk/").status_code == 200  # activity restarts the idle period
    clock.advance(timedelta(minutes=29))
    assert client.get("/desk/").status_code == 200
    clock.advance(timedelta(minutes=31))
    response = client.get("/desk/")
    assert response.status_code == 302 and "/login" in response.location
    assert "30分钟未操作" in client.get(response.location).text
    assert client.get("/desk/").status_code == 302


def test_desk_needs_login(client, orgs):
    response = client.get("/desk/")
    assert response.status_code == 302 and "/login" in response.location


# --- queue ---------------------------------------------------------------------------------------

def test_queue_filters_search_and_pagination(client, orgs, make_case, clock):
    first = make_case("E01")
    second = make_case("E01", "accept", applicants=[{"name": "李娜", "id_number": VALID_ID, "phone": "13800138001",
                                                      "address": "杭州"}], categories=["overtime"])
    clock.advance(timedelta(days=2))
    third = make_case("E02")
    make_case("E03")  # outside station S01's view
    actor = orgs.users["chair:S01"]

    def numbers(**args):
        filters, problems = queue.parse_filters(args)
        assert not problems
        return {row.case.number for row in queue.case_queue(actor, filters).rows}

    assert numbers() == {first.number, second.number, third.number}
    assert numbers(state="mediating") == {second.number}
    assert numbers(org="E02") == {third.number}
    assert numbers(category="overtime") == {second.number}
    assert numbers(q="李娜") == {second.number}
    assert numbers(q=third.number) == {third.number}
    assert numbers(q="E02-2026") == {third.number}
    assert numbers(tier="2") == set()
    assert numbers(channel="walk_in") == set()
    assert numbers(**{"from": "2026-11-26"}) == {third.number}
    assert numbers(**{"to": "2026-11-25"}) == {first.number, second.number}
    assert numbers(mediator=str(orgs.users["mediator:E01"].id)) == set()

    page = queue.case_queue(actor, queue.parse_filters({"per_page": "2", "page": "2"})[0])
    assert page.total == 3 and page.pages == 2 and len(page.rows) == 1

    login_as(client, actor)
    html = client.get("/desk/?state=mediating").text
    assert second.number in html and first.number not in html and "共1件" in html


def test_queue_sorts_by_next_deadline_and_shows_sla_badges(orgs, make_case, clock):
    late = make_case("E01")           # acceptance due in 3 working days
    clock.advance(timedelta(days=1))
    early = make_case("E01", "accept")  # mediation term: 15 days, later
    actor = orgs.users["chair:E01"]
    rows = queue.case_queue(actor, queue.QueueFilters()).rows
    assert [r.case.number for r in rows] == [late.number, early.number]
    assert {r.case.number: r.sla for r in rows} == {late.number: "on_time", early.number: "on_time"}
    clock.advance(timedelta(days=3))  # past the acceptance warning, before its due date? check both
    badge = {r.case.number: r.sla for r in queue.case_queue(actor, queue.QueueFilters()).rows}[late.number]
    assert badge in ("warning", "breached")
    clock.advance(timedelta(days=10))
    badges = {r.case.number: r.sla for r in queue.case_queue(actor, queue.QueueFilters()).rows}
    assert badges[late.number] == "breached" and badges[early.number] == "warning"


def test_queue_page_costs_the_same_number_of_queries_for_3_or_20_cases(client, orgs, make_case):
    login_as(client, orgs.users["chair:E01"])

    def count_queries():
        statements = []
        listener = lambda *a, **k: statements.append(a[2])  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/desk/?per_page=50").status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return len(statements)

    for _ in range(3):
        make_case("E01", "accept")
    few = count_queries()
    for _ in range(17):
        make_case("E01")
    assert count_queries() == few


# --- registration --------------------------------------------------------------------------------

def _register_form(**overrides):
    form = {"channel": "walk_in", "applicants-0-name": "王芳", "applicants-0-id_number": VALID_ID,
            "applicants-0-phone": "13900139000", "applicants-0-address": "杭州市钱塘区", "respondent-name": "华芯电子",
            "org": "E01", "categories": "wages", "claims-0-item": "支付拖欠工资", "claims-0-amount": "8000",
            "facts": "拖欠两个月工资。", "dispute_date": "2026-11-01", "pipl_consent": "1", "action": "submit"}
    form.update(overrides)
    return form


def test_register_a_walk_in_case_shows_the_query_code_once(client, orgs, clock):
    login_as(client, orgs.users["mediator:E01"])
    response = client.post("/desk/register", data=_register_form(channel="hotline_12351"))
    assert response.status_code == 200 and "查询码" in response.text
    case = _db.session.scalars(select(Case)).one()
    assert case.channel == "hotline_12351" and case.org.code == "E01"
    filed = _db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "filed")).one()
    assert filed.actor_label == "mediator_e01"


def test_register_refuses_bad_input_and_keeps_what_was_typed(client, orgs, clock):
    login_as(client, orgs.users["chair:E01"])
    response = client.post("/desk/register", data=_register_form(**{"applicants-0-id_number": "110105199003071238",
                                                                    "channel": "fax"}))
    assert response.status_code == 422
    assert "校验码" in response.text or "身份证" in response.text
    assert "请选择申请的受理渠道" in response.text
    assert "拖欠两个月工资。" in response.text and "王芳" in response.text
    assert _db.session.scalars(select(Case)).first() is None


# --- the case page and firing --------------------------------------------------------------------

def test_case_page_in_chinese_and_english(client, orgs, make_case):
    case = make_case("E01")
    login_as(client, orgs.users["chair:E01"])
    zh = client.get(f"/desk/cases/{case.number}").text
    assert "待受理" in zh and "受理" in zh and "法律依据" in zh and "《企业劳动争议协商调解规定》第二十条" in zh
    assert "暂定，待国务院公布2027年节假日安排后确认" in zh  # the limitation period runs into 2027
    en = client.get(f"/desk/cases/{case.number}?lang=en").text
    assert "Awaiting acceptance" in en and "Legal basis" in en and "Provisional" in en


def test_fire_agree_through_the_form(client, orgs, make_case):
    case = make_case("E01", "accept")
    assignment.assign(case, orgs.users["mediator:E01"], orgs.users["chair:E01"])
    login_as(client, orgs.users["mediator:E01"])
    data = {"version": case.version, "confirm": "1", "terms": "公司于12月20日前一次性支付工资8000元",
            "performance_date": "2026-12-20", "amount_agreed": "8000"}
    response = client.post(f"/desk/cases/{case.number}/fire/agree", data=data)
    assert response.status_code == 302
    _db.session.refresh(case)
    assert case.state == "agreed" and str(case.performance_date) == "2026-12-20"


def test_fire_without_confirmation_or_with_bad_data_changes_nothing(client, orgs, make_case):
    case = make_case("E01", "accept")
    login_as(client, orgs.users["chair:E01"])
    response = client.post(f"/desk/cases/{case.number}/fire/agree", data={"version": case.version, "terms": "x",
                                                                           "performance_date": "2026-12-20"})
    assert response.status_code == 422 and "请勾选确认" in response.text
    response = client.post(f"/desk/cases/{case.number}/fire/agree", data={
        "version": case.version, "confirm": "1", "terms": "支付8000元", "performance_date": "2020-01-01"})
    assert response.status_code == 422 and "支付8000元" in response.text
    _db.session.refresh(case)
    assert case.state == "mediating"


def test_a_stale_form_is_refused_with_a_clear_message_and_the_input_kept(client, orgs, make_case):
    case = make_case("E01", "accept")
    login_as(client, orgs.users["chair:E01"])
    page = client.get(f"/desk/cases/{case.number}").text
    old_version = case.version
    assert f'name="version" value="{old_version}"' in page
    # Meanwhile a colleague extends the term.
    fire(case, "extend", orgs.users["chair:E01"], days=5, consent_note="双方同意延长")
    response = client.post(f"/desk/cases/{case.number}/fire/fail", data={
        "version": old_version, "confirm": "1", "reason": "双方差距太大，无法调和"})
    assert response.status_code == 409
    assert "此案件已被他人修改，请刷新后再操作" in response.text
    assert "双方差距太大，无法调和" in response.text
    _db.session.refresh(case)
    assert case.state == "mediating" and case.extended_days == 5


def test_station_sees_its_enterprise_case_read_only(client, orgs, make_case):
    case = make_case("E01")
    login_as(client, orgs.users["chair:S01"])
    page = client.get(f"/desk/cases/{case.number}")
    assert page.status_code == 200 and "act-accept" not in page.text
    response = client.post(f"/desk/cases/{case.number}/fire/accept", data={"version": case.version, "confirm": "1"})
    assert response.status_code == 403
    login_as(client, orgs.users["chair:S02"])
    assert client.get(f"/desk/cases/{case.number}").status_code == 404


# --- sessions, notes, referrals, reveal ------------------------------------------------------------

def test_sessions_are_appended_never_edited(client, orgs, make_case):
    case = make_case("E01", "accept")
    login_as(client, orgs.users["chair:E01"])
    form = {"held_at": "2026-11-25T09:00", "place": "公司工会会议室", "attendees": "张伟；公司人事经理",
            "statements": "张伟：要求支付工资。公司：同意分期支付。", "outcome": "约定下次继续调解"}
    assert client.post(f"/desk/cases/{case.number}/sessions", data=form).status_code == 302
    assert client.post(f"/desk/cases/{case.number}/sessions", data={**form, "place": ""}).status_code == 422
    session_row = _db.session.scalars(select(MediationSession)).one()
    assert session_row.place == "公司工会会议室"
    event_row = _db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "session")).one()
    assert event_row.public and event_row.data["place"] == "公司工会会议室" and "statements" not in event_row.data
    assert _db.session.scalars(select(Document).where(Document.kind == "mediation_record")).first() is not None
    session_row.outcome = "改写"
    with pytest.raises(RuntimeError, match="append-only"):
        _db.session.flush()
    _db.session.rollback()
    assert "同意分期支付" in client.get(f"/desk/cases/{case.number}").text


def test_a_session_in_the_future_is_refused(client, orgs, make_case):
    case = make_case("E01", "accept")
    login_as(client, orgs.users["chair:E01"])
    response = client.post(f"/desk/cases/{case.number}/sessions", data={
        "held_at": "2026-12-25T09:00", "place": "会议室", "attendees": "甲", "statements": "乙", "outcome": "丙"})
    assert response.status_code == 422 and "不能晚于现在" in response.text


def test_a_related_mediator_cannot_be_assigned_and_the_reason_is_shown(client, orgs, make_case):
    case = make_case("E01")
    mediator = orgs.users["mediator:E01"]
    assignment.declare_conflict(mediator, id_number=VALID_ID, relation="表兄弟")
    login_as(client, orgs.users["chair:E01"])
    page = client.get(f"/desk/cases/{case.number}").text
    assert "与申请人张伟存在关系：表兄弟" in page
    response = client.post(f"/desk/cases/{case.number}/assign", data={"mediator_id": mediator.id,
                                                                      "version": case.version})
    assert response.status_code == 409 and "应当回避" in response.text
    response = client.post(f"/desk/cases/{case.number}/fire/accept", data={
        "mediator_id": mediator.id, "version": case.version, "confirm": "1"})
    assert response.status_code == 409
    _db.session.refresh(case)
    assert case.mediator_id is None and case.state == "submitted"
    chair = orgs.users["chair:E01"]
    assert client.post(f"/desk/cases/{case.number}/assign", data={"mediator_id": chair.id}).status_code == 302
    _db.session.refresh(case)
    assert case.mediator_id == chair.id


def test_employer_conflict_and_other_org_mediator_are_refused(orgs, make_case):
    case = make_case("E01")
    mediator = orgs.users["mediator:E01"]
    assignment.declare_conflict(mediator, employer_name="华芯电子（杭州）有限公司", relation="配偶在该公司任人事经理")
    reasons = assignment.conflicts(case, mediator)
    assert len(reasons) == 1 and "被申请人" in reasons[0].zh
    from mediation.services import errors
    with pytest.raises(errors.InvalidData):
        assignment.assign(case, orgs.users["mediator:E02"], orgs.users["chair:E01"])
    with pytest.raises(errors.Forbidden):
        assignment.assign(case, orgs.users["chair:E01"], orgs.users["mediator:E01"])


def test_referrals_with_their_outcome(client, orgs, make_case):
    case = make_case("E01", "accept")
    login_as(client, orgs.users["chair:E01"])
    assert client.post(f"/desk/cases/{case.number}/referrals", data={"kind": "legal_aid",
                                                                     "note": "申请人经济困难"}).status_code == 302
    assert client.post(f"/desk/cases/{case.number}/referrals", data={"kind": "astrology"}).status_code == 422
    referral = _db.session.scalars(select(Referral)).one()
    url = f"/desk/cases/{case.number}/referrals/{referral.id}/outcome"
    assert client.post(url, data={"outcome": "已获法律援助中心受理"}).status_code == 302
    assert client.post(url, data={"outcome": "改写"}).status_code == 409
    _db.session.refresh(referral)
    assert referral.outcome == "已获法律援助中心受理" and referral.outcome_at is not None
    assert "法律援助" in client.get(f"/desk/cases/{case.number}").text


def test_revealing_an_id_number_is_audited(client, orgs, make_case):
    case = make_case("E01")
    party = case.parties[0]
    login_as(client, orgs.users["mediator:E01"])
    page = client.get(f"/desk/cases/{case.number}").text
    assert VALID_ID not in page and "110105********1239" in page
    response = client.post(f"/desk/cases/{case.number}/parties/{party.id}/reveal")
    assert response.status_code == 200 and VALID_ID in response.text
    assert response.headers["Cache-Control"] == "no-store"
    audit = _db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "id_revealed")).one()
    assert audit.actor_label == "mediator_e01" and audit.public is False
    login_as(client, orgs.users["mediator:S01"])  # sees the case, may not reveal
    assert client.post(f"/desk/cases/{case.number}/parties/{party.id}/reveal").status_code == 403


def test_internal_notes_are_not_public(client, orgs, make_case):
    case = make_case("E01")
    login_as(client, orgs.users["chair:E01"])
    assert client.post(f"/desk/cases/{case.number}/notes", data={"note": "申请人情绪激动，需心理疏导"}).status_code == 302
    note = _db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "note")).one()
    assert note.public is False
    assert "申请人情绪激动" in client.get(f"/desk/cases/{case.number}").text


def test_document_download_only_when_issued_and_visible(client, orgs, make_case, app):
    case = make_case("E01")
    doc = Document(case_id=case.id, kind="acceptance_notice", status="pending", created_at=case.filed_at)
    _db.session.add(doc)
    _db.session.commit()
    login_as(client, orgs.users["chair:E01"])
    assert client.get(f"/desk/documents/{doc.id}.pdf").status_code == 404
    (app.config["DATA_DIR"] / "desk-test.pdf").write_bytes(b"%PDF-1.4 test")
    doc.status, doc.path = "issued", "desk-test.pdf"
    _db.session.commit()
    response = client.get(f"/desk/documents/{doc.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response.close()
    login_as(client, orgs.users["chair:E03"])
    assert client.get(f"/desk/documents/{doc.id}.pdf").status_code == 404


def test_walk_helper_still_works_with_desk_assignment(orgs, make_case):
    case = make_case("E01")
    walk(case, "accept", orgs, mediator_id=orgs.users["mediator:E01"].id)
    assert case.mediator_id == orgs.users["mediator:E01"].id
