"""The 工会+仲裁院 docking end to end: three failed rounds, handoff with its package, receipt, 委派调解,
agreement at the federation, non-performance with the worker's options, and a second handoff."""
from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.renders_documents
from flask import g
from sqlalchemy import select

from mediation.models import Case, Document
from mediation.services import handoff
from mediation.services.actors import WorkerActor
from mediation.services.lifecycle import fire
from mediation.services.options import worker_options
from tests.conftest import VALID_ID, walk


def login(client, user) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
        s.pop("last_seen", None)
    # The `app` fixture keeps one app context, and so flask.g with Flask-Login's cached user, for the test.
    g.pop("_login_user", None)


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def open_zip(path: Path) -> tuple[zipfile.ZipFile, dict, str]:
    zf = zipfile.ZipFile(path)
    return zf, json.loads(zf.read("case.json")), zf.read("index.txt").decode()


def add_issued_document(app, db, case, kind: str, body: bytes) -> Document:
    """A rendered document as the documents area leaves it: a file under DATA_DIR and an issued row."""
    rel = f"documents/test/{case.id}-{kind}.pdf"
    target = Path(app.config["DATA_DIR"]) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    doc = Document(case_id=case.id, kind=kind, status="issued", number=f"T-{kind}-{case.id}", path=rel,
                   sha256=hashlib.sha256(body).hexdigest(), created_at=datetime(2026, 11, 25), issued_at=datetime(2026, 11, 25))
    db.session.add(doc)
    db.session.commit()
    return doc


def add_evidence(app, db, case, name: str, body: bytes):
    from mediation.models.evidence import Evidence
    rel = f"{case.id}/test-{name}"
    target = Path(app.config["DATA_DIR"]) / "evidence" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    item = Evidence(case_id=case.id, filename=name, content_type="image/png", size=len(body),
                    sha256=hashlib.sha256(body).hexdigest(), path=rel, uploaded_at=datetime(2026, 11, 25),
                    uploaded_by="worker")
    db.session.add(item)
    db.session.commit()
    return item


def three_failed_rounds(make_case):
    """Filed at E01 with escalation consent: fails at E01, S01 and F01 (each failure escalates below tier 3)."""
    case = make_case("E01", "accept", "fail", "accept", "fail", "accept", "fail", escalation_consent=True)
    assert (case.state, case.tier, case.org.code) == ("failed", 3, "F01")
    assert [(r.org.code, r.outcome) for r in case.rounds] == [("E01", "failed"), ("S01", "failed"), ("F01", "failed")]
    return case


def test_full_walk_handoff_return_agreement_non_performance_and_second_handoff(app, db, client, orgs, make_case, clock):
    case = three_failed_rounds(make_case)
    walk(case, "hand_to_arbitration", orgs, worker_choice=None)  # tier 3: no worker choice needed
    assert case.state == "arbitration" and case.handed_to_arbitration_at is not None

    # The package was built after the commit.
    first = Path(app.config["DATA_DIR"]) / "handoffs" / f"{case.number}-1.zip"
    assert first.is_file()
    zf, data, index = open_zip(first)
    assert "仲裁移交案卷目录" in index and case.number in index and "仲裁移交函" in index
    assert data["case_no"] == case.number and data["state"] == "arbitration"
    assert data["applicants"][0]["id_number"] == "110105********1239"
    assert data["claims"] == [{"item": "支付拖欠工资", "amount": "12500.50"}]
    assert [(r["org"], r["outcome"]) for r in data["rounds"]] == [("E01", "failed"), ("S01", "failed"),
                                                                  ("F01", "failed")]
    triggers = [e["trigger"] for e in data["timeline"]]
    assert triggers[0] is None and triggers.count("fail") == 3 and triggers[-1] == "hand_to_arbitration"
    assert any(d["kind"] == "arbitration_acceptance" and d["status"] == "open" for d in data["deadlines"])
    letters = [d for d in data["documents"] if d["kind"] == "arbitration_handoff_letter"]
    assert len(letters) == 1
    # The documents area renders the letter after the same commit, before the package is built.
    assert letters[0]["status"] == "issued" and letters[0]["number"] in index
    assert "仲裁移交函" in pdf_text(zf.read(letters[0]["file"]))
    # PIPL: the full ID number appears nowhere in the package.
    assert all(VALID_ID.encode() not in zf.read(name) for name in zf.namelist())
    zf.close()

    # A document rendered later and evidence uploaded later: the next download rebuilds the package.
    doc = add_issued_document(app, db, case, "failure_notice", b"%PDF-1.7 test failure notice")
    add_evidence(app, db, case, "工资条.png", b"\x89PNG\r\n\x1a\n test")
    login(client, orgs.users["liaison"])
    resp = client.get(f"/liaison/cases/{case.number}/package")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    resp.close()
    zf, data, index = open_zip(first)
    packed = next(d for d in data["documents"] if d["id"] == doc.id)
    assert zf.read(packed["file"]) == b"%PDF-1.7 test failure notice" and doc.number in index
    assert [e["filename"] for e in data["evidence"]] == ["工资条.png"]
    assert zf.read(data["evidence"][0]["file"]).startswith(b"\x89PNG") and "证据：工资条.png" in index
    zf.close()

    # The liaison's desk lists the new handoff; receipt with the commission's case number.
    page = client.get("/liaison/").get_data(as_text=True)
    assert "待接收的新移交案件" in page and case.number in page
    resp = client.post(f"/liaison/cases/{case.number}/receive",
                       data={"version": case.version, "arbitration_case_no": "经开劳人仲案〔2026〕15号"})
    assert resp.status_code == 302
    db.session.refresh(case)
    assert case.state == "arbitration_accepted" and case.arbitration_case_no == "经开劳人仲案〔2026〕15号"

    # 委派调解: back to the federation with instructions and a deadline.
    resp = client.post(f"/liaison/cases/{case.number}/return",
                       data={"version": case.version, "instructions": "请总工会调解中心就工资数额再行调解", "due": "2026-12-20"})
    assert resp.status_code == 302
    db.session.refresh(case)
    assert (case.state, case.org.code, case.tier) == ("submitted", "F01", 3)
    assert case.current_round.channel == "arbitration_delegated"
    delegated = [d for d in case.open_deadlines() if d.kind == "delegated"]
    assert [d.due_date.isoformat() for d in delegated] == ["2026-12-20"]
    assert case.number in client.get("/liaison/").get_data(as_text=True)  # still followed by the liaison

    # The federation settles it; the employer does not pay; the worker reports it.
    walk(case, "accept", orgs)
    walk(case, "agree", orgs, performance_date="2026-12-10")
    clock.advance(timedelta(days=20))
    fire(case, "report_non_performance", WorkerActor(case.id), note="用人单位逾期未支付")
    options = {o["key"]: o for o in worker_options(case, "zh")}
    assert set(options) == {"arbitration", "arbitral_confirmation", "payment_order"}
    assert options["payment_order"]["categories"] == ["wages"] and "第十六条" in options["payment_order"]["article"]
    assert options["arbitration"]["deadline"]["due"] == "2027-12-10"  # restarts on the performance date
    assert "第十五条" in options["arbitration"]["article"]

    # Handed to arbitration again, with the agreement in the package.
    walk(case, "hand_to_arbitration", orgs)
    assert case.state == "arbitration"
    second = Path(app.config["DATA_DIR"]) / "handoffs" / f"{case.number}-2.zip"
    zf, data, index = open_zip(second)
    assert "第2次移交" in index
    assert data["agreement"]["terms"] == "一次性支付工资12500元"
    assert data["agreement"]["non_performance_reported_at"] is not None
    assert [r["outcome"] for r in data["rounds"]] == ["failed", "failed", "failed", "agreed"]
    assert data["rounds"][-1]["channel"] == "arbitration_delegated"
    assert [e["trigger"] for e in data["timeline"]].count("hand_to_arbitration") == 2
    assert any(d["kind"] == "mediation_agreement" for d in data["documents"])
    zf.close()
    assert first.is_file()  # the first package is kept as it was

    # Receipt and the outcome, so the union's statistics know what happened after.
    walk(case, "arbitration_receive", orgs)
    login(client, orgs.users["liaison"])  # the desk logged itself out while the clock moved 20 days
    resp = client.post(f"/liaison/cases/{case.number}/close", data={"version": case.version, "outcome": "award"})
    assert resp.status_code == 302
    db.session.refresh(case)
    assert (case.state, case.arbitration_outcome) == ("arbitration_closed", "award")


def test_agreement_can_go_to_arbitration_only_after_non_performance(orgs, make_case):
    from mediation.services import errors
    case = make_case("E01", "accept", "agree")
    with pytest.raises(errors.NotAllowed):
        walk(case, "hand_to_arbitration", orgs)
    assert worker_options(case, "en") == []
    walk(case, "report_non_performance", orgs)
    options = worker_options(case, "en")
    assert [o["key"] for o in options] == ["arbitration", "arbitral_confirmation", "payment_order"]
    assert "art. 16" in options[2]["article"] and "Unpaid wages" in options[2]["text"]
    walk(case, "hand_to_arbitration", orgs)
    assert case.state == "arbitration"


def test_payment_order_only_for_wages_injury_and_compensation(orgs, make_case):
    case = make_case("E01", "accept", "agree", "report_non_performance", categories=["social_insurance", "overtime"])
    assert [o["key"] for o in worker_options(case, "zh")] == ["arbitration", "arbitral_confirmation"]
    case = make_case("E01", "accept", "agree", "report_non_performance", categories=["work_injury", "severance"])
    payment = worker_options(case, "zh")[-1]
    assert payment["key"] == "payment_order" and payment["categories"] == ["work_injury", "severance"]
    assert "工伤、经济补偿/赔偿金" in payment["text"]


def test_arbitral_confirmation_deadline_is_15_days_from_the_agreement(orgs, make_case):
    case = make_case("E01", "accept", "agree", "report_non_performance")
    confirmation = next(o for o in worker_options(case, "zh") if o["key"] == "arbitral_confirmation")
    assert confirmation["deadline"]["due"] == "2026-12-10"  # agreed 2026-11-25 + 15 days
    assert "第七十四条" in confirmation["deadline"]["basis"]


# --- the liaison's desk ----------------------------------------------------------------------------

@pytest.fixture
def handed(make_case, orgs):
    case = make_case("E01", "accept", "fail", "hand_to_arbitration", escalation_consent=False)
    assert case.state == "arbitration"
    return case


def test_liaison_desk_needs_a_login(client, orgs, handed):
    resp = client.get("/liaison/")
    assert resp.status_code in (302, 401) and "仲裁联络员工作台" not in resp.get_data(as_text=True)


def test_liaison_desk_refuses_other_roles(client, orgs, handed):
    # (One login per test: the `app` fixture's app context keeps flask.g, and so Flask-Login's
    # cached user, across the requests of a test.)
    login(client, orgs.users["chair:E01"])
    assert client.get("/liaison/").status_code == 403
    assert client.get(f"/liaison/cases/{handed.number}").status_code == 403


def test_liaison_sees_only_cases_handed_over(client, orgs, make_case, handed):
    other = make_case("E02", "accept")
    login(client, orgs.users["liaison"])
    assert client.get(f"/liaison/cases/{other.number}").status_code == 404
    assert client.get("/liaison/cases/JK-E01-2026-99999").status_code == 404
    page = client.get("/liaison/").get_data(as_text=True)
    assert handed.number in page and other.number not in page


def test_liaison_desk_in_chinese(client, orgs, handed):
    login(client, orgs.users["liaison"])
    zh = client.get("/liaison/").get_data(as_text=True)
    assert "仲裁联络员工作台" in zh and "待接收的新移交案件" in zh and "劳动报酬" in zh
    page = client.get(f"/liaison/cases/{handed.number}").get_data(as_text=True)
    assert "下载移交材料包" in page and "记录立案" in page and "委派调解" in page and "110105********1239" in page
    assert VALID_ID not in page


def test_liaison_desk_in_english(client, orgs, handed):
    login(client, orgs.users["liaison"])
    en = client.get("/liaison/?lang=en").get_data(as_text=True)
    assert "Arbitration liaison desk" in en and "New handoffs awaiting receipt" in en and "Unpaid wages" in en


def test_liaison_form_errors_keep_what_was_typed(client, db, orgs, handed):
    login(client, orgs.users["liaison"])
    resp = client.post(f"/liaison/cases/{handed.number}/return",
                       data={"version": handed.version, "instructions": "请再调解一次", "due": "2026-02-30"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "不是有效日期" in page and "请再调解一次" in page and 'value="2026-02-30"' in page
    resp = client.post(f"/liaison/cases/{handed.number}/close", data={"version": handed.version, "outcome": "award"})
    assert resp.status_code == 409 and "不能执行" in resp.get_data(as_text=True)
    db.session.refresh(handed)
    assert handed.state == "arbitration"


def test_liaison_stale_page_is_refused(client, db, orgs, handed):
    login(client, orgs.users["liaison"])
    old_version = handed.version
    walk(handed, "arbitration_receive", orgs)
    resp = client.post(f"/liaison/cases/{handed.number}/return?lang=en",
                       data={"version": old_version, "instructions": "x", "due": "2026-12-20"})
    assert resp.status_code == 409 and "Someone changed this case" in resp.get_data(as_text=True)
    db.session.refresh(handed)
    assert handed.state == "arbitration_accepted"


def test_package_rebuilt_on_demand(app, client, orgs, handed):
    path = handoff.package_path(handed)
    path.unlink()
    login(client, orgs.users["liaison"])
    resp = client.post(f"/liaison/cases/{handed.number}/package")
    assert resp.status_code == 302 and path.is_file()
    resp = client.get(f"/liaison/cases/{handed.number}/package")
    assert resp.status_code == 200 and resp.data.startswith(b"PK")
    resp.close()


def test_no_package_before_a_handoff(db, orgs, make_case):
    case = make_case("E01", "accept")
    assert handoff.current_package(case) is None
    with pytest.raises(ValueError):
        handoff.build_package(case)
    assert db.session.scalars(select(Case)).first() is not None
