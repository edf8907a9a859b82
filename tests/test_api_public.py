"""The public JSON endpoints of DESIGN.md §8: filing a complaint and tracking it."""
from __future__ import annotations

import pytest

from mediation import create_app
from mediation.extensions import db as _db
from mediation.models import Case, CaseEvent
from mediation.web.ratelimit import limiter
from tests.conftest import build_tree, complaint_data, walk


@pytest.fixture
def filed(client, orgs, clock):
    response = client.post("/api/v1/complaints", json=complaint_data())
    assert response.status_code == 201, response.json
    return response.json


def test_filing_answers_case_number_code_and_deadlines_with_basis(client, orgs, clock):
    response = client.post("/api/v1/complaints", json=complaint_data(), headers={"Accept-Language": "en"})
    assert response.status_code == 201
    body = response.json
    assert body["case_no"] == "JK-E01-2026-00001" and body["state"] == "submitted" and body["org"] == "E01"
    assert len(body["query_code"]) == 8
    kinds = {d["kind"]: d for d in body["deadlines"]}
    # Filed Wed 2026-11-25: 3 working days → Mon 30 Nov; the limitation year runs from the dispute.
    assert kinds["acceptance"] == {"kind": "acceptance", "due": "2026-11-30", "provisional": False,
                                   "basis": kinds["acceptance"]["basis"]}
    assert "art. 20" in kinds["acceptance"]["basis"]
    assert kinds["limitation"]["provisional"] is True  # runs into 2027, whose schedule is unpublished


def test_filing_without_org_goes_to_a_station(client, orgs, clock):
    body = client.post("/api/v1/complaints", json=complaint_data(org=None)).json
    assert body["org"] == "S01" and body["case_no"].startswith("JK-S01-")


def test_filing_reports_every_bad_field_in_the_requested_language(client, orgs, clock):
    data = complaint_data(applicants=[{"name": "", "id_number": "110105199003071238", "phone": "12345",
                                       "address": "x"}], dispute_date="2026-12-01",
                          claims=[{"item": "工资", "amount": "-1"}], pipl_consent=False)
    data["respondent"]["uscc"] = "91330100MA2H3K4L51"
    response = client.post("/api/v1/complaints", json=data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    fields = response.json["fields"]
    assert set(fields) == {"applicants[0].name", "applicants[0].id_number", "applicants[0].phone",
                           "respondent.uscc", "dispute_date", "claims[0].amount", "pipl_consent"}
    assert "check digit" in fields["applicants[0].id_number"]
    zh = client.post("/api/v1/complaints", json=data).json
    assert zh["fields"]["dispute_date"].startswith("日期不能晚于今天")
    assert _db.session.query(Case).count() == 0


@pytest.mark.parametrize("body", ["[1, 2]", "not json", '"text"'])
def test_filing_body_that_is_not_an_object_is_400(client, orgs, body):
    response = client.post("/api/v1/complaints", data=body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json) == {"error", "message"}


def test_filing_body_over_one_mebibyte_is_refused(client, orgs, clock):
    data = complaint_data(facts="x" * (1024 * 1024))
    response = client.post("/api/v1/complaints", json=data)
    assert response.status_code == 413 and response.json["error"] == "too_large"


def test_track_shows_the_design_shape(client, filed):
    response = client.get(f"/api/v1/track/{filed['case_no']}?code={filed['query_code']}",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 200
    view = response.json
    assert set(view) == {"case_no", "state", "state_label", "org", "timeline", "next_deadline", "documents"}
    assert view["state_label"] == "Awaiting acceptance"
    assert view["org"]["name"] == "E01公司劳动争议调解委员会" and view["org"]["contact"] == "工会办公室"
    assert view["timeline"] == [{"at": "2026-11-25T10:00", "label": "Application filed"}]
    assert set(view["next_deadline"]) == {"kind", "due", "provisional", "basis"}
    assert view["next_deadline"]["kind"] == "acceptance" and view["documents"] == []


def test_track_code_is_case_insensitive_and_tolerates_spaces(client, filed):
    code = filed["query_code"].lower()
    assert client.get(f"/api/v1/track/{filed['case_no']}?code= {code} ").status_code == 200


def test_wrong_code_and_unknown_case_give_the_same_404(client, filed):
    wrong = client.get(f"/api/v1/track/{filed['case_no']}?code=AAAAAAAA")
    unknown = client.get("/api/v1/track/JK-E01-2026-99999?code=" + filed["query_code"])
    missing = client.get(f"/api/v1/track/{filed['case_no']}")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.get_data() == unknown.get_data() == missing.get_data()
    assert filed["case_no"] not in wrong.get_data(as_text=True)


def test_timeline_shows_public_events_only(client, orgs, filed):
    case = _db.session.query(Case).filter_by(number=filed["case_no"]).one()
    _db.session.add(CaseEvent(case_id=case.id, at=case.filed_at, kind="note", actor_label="chair_e01",
                              data={"text": "内部备注：雇主态度强硬"}, public=False))
    _db.session.commit()
    walk(case, "accept", orgs)
    view = client.get(f"/api/v1/track/{filed['case_no']}?code={filed['query_code']}").json
    assert [item["label"] for item in view["timeline"]] == ["提交调解申请", "已受理，开始调解"]
    assert "内部备注" not in str(view)
    assert view["state"] == "mediating" and view["next_deadline"]["kind"] == "mediation"


@pytest.fixture
def limited_app(tmp_path):
    """A separate app with the limiter on (3 tracks a minute); the shared limiter is restored after."""
    before = limiter.enabled
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rl.db'}",
                      "DATA_DIR": tmp_path, "SECRET_KEY": "rl", "ENCRYPTION_KEY": "rl", "WTF_CSRF_ENABLED": False,
                      "MEDIATION": {"limits": {"ratelimit_enabled": True, "track_per_minute": 3}}})
    with app.app_context():
        _db.create_all()
        build_tree()
        limiter.reset()
        yield app
        limiter.reset()
        _db.session.remove()
        _db.engine.dispose()
    limiter.enabled = before


def test_tracking_is_rate_limited_per_address(limited_app):
    client = limited_app.test_client()
    answers = [client.get("/api/v1/track/JK-E01-2026-00001?code=AAAAAAAA").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    body = client.get("/api/v1/track/JK-E01-2026-00001?code=AAAAAAAA", headers={"Accept-Language": "en"}).json
    assert body == {"error": "rate_limited", "message": "Too many requests; wait a minute and try again."}
    # The portal's tracking form shares the per-address budget of its own endpoint.
    pages = [client.post("/track", data={"case_no": "JK-E01-2026-00001", "code": "AAAAAAAA"}).status_code
             for _ in range(4)]
    assert pages == [404, 404, 404, 429]
    assert "请稍等一分钟" in client.post("/track", data={"case_no": "x", "code": "y"}).get_data(as_text=True)
    # A right code does not get through once the limit is reached.
    assert client.get("/api/v1/track/JK-E01-2026-00001?code=ANY").status_code == 429
