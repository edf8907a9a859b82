"""Issue 5: every document of every path rendered to a real A4 PDF with its mandatory items in Chinese,
numbered without gaps under concurrency, stored once, served, corrected, regenerated after a failure."""
from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mediation.documents import queue, render
from mediation.documents.context import cn_date, yuan_upper
from mediation.documents.versions import correct, verify
from mediation.models import Case, CaseEvent, Deadline, Document, User
from mediation.services.actors import SYSTEM
from mediation.services.lifecycle import fire
from tests.conftest import walk

pytestmark = pytest.mark.renders_documents


def docs_of(db, case, kind=None):
    query = select(Document).where(Document.case_id == case.id).order_by(Document.id)
    if kind:
        query = query.where(Document.kind == kind)
    return list(db.session.scalars(query))


def pdf_path(app, document) -> Path:
    return Path(app.config["DATA_DIR"]) / document.path


def pdf_text(app, document) -> str:
    """The PDF's text with all white space removed (layout mode wraps Chinese lines anywhere)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf_path(app, document)), "-"], check=True,
                         capture_output=True, text=True).stdout
    return "".join(out.split())


def assert_items(text: str, *items: str) -> None:
    missing = [item for item in items if "".join(item.split()) not in text]
    assert not missing, f"missing {missing} in {text[:400]}"


def test_chinese_date_and_capital_amounts():
    from datetime import date
    from decimal import Decimal
    assert cn_date(date(2026, 11, 25)) == "二〇二六年十一月二十五日"
    assert cn_date(date(2027, 1, 10)) == "二〇二七年一月十日"
    assert yuan_upper(Decimal("12500.50")) == "壹万贰仟伍佰元伍角"
    assert yuan_upper(Decimal("10005")) == "壹万零伍元整"
    assert yuan_upper(Decimal("1000010.30")) == "壹佰万零壹拾元叁角"


PARTIES = ("张伟", "男", "36岁", "杭州市钱塘区白杨街道1号", "13800138000", "华芯电子（杭州）有限公司",
           "杭州经济技术开发区", "0571-86000000", "支付拖欠工资", "12,500.50", "劳动报酬")


def test_acceptance_and_agreement_carry_their_mandatory_items(app, db, make_case, orgs):
    case = make_case("E01", "accept", "agree", respondent={"name": "华芯电子（杭州）有限公司",
                                                           "address": "杭州经济技术开发区", "contact": "0571-86000000",
                                                           "legal_rep": "李强"})
    accepted, = docs_of(db, case, "acceptance_notice")
    agreement, = docs_of(db, case, "mediation_agreement")
    assert accepted.status == agreement.status == "issued"
    assert accepted.number == "E01-SL-2026-0001" and agreement.number == "E01-XY-2026-0001"
    text = pdf_text(app, accepted)
    assert_items(text, "受理通知书", accepted.number, case.number, "E01公司劳动争议调解委员会", "二〇二六年十一月二十五日",
                 "决定予以受理", "2026年12月10日", "第十四条", "李强", *PARTIES)
    text = pdf_text(app, agreement)
    assert_items(text, "调解协议书", agreement.number, "一次性支付工资12500元", "12,000.00", "壹万贰仟元整",
                 "2026年12月31日", "履行方式", "申请人（签名）", "被申请人（盖章）", "调解员（签名）", "调解组织（盖章）",
                 "第十五条", "支付令", *PARTIES)
    info = subprocess.run(["pdfinfo", str(pdf_path(app, agreement))], capture_output=True, text=True).stdout
    assert "(A4)" in info
    fonts = subprocess.run(["pdffonts", str(pdf_path(app, agreement))], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts.replace(" ", "") or "Noto" in fonts


def test_rejection_notice_gives_reason_and_options(app, db, make_case, orgs):
    case = make_case("E01", "reject")
    notice, = docs_of(db, case, "rejection_notice")
    text = pdf_text(app, notice)
    limitation = next(d for d in case.deadlines if d.kind == "limitation" and d.is_open)
    assert_items(text, "不予受理通知书", "不属于受理范围", "第1工会服务站", "经开区劳动人事争议仲裁委员会",
                 f"{limitation.due_date.year}年{limitation.due_date.month}月{limitation.due_date.day}日",
                 "第二十七条", *PARTIES)


def test_failure_escalation_and_handoff_documents(app, db, make_case, orgs):
    case = make_case("E01", "accept", "fail")  # consent given at filing: the failure goes up to S01
    assert case.org.code == "S01"
    failure, = docs_of(db, case, "failure_notice")
    referral, = docs_of(db, case, "referral_letter")
    limitation = next(d for d in case.deadlines if d.kind == "limitation" and d.is_open)
    assert limitation.provisional and "2027" in limitation.provisional_years
    text = pdf_text(app, failure)
    assert_items(text, "调解不成告知书", "双方分歧较大", "申请仲裁", "2027年11月25日",
                 "（暂定，待国务院公布2027年节假日安排后确认）", "第二十七条", "第1工会服务站", *PARTIES)
    # the date printed on a served document binds later recomputation (issue 9)
    assert failure.served_at is not None and limitation.served_due_date == limitation.due_date
    assert referral.number.startswith("E01-YS-2026-") and referral.served_at is None
    assert_items(pdf_text(app, referral), "移送函", "第1工会服务站：", "调解经过", "申请人于2025年3月入职", *PARTIES)

    walk(case, "accept", orgs)
    walk(case, "fail", orgs)  # S01 → F01
    walk(case, "accept", orgs)
    walk(case, "fail", orgs)  # tier 3: no further escalation
    walk(case, "hand_to_arbitration", orgs)
    handoff, = docs_of(db, case, "arbitration_handoff_letter")
    assert handoff.number.startswith("F01-ZC-2026-")
    text = pdf_text(app, handoff)
    earlier = [d.number for d in docs_of(db, case) if d.kind in ("acceptance_notice", "failure_notice")]
    assert_items(text, "仲裁移交函", "经开区劳动人事争议仲裁委员会：", "案卷材料目录", *earlier, *PARTIES)
    # every document served on the worker has its proof of service
    served = [d for d in docs_of(db, case) if d.served_at is not None]
    receipts = docs_of(db, case, "service_receipt")
    assert sorted(r.source_id for r in receipts) == sorted(d.id for d in served)
    receipt = next(r for r in receipts if r.source_id == failure.id)
    assert_items(pdf_text(app, receipt), "送达回证", failure.number, "调解不成告知书", "张伟", "电子送达",
                 "2026年11月25日", "受送达人签收")


def test_expiry_prints_a_notice_of_termination(app, db, make_case, orgs):
    case = make_case("E01", "accept", escalation_consent=False)
    fire(case, "expire", SYSTEM)
    notice, = docs_of(db, case, "failure_notice")
    assert notice.title == "终止调解告知书"
    assert_items(pdf_text(app, notice), "终止调解告知书", "15日内未达成调解协议", "视为调解不成", "申请仲裁")


def test_mediation_record_renders_from_a_session(app, db, make_case, orgs, monkeypatch):
    from datetime import datetime
    case = make_case("E01", "accept")
    session = SimpleNamespace(id=1, case_id=case.id, held_at=datetime(2026, 11, 26, 14, 30), place="第一调解室",
                              attendees="张伟；华芯电子人事经理王芳；调解员", statements="申请人：要求支付工资。\n被申请人：同意分期支付。",
                              outcome="双方同意下次继续协商")
    monkeypatch.setattr(render, "source_of", lambda document: session)
    document = queue(case, "mediation_record", source_id=1)
    db.session.commit()
    render.render_case(case)
    assert document.status == "issued" and document.number == "E01-BL-2026-0001"
    assert_items(pdf_text(app, document), "调解笔录", "2026年11月26日14:30", "第一调解室", "王芳", "要求支付工资",
                 "同意分期支付", "双方同意下次继续协商", "记录人（签名）")


def test_concurrent_transitions_get_consecutive_distinct_numbers(app, db, make_case, orgs):
    cases = [make_case("E01").id, make_case("E01").id]
    chair_id = orgs.users["chair:E01"].id
    barrier, failures = threading.Barrier(2), []

    def accept(case_id):
        with app.app_context():
            try:
                case, chair = db.session.get(Case, case_id), db.session.get(User, chair_id)
                barrier.wait()
                fire(case, "accept", chair)
            except Exception as exc:  # pragma: no cover - reported below
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(i,)) for i in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    numbers = sorted(db.session.scalars(select(Document.number).where(Document.kind == "acceptance_notice")))
    assert numbers == ["E01-SL-2026-0001", "E01-SL-2026-0002"]


def test_rendering_failure_keeps_the_transition_and_regenerate_issues_it(app, db, make_case, orgs, monkeypatch):
    def broken(html):
        raise OSError("font Noto Serif CJK SC not found")
    monkeypatch.setattr(render, "render_pdf", broken)
    case = make_case("E01", "accept")
    assert case.state == "mediating"
    assert db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.trigger == "accept"))
    notice, = docs_of(db, case, "acceptance_notice")
    assert notice.status == "pending" and "font Noto Serif CJK SC not found" in notice.error
    assert notice.number == "E01-SL-2026-0001" and notice.path is None and notice.served_at is None
    monkeypatch.undo()
    result = app.test_cli_runner().invoke(args=["documents-regenerate"])
    assert result.exit_code == 0, result.output
    assert "Issued 2" in result.output  # the notice and its proof of service
    db.session.expire_all()
    notice = db.session.get(Document, notice.id)
    assert notice.status == "issued" and notice.error is None and notice.served_at is not None
    assert_items(pdf_text(app, notice), "受理通知书", notice.number)


def test_issued_document_is_immutable_and_a_correction_supersedes_it(app, db, make_case, orgs):
    case = make_case("E01", "accept")
    old, = docs_of(db, case, "acceptance_notice")
    before = pdf_path(app, old).read_bytes()
    assert verify(old.number) == "genuine" and verify(old.number, old.sha256) == "genuine"
    assert render.render_pending([old.id]) == {"issued": [], "failed": []}  # never rendered twice
    new = correct(old, orgs.users["chair:E01"], "申请人地址有误")
    assert new.number == "E01-SL-2026-0002" and new.replaces_id == old.id and new.status == "issued"
    assert pdf_path(app, old).read_bytes() == before
    assert verify(old.number) == "superseded" and verify(new.number) == "genuine"
    assert verify(new.number, "0" * 64) == "altered" and verify("E01-SL-2026-9999") == "unknown"
    assert_items(pdf_text(app, new), f"取代编号为{old.number}")


def test_url_fetcher_refuses_files_and_remote_urls():
    for url in ("file:///etc/passwd", "http://169.254.169.254/", "https://example.com/x.css"):
        with pytest.raises(render.FetchRefused):
            render.url_fetcher(url)


def test_deadline_served_date_never_moves_earlier(app, db, make_case, orgs):
    from mediation.sla import deadlines
    case = make_case("E01", "accept", "fail", escalation_consent=False)
    limitation = db.session.scalar(select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "limitation",
                                                          Deadline.status == "open"))
    printed = limitation.served_due_date
    assert printed == limitation.due_date
    limitation.start_date = limitation.start_date.replace(day=1)  # a recomputation that would move it earlier
    deadlines.recompute_provisional()
    assert limitation.due_date == printed
