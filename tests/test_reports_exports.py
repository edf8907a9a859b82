"""The report's faces show the figures of tests/test_reports.py (October 2026: overall 3/4 = 0.7500,
tier 1 2/3, tier 2 1/2, median 17.5 days, claimed 87,501.50, agreed 50,000.00): the JSON endpoint,
the page in Chinese and English, the PDF (read back with pdftotext), XLSX (read back with openpyxl,
equal to the JSON), CSV, and the stored month-end report."""
from __future__ import annotations

import io
import subprocess
from datetime import datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from openpyxl import load_workbook

from mediation.extensions import db
from mediation.sla import scheduler
from reports import archive
from reports.xlsx import render_csv, safe_text
from tests.test_reports import october  # noqa: F401  (the hand-built cases)

OCT = "from=2026-10-01&to=2026-10-31"


def token(client, username, password):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201
    return {"Authorization": "Bearer " + response.get_json()["token"]}


def login(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_api_success_rate_json(october, client):
    headers = token(client, "manager", "pw-manager")
    body = client.get(f"/api/v1/reports/success-rate?{OCT}", headers=headers).get_json()
    assert body["from"] == "2026-10-01" and body["to"] == "2026-10-31"
    assert body["overall"] == {"concluded": 4, "agreed": 3, "rate": "0.7500"}
    assert [(g["key"], g["concluded"], g["agreed"], g["rate"]) for g in body["groups"]] == [
        (1, 3, 2, "0.6667"), (2, 2, 1, "0.5000")]
    by_org = client.get(f"/api/v1/reports/success-rate?{OCT}&group_by=org", headers=headers).get_json()
    assert [(g["key"], g["label"], g["rate"]) for g in by_org["groups"]] == [
        ("S01", "第1工会服务站", "0.5000"), ("E01", "E01公司劳动争议调解委员会", "0.5000"),
        ("E03", "E03公司劳动争议调解委员会", "1.0000")]


def test_api_scoped_to_the_caller_and_checks_input(october, client):
    station = token(client, "chair_s01", "pw-S01")
    assert client.get(f"/api/v1/reports/success-rate?{OCT}", headers=station).get_json()["overall"] == {
        "concluded": 3, "agreed": 2, "rate": "0.6667"}
    bad = client.get("/api/v1/reports/success-rate?from=2026-02-30&group_by=weather",
                     headers={**station, "Accept-Language": "en"})
    assert bad.status_code == 422
    assert set(bad.get_json()["fields"]) == {"from", "group_by"}
    assert bad.get_json()["fields"]["from"] == "Enter a date as YYYY-MM-DD, e.g. 2026-10-01."
    assert client.get("/api/v1/reports/success-rate").status_code == 401
    liaison = token(client, "liaison", "pw-liaison")
    assert client.get("/api/v1/reports/success-rate", headers=liaison).status_code == 403


def test_xlsx_read_back_equals_json(october, client):
    headers = token(client, "manager", "pw-manager")
    body = client.get(f"/api/v1/reports/success-rate?{OCT}", headers=headers).get_json()
    response = client.get(f"/api/v1/reports/success-rate?{OCT}&format=xlsx", headers=headers)
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["success_rate", "summary", "sla", "arbitration", "about"]
    rows = list(book["success_rate"].iter_rows(values_only=True))
    assert rows[0] == ("key", "label", "concluded", "agreed", "rate")
    assert rows[1:] == [(g["key"], g["label"], g["concluded"], g["agreed"], float(g["rate"])) for g in body["groups"]] + [
        ("overall", "总体（每案计一次）", 4, 3, 0.75)]
    summary = dict(list(book["summary"].iter_rows(values_only=True))[1:])
    assert summary["amount_agreed"] == 50000.0 and summary["amount_claimed"] == 87501.5
    assert summary["median_days"] == 17.5 and summary["received"] == 7
    assert {k: summary[k] for k in ("concluded", "pending", "p90_days")} == {
        k: body["summary"][k] for k in ("concluded", "pending", "p90_days")}
    sla = {r[0]: r[2:4] for r in list(book["sla"].iter_rows(values_only=True))[1:]}
    assert sla["mediation"] == (3, 3)


def test_pdf_shows_the_figures(october, client, orgs):
    login(client, orgs.users["manager"])
    response = client.get(f"/reports/export.pdf?{OCT}")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for figure in ("劳动争议调解统计（2026-10-01至2026-10-31）", "75.00%", "调结4件，调解成功3件", "66.67%", "50.00%",
                   "17.5", "50,000.00", "87,501.50", "企业调委会（第一级）", "第 1 页，共", "全部组织"):
        assert figure in text, figure


def test_csv_export_and_formula_stripping(october, client, orgs):
    login(client, orgs.users["chair:S01"])
    data = client.get(f"/reports/export.csv?{OCT}&lang=en").data.decode("utf-8-sig")
    assert "overall,Overall,3,2,0.6667" in data.replace("\r", "")
    assert safe_text("=HYPERLINK(\"http://x\")") == "HYPERLINK(\"http://x\")"
    assert safe_text("-1+2") == "1+2" and safe_text(-3) == -3
    report = {"from": "x", "to": "y", "group_by": "org", "overall": {"concluded": 0, "agreed": 0, "rate": None},
              "groups": [{"key": "@E9", "label": "+cmd|' /C calc'!A0", "concluded": 1, "agreed": 0, "rate": "0"}],
              "summary": {}, "sla": [], "arbitration": [], "scope": {"name": "=1+1"}, "generated_at": "z"}
    text = render_csv(report, "en").decode("utf-8-sig")
    assert "+cmd" not in text and "@E9" not in text and "=1+1" not in text


def test_page_in_chinese_and_english(october, client, orgs):
    login(client, orgs.users["manager"])
    page = client.get(f"/reports/?{OCT}").data.decode()
    for text in ("调解统计", "调解成功率", "75.00%", "调结4件，调解成功3件", "<svg", "打印（PDF）", "导出（Excel）"):
        assert text in page, text
    english = client.get(f"/reports/?{OCT}&lang=en").data.decode()
    assert "3 settled of 4 concluded" in english and "Print (PDF)" in english


def test_page_keeps_bad_input_and_names_the_field(orgs, client):
    login(client, orgs.users["manager"])
    response = client.get("/reports/?period=custom&from=2026-10-31&to=2026-10-01")
    assert response.status_code == 422
    page = response.data.decode()
    assert "结束日期早于开始日期。" in page and 'value="2026-10-31"' in page


@pytest.mark.parametrize("who, status", [("manager", 200), ("chair:S01", 200), ("mediator:E01", 200),
                                         ("liaison", 403), ("admin", 403)])
def test_page_access(orgs, client, who, status):
    login(client, orgs.users[who])
    assert client.get("/reports/").status_code == status


def test_station_page_offers_only_its_subtree(orgs, client):
    login(client, orgs.users["chair:S01"])
    page = client.get("/reports/").data.decode()
    assert 'value="E01"' in page and 'value="S02"' not in page and 'value="E03"' not in page
    assert client.get("/reports/?org=S02").status_code == 422


def test_anonymous_is_sent_to_login(app, client):
    assert client.get("/reports/").status_code in (302, 401)


def test_month_end_report_stored_and_downloadable(october, client, orgs, app, clock):
    clock.freeze(datetime(2026, 11, 1, 1, 0))
    stored = archive.generate_month_end()
    assert stored.period == "2026-10"
    assert pdf_text(archive.file_path(stored, "pdf").read_bytes()).count("75.00%") >= 1
    login(client, orgs.users["manager"])
    assert "2026-10" in client.get("/reports/archive").data.decode()
    book = load_workbook(io.BytesIO(client.get(f"/reports/archive/{stored.id}.xlsx").data))
    assert list(book["success_rate"].iter_rows(values_only=True))[-1] == ("overall", "总体（每案计一次）", 4, 3, 0.75)
    login(client, orgs.users["chair:S01"])
    assert client.get(f"/reports/archive/{stored.id}.pdf").status_code == 403


def test_month_end_cli_and_scheduler_job(october, app):
    result = app.test_cli_runner().invoke(args=["reports-month-end", "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "2026-10" in result.output
    assert app.test_cli_runner().invoke(args=["reports-month-end", "--month", "Oct"]).exit_code == 2
    db.session.remove()
    assert archive.add_job in scheduler.EXTRA_JOBS
    sched = BackgroundScheduler(timezone="Asia/Shanghai")
    archive.add_job(sched, app)
    trigger = sched.get_job("reports-month-end").trigger
    fields = {f.name: str(f) for f in trigger.fields}
    assert (fields["day"], fields["hour"], fields["minute"], str(trigger.timezone)) == ("1", "1", "0", "Asia/Shanghai")
