"""Issue 5: the verification page and endpoint, and the document API for token users."""
from __future__ import annotations

import io
from pathlib import Path

from flask_babel import refresh
from sqlalchemy import select

from mediation.documents.versions import correct
from mediation.models import Document

import pytest  # noqa: E402

pytestmark = pytest.mark.renders_documents


def notice_of(db, case):
    return db.session.scalars(select(Document).where(Document.case_id == case.id,
                                                     Document.kind == "acceptance_notice")).one()


def token(client, username, password):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    return {"Authorization": "Bearer " + response.get_json()["token"]}


def test_verify_endpoint_answers_each_status(app, db, client, make_case, orgs):
    case = make_case("E01", "accept")
    old = notice_of(db, case)
    assert client.get(f"/api/v1/verify/{old.number}").get_json() == {"status": "genuine"}
    assert client.get(f"/api/v1/verify/{old.number}?sha256={old.sha256}").get_json() == {"status": "genuine"}
    assert client.get(f"/api/v1/verify/{old.number}?sha256={'a' * 64}").get_json() == {"status": "altered"}
    assert client.get("/api/v1/verify/E01-SL-2026-0999").get_json() == {"status": "unknown"}
    new = correct(old, orgs.users["chair:E01"], "更正")
    assert client.get(f"/api/v1/verify/{old.number}").get_json() == {"status": "superseded"}
    assert client.get(f"/api/v1/verify/{new.number.lower()}").get_json() == {"status": "genuine"}


def test_verify_page_in_chinese_and_english_with_an_uploaded_file(app, db, client, make_case, orgs):
    case = make_case("E01", "accept")
    doc = notice_of(db, case)
    page = client.get(f"/verify?number={doc.number}").get_data(as_text=True)
    assert "文书真伪核验" in page and "真实有效" in page and "E01公司劳动争议调解委员会" in page
    refresh()  # the test's app context outlives requests and would keep the first request's locale
    page = client.get(f"/verify?number={doc.number}&lang=en").get_data(as_text=True)
    assert "Verify a document" in page and "Genuine: this document was issued" in page
    pdf = (Path(app.config["DATA_DIR"]) / doc.path).read_bytes()
    refresh()
    ok = client.post("/verify?lang=zh", data={"number": doc.number, "file": (io.BytesIO(pdf), "notice.pdf")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "真实有效" in ok and doc.sha256 in ok
    forged = pdf.replace(b"%%EOF", b"%%EOF\n% edited")
    bad = client.post("/verify", data={"number": doc.number, "file": (io.BytesIO(forged), "notice.pdf")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "内容不一致" in bad
    missing = client.post("/verify", data={"number": "", "sha256": "xyz"})
    body = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "请填写文书右上方印制的文书编号" in body and "64位" in body
    assert 'value="xyz"' in body  # nothing typed is lost
    assert "查无此文书" in client.get("/verify?number=NOPE-1").get_data(as_text=True)


def test_document_api_lists_and_serves_only_to_those_who_may_see_the_case(app, db, client, make_case, orgs):
    case = make_case("E01", "accept")
    doc = notice_of(db, case)
    chair = token(client, "chair_e01", "pw-E01")
    listing = client.get(f"/api/v1/cases/{case.number}/documents", headers=chair).get_json()
    assert [d["kind"] for d in listing] == ["acceptance_notice", "service_receipt"]
    item = listing[0]
    assert item["number"] == doc.number and item["sha256"] == doc.sha256 and item["title"] == "受理通知书"
    with client.get(item["url"], headers=chair) as pdf:
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    outsider = token(client, "chair_e03", "pw-E03")
    assert client.get(f"/api/v1/cases/{case.number}/documents", headers=outsider).status_code == 404
    assert client.get(item["url"], headers=outsider).status_code == 404
    liaison = token(client, "liaison", "pw-liaison")  # not handed to arbitration: not theirs to see
    assert client.get(item["url"], headers=liaison).status_code == 404
    assert client.get(item["url"]).status_code == 401
    assert client.get(f"/documents/{doc.id}.pdf").status_code == 404  # the staff page route needs a login


def _login(client, user) -> None:
    from flask import g
    with client.session_transaction() as s:
        s["_user_id"] = str(user.id)
        s["_fresh"] = True
    g.pop("_login_user", None)  # the test's app context would keep Flask-Login's cached user


def test_signed_in_staff_download_only_documents_of_cases_they_see(app, db, client, make_case, orgs):
    case = make_case("E01", "accept")
    doc = notice_of(db, case)
    _login(client, orgs.users["chair:E03"])
    assert client.get(f"/documents/{doc.id}.pdf").status_code == 404
    _login(client, orgs.users["mediator:E01"])
    with client.get(f"/documents/{doc.id}.pdf") as resp:
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
        assert f"{doc.number}.pdf" in resp.headers["Content-Disposition"]
