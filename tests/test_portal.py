"""The workers' portal through the test client: landing, filing, receipt, tracking, withdrawal."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest

from mediation.models import Case, CaseEvent, Document
from mediation.models.evidence import Evidence
from tests.conftest import VALID_ID, walk

PDF = b"%PDF-1.4\n%%EOF\n"


def valid_form(**overrides) -> dict:
    form = {"applicants-0-name": "张伟", "applicants-0-id_number": VALID_ID, "applicants-0-phone": "13800138000",
            "applicants-0-address": "杭州市钱塘区白杨街道1号", "respondent-name": "华芯电子（杭州）有限公司",
            "respondent-uscc": "", "respondent-address": "经开区1号", "respondent-contact": "0571-86000000",
            "org": "E01", "categories": ["wages", "overtime"], "claims-0-item": "支付拖欠工资",
            "claims-0-amount": "12500.50", "facts": "公司拖欠2026年8月至10月工资。", "dispute_date": "2026-10-31",
            "escalation_consent": "1", "pipl_consent": "1", "action": "submit"}
    form.update(overrides)
    return form


def text(response) -> str:
    return response.get_data(as_text=True)


def field_errors(response) -> list[str]:
    return re.findall(r'<p class="field-error" id="([^"]+)-error">([^<]+)</p>', text(response))


def test_landing_explains_tiers_cost_terms_and_hotline_in_chinese(client, orgs):
    page = text(client.get("/"))
    assert '<html lang="zh-CN">' in page
    for words in ("工会免费为您调解", "企业劳动争议调解委员会", "工会服务站", "区总工会", "不收任何费用",
                  "3个工作日内决定是否受理", "15日内结束", "最多15日", "12351"):
        assert words in page, words
    assert 'href="/?lang=en"' in page


def test_landing_in_english_and_terms_follow_config(client, app, orgs, monkeypatch):
    monkeypatch.setitem(app.config["MEDIATION"]["sla"]["terms"]["acceptance"], "days", 5)
    page = text(client.get("/?lang=en"))
    assert '<html lang="en">' in page
    assert "free of charge" in page and "within 5 working days" in page and "Nothing." in page


def test_assets_are_served_by_the_app_and_nothing_from_elsewhere(client, orgs):
    for url in ("/", "/file", "/track"):
        page = text(client.get(url))
        assert not re.search(r'(src|href)="(https?:)?//', page), url
    with client.get("/static/portal.js") as script:
        assert script.status_code == 200 and b"addEventListener" in script.data


def test_filing_shows_case_number_and_query_code_once(client, orgs, clock, db):
    response = client.post("/file", data=valid_form())
    assert response.status_code == 200
    page = text(response)
    case_no = re.search(r'id="case-no">([^<]+)<', page).group(1)
    code = re.search(r'id="query-code">([^<]+)<', page).group(1)
    assert case_no == "JK-E01-2026-00001" and len(code) == 8
    assert "查询码只显示这一次" in page and "2026-11-30" in page and "第二十条" in page
    assert "暂定，待国务院公布2027年节假日安排后确认" in page  # the limitation year runs into 2027
    case = db.session.query(Case).one()
    assert case.channel == "online" and sorted(case.categories) == ["overtime", "wages"] and case.escalation_consent
    assert client.get(f"/api/v1/track/{case_no}?code={code}").status_code == 200
    with client.session_transaction() as session:
        assert code not in str(dict(session))  # the code lives in that one page only
    assert client.get(f"/track/{case_no}").status_code == 200  # this browser may follow its case


def test_five_wrong_fields_give_five_messages_and_keep_the_input(client, orgs, clock, db):
    form = valid_form(**{"applicants-0-id_number": "110105199003071238", "applicants-0-phone": "1234567",
                         "respondent-uscc": "91330100MA2H3K4L51", "dispute_date": "2026-12-01",
                         "claims-0-amount": "-5"})
    response = client.post("/file", data=form)
    assert response.status_code == 422
    errors = dict(field_errors(response))
    assert errors == {
        "applicants-0-id_number": "身份证号码校验位不正确，请核对后重新输入。",
        "applicants-0-phone": "手机号码格式不正确，应为以1开头的11位数字，例如13800138000。",
        "respondent-uscc": "统一社会信用代码校验位不正确，请核对营业执照后重新输入。",
        "dispute_date": "日期不能晚于今天（2026-11-25）。",
        "claims-0-amount": "金额不能为负数。",
    }
    page = text(response)
    assert "有5处需要修改" in page
    for value in ("张伟", "110105199003071238", "1234567", "华芯电子（杭州）有限公司", "91330100MA2H3K4L51",
                  "支付拖欠工资", "-5", "公司拖欠2026年8月至10月工资。", "2026-12-01", "0571-86000000"):
        assert value in page, value
    assert re.search(r'value="E01" selected', page) and re.search(r'value="overtime" checked', page)
    assert re.search(r'name="pipl_consent" value="1" checked', page)
    assert db.session.query(Case).count() == 0


def test_errors_are_in_english_after_switching(client, orgs, clock, db):
    client.get("/file?lang=en")
    response = client.post("/file", data=valid_form(pipl_consent="", categories=[]))
    assert dict(field_errors(response)) == {
        "categories": "Add at least one dispute category.",
        "pipl_consent": "Please read and accept the notice on personal information to file."}


def test_add_co_applicant_keeps_everything_and_maps_errors_to_the_right_row(client, orgs, clock, db):
    response = client.post("/file", data=valid_form(action="add_applicant"))
    page = text(response)
    assert 'name="applicants-1-name"' in page and "张伟" in page and "共同申请人 2" in page
    assert db.session.query(Case).count() == 0
    # Row 1 left blank is dropped; row 2 is the second applicant, and its error lands on row 2.
    form = valid_form(applicant_rows="3", **{"applicants-2-name": "李娜", "applicants-2-id_number": VALID_ID,
                                             "applicants-2-phone": "139", "applicants-2-address": "x"})
    assert dict(field_errors(client.post("/file", data=form))) == {
        "applicants-2-phone": "手机号码格式不正确，应为以1开头的11位数字，例如13800138000。"}


def test_collective_dispute_needs_a_representative(client, orgs, clock, db):
    people = {}
    for i in range(10):
        people.update({f"applicants-{i}-name": f"职工{i}", f"applicants-{i}-id_number": VALID_ID,
                       f"applicants-{i}-phone": "13800138000", f"applicants-{i}-address": "宿舍"})
    response = client.post("/file", data=valid_form(**people))
    assert response.status_code == 422 and "至少推举一名代表" in text(response)
    response = client.post("/file", data=valid_form(**people, **{"applicants-3-representative": "1"}))
    assert response.status_code == 200
    case = db.session.query(Case).one()
    assert case.is_collective and [p.is_representative for p in case.parties].count(True) == 1


def test_not_listed_files_at_the_station(client, orgs, clock, db):
    response = client.post("/file", data=valid_form(org=""))
    assert re.search(r'id="case-no">JK-S01-2026-00001<', text(response))
    assert db.session.query(Case).one().org.code == "S01"


def test_enterprise_search_filters_the_list_without_javascript(client, orgs):
    page = text(client.post("/file", data=valid_form(action="search_org", org="", org_q="E03")))
    assert 'value="E03"' in page and 'value="E01"' not in page
    assert "单位不在列表中" in page


def test_evidence_with_the_complaint_is_checked_first(client, orgs, clock, db):
    data = valid_form(evidence=[(io.BytesIO(b"GIF89a..."), "photo.jpg")])
    response = client.post("/file", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and db.session.query(Case).count() == 0
    assert dict(field_errors(response))["evidence"].startswith("文件“photo.jpg”不是PDF、JPEG或PNG格式")
    assert "请重新选择证据文件" in text(response)
    data = valid_form(evidence=[(io.BytesIO(PDF), "合同.pdf")])
    response = client.post("/file", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and db.session.query(Evidence).one().filename == "合同.pdf"


def test_csrf_token_is_required(client, app, orgs, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/file", data=valid_form()).status_code == 400
    assert client.post("/track", data={"case_no": "x", "code": "y"}).status_code == 400


@pytest.fixture
def tracked(client, make_case):
    case = make_case("E01")
    response = client.post("/track", data={"case_no": case.number.lower(), "code": case.query_code})
    assert response.status_code == 302 and response.location.endswith(f"/track/{case.number}")
    return case


def test_wrong_code_reveals_nothing(client, make_case):
    case = make_case("E01")
    wrong = client.post("/track", data={"case_no": case.number, "code": "AAAAAAAA"})
    unknown = client.post("/track", data={"case_no": "JK-E01-2026-09999", "code": case.query_code})
    assert wrong.status_code == unknown.status_code == 404
    strip = lambda r: re.sub(r'value="[^"]*"', "", text(r))  # noqa: E731  (the typed number is echoed back)
    assert strip(wrong) == strip(unknown)
    assert "待受理" not in text(wrong) and case.org.name not in text(wrong)
    # Without a matched code the case page, documents and actions stay closed.
    assert client.get(f"/track/{case.number}").status_code == 302
    assert client.post(f"/track/{case.number}/withdraw", data={"reason": "x"}).status_code == 302
    assert client.get(f"/track/{case.number}/documents/1.pdf").status_code == 404
    assert case.state == "submitted"


def test_tracking_page_shows_state_org_timeline_deadlines(client, orgs, tracked, db):
    db.session.add(CaseEvent(case_id=tracked.id, at=tracked.filed_at, kind="note", actor_label="chair_e01",
                             data={"text": "内部备注"}, public=False))
    db.session.commit()
    walk(tracked, "accept", orgs)
    page = text(client.get(f"/track/{tracked.number}"))
    for words in ("调解中", "E01公司劳动争议调解委员会", "工会办公室", "提交调解申请", "已受理，开始调解",
                  "调解期限", "2026-12-10", "仲裁时效", "2027-11-01", "暂定，待国务院公布2027年节假日安排后确认"):
        assert words in page, words
    assert "内部备注" not in page
    english = text(client.get(f"/track/{tracked.number}?lang=en"))
    assert "In mediation" in english and "Accepted; mediation has started" in english


def test_worker_downloads_documents_served_on_them_only(client, app, orgs, tracked, db):
    folder = app.config["DATA_DIR"] / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notice.pdf").write_bytes(PDF)
    served = Document(case_id=tracked.id, kind="acceptance_notice", number="JK-E01-受-2026-001", status="issued",
                      path="notice.pdf", created_at=datetime(2026, 11, 25, 10), served_at=datetime(2026, 11, 25, 11))
    unserved = Document(case_id=tracked.id, kind="mediation_agreement", status="issued", path="notice.pdf",
                        created_at=datetime(2026, 11, 25, 10))
    db.session.add_all([served, unserved])
    db.session.commit()
    page = text(client.get(f"/track/{tracked.number}"))
    assert "受理通知书（JK-E01-受-2026-001）" in page and "调解协议书" not in page
    with client.get(f"/track/{tracked.number}/documents/{served.id}.pdf") as response:
        assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    assert client.get(f"/track/{tracked.number}/documents/{unserved.id}.pdf").status_code == 404
    assert app.test_client().get(f"/track/{tracked.number}/documents/{served.id}.pdf").status_code == 404


def test_worker_adds_evidence_from_the_tracking_page(client, tracked, db):
    response = client.post(f"/track/{tracked.number}/evidence", content_type="multipart/form-data",
                           data={"evidence": [(io.BytesIO(PDF), "工资条.pdf")]}, follow_redirects=True)
    assert "已为您的案件添加1个文件。" in text(response) and "工资条.pdf" in text(response)
    response = client.post(f"/track/{tracked.number}/evidence", content_type="multipart/form-data",
                           data={"evidence": [(io.BytesIO(b"text"), "a.txt")]}, follow_redirects=True)
    assert "不是PDF、JPEG或PNG格式" in text(response)
    assert db.session.query(Evidence).count() == 1


def test_worker_withdraws_after_confirming(client, tracked, db):
    page = text(client.get(f"/track/{tracked.number}/withdraw"))
    assert "确认撤回申请" in page and "不能恢复" in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(f"/track/{tracked.number}/withdraw", data={"reason": "", "version": version})
    assert response.status_code == 422 and "请填写理由" in text(response)
    assert db.session.get(Case, tracked.id).state == "submitted"
    response = client.post(f"/track/{tracked.number}/withdraw", data={"reason": "已与公司和解", "version": version},
                           follow_redirects=True)
    assert "已撤回" in text(response) and "撤回调解申请" in text(response)
    assert db.session.get(Case, tracked.id).state == "withdrawn"
    event = db.session.query(CaseEvent).filter_by(case_id=tracked.id, trigger="withdraw").one()
    assert event.actor_label == "worker" and event.public
