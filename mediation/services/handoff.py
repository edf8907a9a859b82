"""The handoff package a case carries to the labour arbitration commission (工会+仲裁院 docking).

build_package(case) writes DATA_DIR/handoffs/<case_no>-<n>.zip, n counting the case's handoffs:
  index.txt          the case-file index (案卷目录), in Chinese, every item with its file in the zip
  case.json          the case as data: parties (ID numbers masked), claims, rounds, timeline, deadlines
  documents/*.pdf    every issued document of the case (those not yet rendered are listed as pending)
  evidence/*         every evidence file the worker or staff uploaded
It is built after the hand_to_arbitration commit (AFTER_COMMIT) and again whenever it is asked for and
the case has gained documents or evidence since (a letter rendered after the package was built).
"""
from __future__ import annotations

import json
import logging
import os
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from mediation.documents import display_title
from mediation.extensions import db
from mediation.models import Case, CaseEvent, Document
from mediation.models.cases import CATEGORY_LABELS, CHANNEL_LABELS
from mediation.sla import clock, deadlines
from workflows.lifecycle import ARBITRATION_OUTCOMES, STATES, TIMERS

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


def _data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"])


def _iso(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _safe(name: str) -> str:
    """A file name safe inside a zip: no directories, no control characters."""
    name = re.sub(r"[\\/\x00-\x1f:*?\"<>|]+", "_", os.path.basename(name or "")).strip(" .")
    return name[:120] or "file"


def handoff_count(case: Case) -> int:
    """How many times the case has been handed to arbitration (the n of the package name)."""
    return len(db.session.scalars(select(CaseEvent.id).where(
        CaseEvent.case_id == case.id, CaseEvent.trigger == "hand_to_arbitration")).all())


def package_path(case: Case, n: int | None = None) -> Path:
    n = handoff_count(case) if n is None else n
    return _data_dir() / "handoffs" / f"{_safe(case.number)}-{n}.zip"


def _documents(case: Case) -> list[Document]:
    return list(db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)))


def _evidence(case: Case) -> list:
    try:
        from mediation.models.evidence import Evidence
    except ImportError:  # the portal's evidence upload is not installed
        return []
    return list(db.session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)))


def case_data(case: Case) -> dict:
    """The machine-readable case for the commission's system (parties' ID numbers masked, PIPL)."""
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.kind.in_(("filed", "transition")))
                                .order_by(CaseEvent.at, CaseEvent.id)).all()
    return {
        "schema_version": SCHEMA_VERSION,
        "case_no": case.number, "state": case.state, "state_label": STATES[case.state]["zh"],
        "channel": case.channel, "tier": case.tier,
        "org": {"code": case.org.code, "name": case.org.name, "contact": case.org.contact},
        "filed_at": _iso(case.filed_at), "dispute_date": _iso(case.dispute_date),
        "categories": case.categories, "is_collective": case.is_collective, "facts": case.facts,
        "applicants": [{"name": p.name, "id_number": p.id_number_masked, "sex": p.sex,
                        "birth_date": _iso(p.birth_date), "phone": p.phone, "address": p.address,
                        "representative": p.is_representative} for p in case.parties],
        "respondent": {"name": case.respondent_name, "uscc": case.respondent_uscc,
                       "address": case.respondent_address, "contact": case.respondent_contact,
                       "legal_representative": case.respondent_legal_rep},
        "claims": [{"item": c.item, "amount": _iso(c.amount)} for c in case.claims],
        "amount_claimed": _iso(case.amount_claimed),
        "agreement": None if case.agreement_terms is None else {
            "terms": case.agreement_terms, "performance_date": _iso(case.performance_date),
            "amount_agreed": _iso(case.amount_agreed),
            "non_performance_reported_at": _iso(case.non_performance_reported_at)},
        "rounds": [{"seq": r.seq, "org": r.org.code, "org_name": r.org.name, "tier": r.tier, "channel": r.channel,
                    "received_at": _iso(r.received_at), "accepted_at": _iso(r.accepted_at),
                    "ended_at": _iso(r.ended_at), "outcome": r.outcome, "reason": r.reason,
                    "amount_agreed": _iso(r.amount_agreed)} for r in case.rounds],
        "timeline": [{"at": _iso(e.at), "kind": e.kind, "trigger": e.trigger, "from": e.from_state,
                      "to": e.to_state, "actor": e.actor_label, "data": e.data or {}} for e in events],
        "deadlines": [{"kind": d.kind, "label": TIMERS[d.kind]["zh"], "due": _iso(d.due_date),
                       "provisional": d.provisional, "basis": deadlines.basis(d.kind, "zh"), "status": d.status}
                      for d in case.deadlines],
        "handed_to_arbitration_at": _iso(case.handed_to_arbitration_at),
        "arbitration_case_no": case.arbitration_case_no, "arbitration_outcome": case.arbitration_outcome,
    }


def _index_text(case: Case, n: int, entries: list[tuple[str, str, str]]) -> str:
    applicants = "、".join(p.name for p in case.parties[:5]) + ("等" if len(case.parties) > 5 else "")
    lines = [
        "仲裁移交案卷目录", "",
        f"案号：{case.number}",
        f"申请人：{applicants}（共{len(case.parties)}人）",
        f"被申请人：{case.respondent_name}",
        f"争议类型：{'、'.join(CATEGORY_LABELS[c][1] for c in case.categories)}",
        f"申请渠道：{CHANNEL_LABELS[case.channel][1]}",
        f"移交组织：{case.rounds[-1].org.name if case.rounds else case.org.name}",
        f"移交时间：{_iso(case.handed_to_arbitration_at) or '—'}（第{n}次移交）",
        f"目录生成时间：{clock.local_now().isoformat()}", "",
        "序号  材料名称  文件  状态",
    ]
    for i, (title, file, status) in enumerate(entries, start=1):
        lines.append(f"{i}. {title}  {file or '—'}  {status}")
    lines += ["", "说明：身份证号码已按《个人信息保护法》脱敏；完整信息请向移交组织调阅。",
              "case.json 为本案结构化数据（当事人、请求事项、调解轮次、时间线、期限）。"]
    if case.arbitration_outcome:
        lines.append(f"仲裁结果：{ARBITRATION_OUTCOMES[case.arbitration_outcome][1]}")
    return "\n".join(lines) + "\n"


def build_package(case: Case, n: int | None = None) -> Path:
    """Write the handoff package of the case's n-th (default: latest) handoff and return its path."""
    n = handoff_count(case) if n is None else n
    if n < 1:
        raise ValueError(f"case {case.number} has not been handed to arbitration")
    target = package_path(case, n)
    target.parent.mkdir(parents=True, exist_ok=True)
    data_dir = _data_dir()
    entries: list[tuple[str, str, str]] = []
    files: list[tuple[str, Path]] = []
    doc_list = []
    for doc in _documents(case):
        title = display_title(doc)
        source = data_dir / doc.path if doc.path else None
        if doc.status == "issued" and source is not None and source.is_file():
            name = f"documents/{len(files) + 1:02d}-{_safe(doc.number or doc.kind)}.pdf"
            files.append((name, source))
            entries.append((f"{title}（编号{doc.number}）", name, "已出具"))
            doc_list.append({"id": doc.id, "kind": doc.kind, "title": title, "number": doc.number,
                             "sha256": doc.sha256, "status": "issued", "file": name})
        else:
            status = "生成失败，待补" if doc.status == "failed" else "待生成"
            entries.append((title, "", status))
            doc_list.append({"id": doc.id, "kind": doc.kind, "title": title, "number": doc.number,
                             "sha256": doc.sha256, "status": "pending", "file": None})
    evidence_list = []
    evidence_root = data_dir / "evidence"
    for item in _evidence(case):
        source = evidence_root / item.path
        name = f"evidence/{len(evidence_list) + 1:02d}-{_safe(item.filename)}"
        present = source.is_file()
        if present:
            files.append((name, source))
        entries.append((f"证据：{item.filename}", name if present else "", "已附" if present else "文件缺失"))
        evidence_list.append({"id": item.id, "filename": item.filename, "content_type": item.content_type,
                              "sha256": getattr(item, "sha256", None), "file": name if present else None})
    entries.append(("案件结构化数据", "case.json", "已附"))
    payload = case_data(case)
    payload.update({"handoff": {"n": n, "built_at": clock.local_now().isoformat()},
                    "documents": doc_list, "evidence": evidence_list})
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("index.txt", _index_text(case, n, entries))
        zf.writestr("case.json", json.dumps(payload, ensure_ascii=False, indent=2))
        for name, source in files:
            zf.write(source, name)
    os.replace(tmp, target)  # a reader never sees half a package
    return target


def _issued_ids(case: Case) -> set[int]:
    return {d.id for d in _documents(case) if d.status == "issued" and d.path}


def current_package(case: Case) -> Path | None:
    """The latest handoff's package, rebuilt first if the case gained documents or evidence since."""
    n = handoff_count(case)
    if n < 1:
        return None
    path = package_path(case, n)
    if path.is_file():
        try:
            with zipfile.ZipFile(path) as zf:
                packed = json.loads(zf.read("case.json"))
            fresh = ({d["id"] for d in packed["documents"] if d["status"] == "issued"} == _issued_ids(case)
                     and len(packed["evidence"]) == len(_evidence(case)))
        except (zipfile.BadZipFile, KeyError, ValueError):
            fresh = False
        if fresh:
            return path
    return build_package(case, n)


def after_commit(case: Case, events: list[CaseEvent]) -> None:
    """Build the package once a hand_to_arbitration transition is committed."""
    if any(e.trigger == "hand_to_arbitration" for e in events):
        build_package(case)


def init_app(app: Flask) -> None:
    from mediation.services import lifecycle
    if after_commit not in lifecycle.AFTER_COMMIT:
        lifecycle.AFTER_COMMIT.append(after_commit)
