"""REST API v1 for staff (DESIGN.md §8): tokens, scoped case lists, details, firing triggers."""
from __future__ import annotations

import pytest

from tests.conftest import VALID_ID, walk

PASSWORDS = {"manager": "pw-manager", "liaison": "pw-liaison", "admin": "pw-admin"}


def token_for(client, orgs, key: str) -> dict:
    user = orgs.users[key]
    password = PASSWORDS.get(key) or "pw-" + user.org.code
    resp = client.post("/api/v1/tokens", json={"username": user.username, "password": password})
    assert resp.status_code == 201, resp.get_json()
    return {"Authorization": "Bearer " + resp.get_json()["token"]}


@pytest.fixture
def cases(make_case):
    """Four cases: two at E01 (one accepted), one at E03, one handed to arbitration from E02."""
    return {"e01": make_case("E01"), "e01_med": make_case("E01", "accept", categories=["overtime"]),
            "e03": make_case("E03"),
            "handed": make_case("E02", "accept", "fail", "hand_to_arbitration", escalation_consent=False)}


def numbers(resp) -> set[str]:
    assert resp.status_code == 200, resp.get_json()
    return {item["case_no"] for item in resp.get_json()["items"]}


# --- tokens and authentication -------------------------------------------------------------------

def test_token_wrong_password_is_401(client, orgs):
    resp = client.post("/api/v1/tokens", json={"username": "chair_e01", "password": "nope"},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 401 and resp.get_json()["error"] == "unauthorized"
    assert "Wrong username or password" in resp.get_json()["message"]


def test_token_body_not_json_is_400(client, orgs):
    resp = client.post("/api/v1/tokens", data="x", content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["message"]


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/cases/JK-E01-2026-00001"])
def test_case_endpoints_need_a_token(client, orgs, path):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        resp = client.get(path, headers=headers)
        assert resp.status_code == 401 and resp.get_json()["error"] == "unauthorized"
    resp = client.post("/api/v1/cases/JK-E01-2026-00001/events", json={"trigger": "accept", "version": 1})
    assert resp.status_code == 401


# --- lists ---------------------------------------------------------------------------------------

def test_lists_are_scoped_to_the_caller(client, orgs, cases):
    c = {k: v.number for k, v in cases.items()}
    assert numbers(client.get("/api/v1/cases", headers=token_for(client, orgs, "chair:E01"))) == {c["e01"], c["e01_med"]}
    # The station sees its enterprises' cases (read-only); S02 does not see S01's.
    assert numbers(client.get("/api/v1/cases", headers=token_for(client, orgs, "chair:S01"))) == {
        c["e01"], c["e01_med"], c["handed"]}
    assert numbers(client.get("/api/v1/cases", headers=token_for(client, orgs, "chair:S02"))) == {c["e03"]}
    assert numbers(client.get("/api/v1/cases", headers=token_for(client, orgs, "manager"))) == set(c.values())
    assert numbers(client.get("/api/v1/cases", headers=token_for(client, orgs, "liaison"))) == {c["handed"]}
    assert numbers(client.get("/api/v1/cases", headers=token_for(client, orgs, "admin"))) == set()


def test_list_item_shape_and_paging(client, orgs, cases):
    headers = token_for(client, orgs, "manager")
    body = client.get("/api/v1/cases?per_page=2&page=2", headers=headers).get_json()
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (2, 2, 4, 2)
    first = client.get("/api/v1/cases?per_page=2", headers=headers).get_json()["items"]
    assert not {i["case_no"] for i in first} & {i["case_no"] for i in body["items"]}
    item = next(i for i in first + body["items"] if i["case_no"] == cases["e01"].number)
    assert item == {"case_no": cases["e01"].number, "state": "submitted", "tier": 1, "org": "E01",
                    "categories": ["wages"], "filed_at": "2026-11-25T10:00:00",
                    "next_due": item["next_due"]}
    assert item["next_due"].startswith("2026-")


@pytest.mark.parametrize("query, expected", [
    ("state=mediating", {"e01_med"}), ("state=submitted,arbitration", {"e01", "e03", "handed"}),
    ("tier=1&org=E01", {"e01", "e01_med"}), ("org=E03", {"e03"}), ("category=overtime", {"e01_med"}),
    ("from=2026-11-25&to=2026-11-25", {"e01", "e01_med", "e03", "handed"}), ("to=2026-11-24", set()),
    ("q=E03", {"e03"}), ("q=张伟", {"e01", "e01_med", "e03", "handed"}), ("q=华芯", {"e01", "e01_med", "e03", "handed"}),
    ("q=100%25", set()),
])
def test_list_filters(client, orgs, cases, query, expected):
    resp = client.get("/api/v1/cases?" + query, headers=token_for(client, orgs, "manager"))
    assert numbers(resp) == {cases[k].number for k in expected}


@pytest.mark.parametrize("query, field", [
    ("state=bogus", "state"), ("tier=4", "tier"), ("tier=x", "tier"), ("org=NOPE", "org"),
    ("category=pets", "category"), ("from=2026-13-01", "from"), ("from=2026-11-26&to=2026-11-01", "to"),
    ("page=0", "page"), ("page=-1", "page"), ("per_page=1000", "per_page"), ("q=" + "x" * 101, "q"),
])
def test_bad_filters_are_422_with_field_messages(client, orgs, query, field):
    resp = client.get("/api/v1/cases?" + query, headers=token_for(client, orgs, "manager"))
    body = resp.get_json()
    assert resp.status_code == 422 and body["error"] == "invalid" and field in body["fields"]
    assert body["fields"][field]  # a message in Chinese by default


# --- details -------------------------------------------------------------------------------------

def test_case_detail(client, orgs, cases):
    case = cases["e01"]
    resp = client.get(f"/api/v1/cases/{case.number}", headers=token_for(client, orgs, "chair:E01"))
    body = resp.get_json()
    assert resp.status_code == 200
    assert (body["case_no"], body["version"], body["state"], body["tier"]) == (case.number, case.version, "submitted", 1)
    assert body["org"]["code"] == "E01"
    assert body["parties"][0]["id_number"] == "110105********1239" and VALID_ID not in resp.get_data(as_text=True)
    assert body["claims"] == [{"item": "支付拖欠工资", "amount": "12500.50"}]
    assert [(r["seq"], r["org"], r["outcome"]) for r in body["rounds"]] == [(1, "E01", None)]
    acceptance = next(d for d in body["deadlines"] if d["kind"] == "acceptance")
    assert acceptance["due"] == "2026-11-30" and acceptance["provisional"] is False
    assert "第二十条" in acceptance["basis"]
    assert body["triggers"] == ["accept", "reject", "withdraw"]


def test_case_detail_in_english_and_triggers_by_role(client, orgs, cases):
    case = cases["e01_med"]
    headers = {**token_for(client, orgs, "mediator:E01"), "Accept-Language": "en"}
    body = client.get(f"/api/v1/cases/{case.number}", headers=headers).get_json()
    assert body["triggers"] == []  # not assigned to this mediator
    mediation = next(d for d in body["deadlines"] if d["kind"] == "mediation")
    assert "Labour Dispute Mediation and Arbitration Law art. 14" in mediation["basis"]
    body = client.get(f"/api/v1/cases/{case.number}", headers=token_for(client, orgs, "chair:S01")).get_json()
    assert body["triggers"] == []  # the station reads its enterprises' cases, it does not run them
    body = client.get(f"/api/v1/cases/{cases['handed'].number}", headers=token_for(client, orgs, "liaison")).get_json()
    assert body["triggers"] == ["arbitration_receive", "arbitration_return"]


def test_unseen_case_is_the_same_404_as_an_unknown_one(client, orgs, cases):
    headers = token_for(client, orgs, "chair:E01")
    unseen = client.get(f"/api/v1/cases/{cases['e03'].number}", headers=headers)
    unknown = client.get("/api/v1/cases/JK-E03-2026-99999", headers=headers)
    assert unseen.status_code == unknown.status_code == 404
    assert unseen.get_json() == unknown.get_json() == {"error": "not_found", "message": "案件不存在。"}
    fired = client.post(f"/api/v1/cases/{cases['e03'].number}/events", headers=headers,
                        json={"trigger": "accept", "version": 1})
    assert fired.status_code == 404 and fired.get_json() == unknown.get_json()


# --- events --------------------------------------------------------------------------------------

def post_event(client, headers, case, **body):
    return client.post(f"/api/v1/cases/{case.number}/events", headers=headers, json=body)


def test_fire_accept_then_stale_version_is_409(client, db, orgs, cases):
    case, headers = cases["e01"], token_for(client, orgs, "chair:E01")
    version = case.version
    resp = post_event(client, headers, case, trigger="accept", version=version)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["state"] == "mediating" and body["version"] == version + 1
    resp = post_event(client, headers, case, trigger="withdraw", version=version, reason="和解")
    assert resp.status_code == 409 and resp.get_json()["error"] == "stale"
    db.session.refresh(case)
    assert case.state == "mediating"


def test_not_allowed_from_this_state_is_409(client, orgs, cases):
    case = cases["e01"]
    resp = post_event(client, token_for(client, orgs, "chair:E01"), case, trigger="agree", version=case.version,
                      terms="x", performance_date="2026-12-31")
    assert resp.status_code == 409 and resp.get_json()["error"] == "not_allowed"


def test_may_see_but_not_do_is_403(client, orgs, cases):
    case = cases["e01"]
    resp = post_event(client, token_for(client, orgs, "mediator:E01"), case, trigger="accept", version=case.version)
    assert resp.status_code == 403 and resp.get_json()["error"] == "forbidden"
    handed = cases["handed"]
    resp = post_event(client, token_for(client, orgs, "liaison"), handed, trigger="accept", version=handed.version)
    assert resp.status_code == 403


def test_unknown_trigger_is_422(client, orgs, cases):
    case = cases["e01"]
    resp = post_event(client, token_for(client, orgs, "chair:E01"), case, trigger="teleport", version=case.version)
    assert resp.status_code == 422 and resp.get_json()["error"] == "unknown_trigger"


@pytest.mark.parametrize("body, fields", [
    ({"trigger": "reject"}, {"reason"}),
    ({"trigger": "reject", "reason": 5}, {"reason"}),
    ({"trigger": "reject", "reason": "  "}, {"reason"}),
    ({"reason": "x"}, {"trigger"}),
    ({"trigger": "reject", "reason": "x", "version": "1"}, {"version"}),
    ({"trigger": "reject", "reason": "x", "version": None}, {"version"}),
])
def test_bad_event_data_is_422_with_field_messages(client, orgs, cases, body, fields):
    case = cases["e01"]
    body = {"version": case.version, **body}
    resp = post_event(client, {**token_for(client, orgs, "chair:E01"), "Accept-Language": "en"}, case, **body)
    assert resp.status_code == 422 and set(resp.get_json()["fields"]) == fields
    assert resp.get_json()["error"] == "invalid"


def test_event_body_not_json_is_400(client, orgs, cases):
    resp = client.post(f"/api/v1/cases/{cases['e01'].number}/events", data="[1]", content_type="application/json",
                       headers=token_for(client, orgs, "chair:E01"))
    assert resp.status_code == 400


def test_agree_with_a_float_amount_is_422(client, orgs, cases):
    case = cases["e01_med"]
    resp = post_event(client, token_for(client, orgs, "chair:E01"), case, trigger="agree", version=case.version,
                      terms="支付", performance_date="2026-12-31", amount_agreed=12.5)
    assert resp.status_code == 422 and "amount_agreed" in resp.get_json()["fields"]


def test_liaison_runs_the_arbitration_triggers_through_the_api(client, db, orgs, cases):
    case, headers = cases["handed"], token_for(client, orgs, "liaison")
    resp = post_event(client, headers, case, trigger="arbitration_receive", version=case.version,
                      arbitration_case_no="经开劳人仲案〔2026〕3号")
    assert resp.status_code == 200 and resp.get_json()["state"] == "arbitration_accepted"
    resp = post_event(client, headers, case, trigger="arbitration_close", version=resp.get_json()["version"],
                      outcome="settled")
    assert resp.status_code == 422 and "outcome" in resp.get_json()["fields"]
    resp = post_event(client, headers, case, trigger="arbitration_return", version=case.version,
                      instructions="请调解", due="2026-12-20")
    assert resp.status_code == 200 and resp.get_json()["state"] == "submitted"
    body = client.get(f"/api/v1/cases/{case.number}", headers=token_for(client, orgs, "chair:F01")).get_json()
    assert body["org"]["code"] == "F01" and body["rounds"][-1]["channel"] == "arbitration_delegated"
    assert any(d["kind"] == "delegated" and d["due"] == "2026-12-20" for d in body["deadlines"])
    assert body["arbitration"]["case_no"] == "经开劳人仲案〔2026〕3号"


def test_worker_options_in_the_detail_after_non_performance(client, orgs, make_case):
    case = make_case("E01", "accept", "agree")
    walk(case, "report_non_performance", orgs)
    body = client.get(f"/api/v1/cases/{case.number}", headers=token_for(client, orgs, "chair:E01")).get_json()
    assert [o["key"] for o in body["worker_options"]] == ["arbitration", "arbitral_confirmation", "payment_order"]
    assert body["agreement"]["amount_agreed"] == "12000.00"
    assert "hand_to_arbitration" in body["triggers"]
