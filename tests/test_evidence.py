"""Evidence uploads: type by content, limits from config, stored outside the web root."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mediation.models import CaseEvent
from mediation.models.evidence import Evidence
from mediation.services import errors, evidence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_files_are_typed_by_content_and_stored_outside_the_web_root(app, db, make_case):
    case = make_case("E01")
    items = evidence.add_evidence(case, [("合同.pdf", PDF), ("工资条.jpg", JPEG), ("聊天记录.png", PNG)])
    assert [i.content_type for i in items] == ["application/pdf", "image/jpeg", "image/png"]
    first = db.session.get(Evidence, items[0].id)
    assert first.filename == "合同.pdf" and first.size == len(PDF) and first.uploaded_by == "worker"
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = evidence.path_of(first)
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(Path(app.config["DATA_DIR"]) / "evidence")
    assert not stored.is_relative_to(Path(app.static_folder))
    assert not first.path.startswith("/") and "合同" not in first.path  # random names, never the upload's
    event = db.session.query(CaseEvent).filter_by(case_id=case.id, kind="evidence_added").one()
    assert event.public and event.data["count"] == 3


def test_a_renamed_file_is_refused_by_content_in_both_languages(app, db, make_case):
    case = make_case("E01")
    with pytest.raises(errors.InvalidData) as caught:
        evidence.add_evidence(case, [("照片.jpg", b"MZ\x90\x00 this is an exe")])
    assert caught.value.field_messages("zh")["evidence"] == "文件“照片.jpg”不是PDF、JPEG或PNG格式，请转换后再上传。"
    assert caught.value.field_messages("en")["evidence"] == "“照片.jpg” is not a PDF, JPEG or PNG file."
    assert db.session.query(Evidence).count() == 0


def test_size_and_count_limits_come_from_config(app, db, make_case, monkeypatch):
    monkeypatch.setitem(app.config["MEDIATION"]["limits"], "upload_max_bytes", 100)
    monkeypatch.setitem(app.config["MEDIATION"]["limits"], "upload_max_files", 2)
    case = make_case("E01")
    with pytest.raises(errors.InvalidData) as caught:
        evidence.add_evidence(case, [("big.pdf", PDF + b"x" * 100)])
    assert "big.pdf" in caught.value.field_messages("en")["evidence"] and "MB" in caught.value.message_en + \
        caught.value.field_messages("en")["evidence"]
    evidence.add_evidence(case, [("a.png", PNG)])
    with pytest.raises(errors.InvalidData) as caught:
        evidence.add_evidence(case, [("b.png", PNG), ("c.png", PNG)])
    assert caught.value.field_messages("zh")["evidence"] == "每个案件最多上传2个文件，您还可以上传1个。"
    assert db.session.query(Evidence).count() == 1


def test_no_evidence_on_a_closed_case(app, db, make_case):
    case = make_case("E01", "withdraw")
    with pytest.raises(errors.NotAllowed):
        evidence.add_evidence(case, [("a.pdf", PDF)])


def test_path_parts_of_an_uploaded_name_are_dropped(app, db, make_case):
    case = make_case("E01")
    item, = evidence.add_evidence(case, [("../../etc/passwd.pdf", PDF)])
    assert item.filename == "passwd.pdf"
    assert evidence.path_of(item).resolve().is_relative_to(evidence.root().resolve())
