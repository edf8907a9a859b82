"""The worker's decisions on the tracking page: next tier, arbitration, non-performance of an agreement."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from mediation.models import Case, CaseEvent
from mediation.services import errors, tracking
from mediation.services.actors import WorkerActor
from mediation.services.lifecycle import fire
from tests.conftest import walk


def text(response) -> str:
    return response.get_data(as_text=True)


def track(client, case) -> None:
    response = client.post("/track", data={"case_no": case.number, "code": case.query_code})
    assert response.status_code == 302


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def reload(db, case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def worker_events(db, case, trigger) -> list[CaseEvent]:
    return db.session.query(CaseEvent).filter_by(case_id=case.id, trigger=trigger).all()


@pytest.fixture
def failed(make_case, client):
    case = make_case("E01", "accept", "fail", escalation_consent=False)
    assert case.state == "failed" and case.org.code == "E01"
    track(client, case)
    return case


def test_failed_case_offers_both_choices_and_the_worker_goes_to_the_station(client, db, failed):
    page = text(client.get(f"/track/{failed.number}"))
    for words in ("你的选择", "本级调解组织的调解已经结束", "申请上一级调解组织调解", "由第1工会服务站重新调解",
                  "0571-86010001", "3个工作日内决定是否受理", "申请劳动仲裁", "劳动仲裁不收费"):
        assert words in page, words
    assert f'href="/track/{failed.number}/decide/escalate"' in page
    assert f'href="/track/{failed.number}/decide/hand_to_arbitration"' in page

    confirm = text(client.get(f"/track/{failed.number}/decide/escalate"))
    for words in ("确认后会怎样", "您的案件将移送上一级工会调解组织：第1工会服务站", "0571-86010001",
                  "3个工作日内决定是否受理", "各级工会调解一律免费", "确认移送第1工会服务站"):
        assert words in confirm, words
    assert reload(db, failed).state == "failed"  # looking at the confirmation changes nothing

    response = client.post(f"/track/{failed.number}/decide/escalate", data={"version": version_on(confirm)})
    assert response.status_code == 302 and response.location.endswith(f"/track/{failed.number}")
    case = reload(db, failed)
    assert (case.state, case.org.code, case.tier) == ("submitted", "S01", 2)
    [event] = worker_events(db, case, "escalate")
    assert event.actor_label == "worker" and event.public
    page = text(client.get(f"/track/{failed.number}"))
    assert "您的案件已移送第1工会服务站。" in page and "应您的申请，移送上一级调解组织" in page
    assert "待受理" in page and "你的选择" not in page
    english = text(client.get(f"/track/{failed.number}?lang=en"))
    assert "At your request, referred to the next tier of mediation" in english


def test_failed_case_worker_applies_for_arbitration_in_english(client, db, failed):
    limitation = tracking.limitation(failed).due_date.isoformat()
    page = text(client.get(f"/track/{failed.number}?lang=en"))
    assert "Your options" in page and "Apply to the next tier of mediation" in page
    assert f"Limitation period: until {limitation}." in page
    confirm = text(client.get(f"/track/{failed.number}/decide/hand_to_arbitration?lang=en"))
    for words in ("What happens if you confirm", "Union mediation of your case ends", "经开区劳动人事争议仲裁委员会",
                  "within 5 days of receiving it", "Labour arbitration is free of charge",
                  f"runs until {limitation}", "no longer goes to the next tier", "Yes, apply for arbitration"):
        assert words in confirm, words
    response = client.post(f"/track/{failed.number}/decide/hand_to_arbitration?lang=en",
                           data={"version": version_on(confirm)}, follow_redirects=True)
    assert "Your case has been handed to the labour arbitration commission." in text(response)
    assert "At your request, handed to the labour arbitration commission" in text(response)
    case = reload(db, failed)
    assert (case.state, case.org.code) == ("arbitration", "E01") and case.handed_to_arbitration_at is not None
    [event] = worker_events(db, case, "hand_to_arbitration")
    assert event.actor_label == "worker" and event.data == {"worker_choice": True}
    chinese = text(client.get(f"/track/{failed.number}?lang=zh"))
    assert "应您的申请，移交劳动人事争议仲裁委员会" in chinese and "已移交仲裁" in chinese


def test_rejected_case_may_go_to_the_next_tier(client, db, make_case):
    case = make_case("E01", "reject")
    track(client, case)
    assert "申请上一级调解组织调解" in text(client.get(f"/track/{case.number}"))
    confirm = text(client.get(f"/track/{case.number}/decide/escalate"))
    client.post(f"/track/{case.number}/decide/escalate", data={"version": version_on(confirm)})
    assert (reload(db, case).state, reload(db, case).org.code) == ("submitted", "S01")


def test_at_the_federation_only_arbitration_is_offered(client, db, make_case):
    case = make_case("E01", "accept", "fail", "accept", "fail", "accept", "fail")  # consent: up each tier
    assert (case.state, case.tier, case.org.code) == ("failed", 3, "F01")
    track(client, case)
    page = text(client.get(f"/track/{case.number}"))
    assert "申请劳动仲裁" in page and "申请上一级调解组织调解" not in page
    assert tracking.worker_choices(case) == ["hand_to_arbitration"]
    confirm = text(client.get(f"/track/{case.number}/decide/hand_to_arbitration"))
    assert "不再移送上一级" not in confirm  # there is no tier left to lose
    response = client.post(f"/track/{case.number}/decide/escalate", data={"version": str(case.version)})
    assert response.status_code == 409 and "总工会已是最高一级调解组织" in text(response)
    assert reload(db, case).state == "failed"


def test_a_choice_the_state_does_not_allow_is_refused_with_a_message(client, db, make_case):
    case = make_case("E01", "accept")
    track(client, case)
    assert "你的选择" not in text(client.get(f"/track/{case.number}"))
    assert "目前不能办理此项" in text(client.get(f"/track/{case.number}/decide/escalate"))
    response = client.post(f"/track/{case.number}/decide/escalate", data={"version": str(case.version)})
    assert response.status_code == 409
    assert "案件当前状态为“调解中”，不能执行“移送上一级调解”。" in text(response)
    response = client.post(f"/track/{case.number}/decide/hand_to_arbitration?lang=en",
                           data={"version": str(case.version)})
    assert response.status_code == 409 and "not possible while the case is “In mediation”" in text(response)
    # Decisions only: other triggers have no such page.
    for trigger in ("withdraw", "accept", "agree", "nonsense"):
        assert client.post(f"/track/{case.number}/decide/{trigger}", data={"version": "1"}).status_code == 404
    assert reload(db, case).state == "mediating"
    with pytest.raises(errors.Forbidden):
        tracking.worker_fire(case, "agree", case.version, terms="x", performance_date="2026-12-31")


def test_a_stale_page_is_refused_and_the_confirmation_can_be_repeated(client, db, failed):
    old = version_on(text(client.get(f"/track/{failed.number}/decide/escalate")))
    response = client.post(f"/track/{failed.number}/decide/escalate", data={"version": str(int(old) - 1)})
    assert response.status_code == 409 and "您打开此页面后，案件情况有了变化" in text(response)
    assert reload(db, failed).state == "failed"
    response = client.post(f"/track/{failed.number}/decide/escalate?lang=en", data={})
    assert response.status_code == 409 and "Your case changed while this page was open" in text(response)
    # The page shown with the message carries the current version: confirming again works.
    response = client.post(f"/track/{failed.number}/decide/escalate", data={"version": version_on(text(response))})
    assert response.status_code == 302 and reload(db, failed).org.code == "S01"


def test_a_mediator_acting_first_makes_the_page_stale_and_keeps_the_note(client, db, orgs, clock, make_case):
    case = make_case("E01", "accept", "agree")
    track(client, case)
    clock.freeze(datetime(2027, 1, 4, 9, 0))
    confirm = text(client.get(f"/track/{case.number}/decide/report_non_performance"))
    walk(reload(db, case), "report_non_performance", orgs)  # the mediator records it meanwhile
    response = client.post(f"/track/{case.number}/decide/report_non_performance",
                           data={"version": version_on(confirm), "note": "公司至今未支付12000元"})
    page = text(response)
    assert response.status_code == 409 and "您打开此页面后，案件情况有了变化" in page
    assert "公司至今未支付12000元" in page and "目前不能办理此项" in page
    assert len(worker_events(db, case, "report_non_performance")) == 1


def test_non_performance_then_options_then_arbitration(client, db, clock, make_case):
    case = make_case("E01", "accept", "agree")  # to be performed by 2026-12-31
    track(client, case)
    page = text(client.get(f"/track/{case.number}"))
    assert "如果用人单位到2026-12-31仍未按协议履行" in page and "decide/report_non_performance" not in page
    response = client.post(f"/track/{case.number}/decide/report_non_performance",
                           data={"version": str(case.version), "note": "未付款"})
    assert response.status_code == 409 and "期限届至后才能报告未履行" in text(response)

    clock.freeze(datetime(2026, 12, 31, 9, 0))  # on the day the employer may report it already
    page = text(client.get(f"/track/{case.number}"))
    assert "用人单位未履行调解协议" in page and "decide/report_non_performance" in page
    confirm = text(client.get(f"/track/{case.number}/decide/report_non_performance"))
    assert "调解协议约定的履行期限为2026-12-31。" in confirm and "一次性支付工资12500元" in confirm
    response = client.post(f"/track/{case.number}/decide/report_non_performance",
                           data={"version": version_on(confirm), "note": "  "})
    assert response.status_code == 422
    assert '<p class="field-error" id="note-error">请写明用人单位哪些约定没有履行。</p>' in text(response)
    response = client.post(f"/track/{case.number}/decide/report_non_performance",
                           data={"version": version_on(confirm), "note": "公司未支付约定的12000元"})
    assert response.status_code == 302
    case = reload(db, case)
    assert case.state == "agreed" and case.non_performance_reported_at is not None
    [event] = worker_events(db, case, "report_non_performance")
    assert event.actor_label == "worker" and event.data == {"note": "公司未支付约定的12000元"}

    limitation = tracking.limitation(case).due_date.isoformat()
    page = text(client.get(f"/track/{case.number}"))
    for words in ("已登记用人单位未履行调解协议", "您现在可以依法选择的途径", "申请劳动争议仲裁", limitation,
                  "申请仲裁审查确认调解协议", "向人民法院申请支付令", "持调解协议申请仲裁", "您已报告用人单位未履行调解协议"):
        assert words in page, words
    assert "decide/report_non_performance" not in page
    english = text(client.get(f"/track/{case.number}?lang=en"))
    for words in ("What the law lets you do now", "Payment order", "Apply for arbitration with the agreement",
                  "You reported that the employer has not performed the agreement"):
        assert words in english, words

    confirm = text(client.get(f"/track/{case.number}/decide/hand_to_arbitration?lang=zh"))
    assert "持调解协议申请仲裁" in confirm and "连同调解协议书移交经开区劳动人事争议仲裁委员会" in confirm
    assert f"仲裁时效截至{limitation}" in confirm and "劳动争议仲裁不收费" in confirm
    response = client.post(f"/track/{case.number}/decide/hand_to_arbitration",
                           data={"version": version_on(confirm)}, follow_redirects=True)
    assert "您的案件已移交劳动人事争议仲裁委员会。" in text(response)
    assert reload(db, case).state == "arbitration"


def test_a_worker_of_another_case_cannot_act(client, db, failed, make_case):
    other = make_case("E02", "accept", "fail", escalation_consent=False)
    for method in (client.get, client.post):
        assert method(f"/track/{other.number}/decide/escalate", data={"version": str(other.version)}) \
            .status_code == 404
    assert reload(db, other).state == "failed"
    with pytest.raises(errors.NotFound):
        fire(other, "escalate", WorkerActor(failed.id), version=other.version)
    assert reload(db, other).org.code == "E02"


def test_decisions_need_the_csrf_token(client, app, failed, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(f"/track/{failed.number}/decide/escalate", data={"version": str(failed.version)})
    assert response.status_code == 400


def test_a_withdrawal_confirmed_on_a_stale_page_is_refused_and_keeps_the_reason(client, db, orgs, make_case):
    case = make_case("E01")
    track(client, case)
    confirm = text(client.get(f"/track/{case.number}/withdraw"))
    walk(reload(db, case), "accept", orgs)  # the committee accepts the case meanwhile
    response = client.post(f"/track/{case.number}/withdraw",
                           data={"version": version_on(confirm), "reason": "已与公司私下和解"})
    page = text(response)
    assert response.status_code == 409 and "您打开此页面后，案件情况有了变化" in page
    assert "已与公司私下和解" in page
    assert reload(db, case).state == "mediating" and worker_events(db, case, "withdraw") == []
    response = client.post(f"/track/{case.number}/withdraw?lang=en", data={"reason": "settled"})  # no version
    assert response.status_code == 409 and "Your case changed while this page was open" in text(response)
    assert "settled" in text(response)
    # The page shown with the message carries the current version: confirming again withdraws.
    response = client.post(f"/track/{case.number}/withdraw",
                           data={"version": version_on(page), "reason": "已与公司私下和解"})
    assert response.status_code == 302 and reload(db, case).state == "withdrawn"
    assert worker_events(db, case, "withdraw")[0].data["reason"] == "已与公司私下和解"
