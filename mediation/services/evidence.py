"""Evidence uploads: checked by content (not name), limited by config, stored outside the web root.

Files live under DATA_DIR/evidence/<case id>/ with random names; the row keeps the name the
device gave, the type read from the file's first bytes, its size and SHA-256. Limits come from
config.toml [limits] upload_max_files (per case) and upload_max_bytes (per file).
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseEvent
from mediation.models.evidence import Evidence
from mediation.services import errors
from mediation.services.events import record
from mediation.sla import clock
from workflows.lifecycle import FINAL_STATES

# Magic numbers: PDF header, JPEG SOI + marker, PNG signature.
MAGIC = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
         (b"\x89PNG\r\n\x1a\n", "image/png", "png"))


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    data: bytes
    content_type: str
    extension: str


def limits() -> tuple[int, int]:
    """(files per case, bytes per file) from the configuration."""
    conf = current_app.config["MEDIATION"]["limits"]
    return int(conf["upload_max_files"]), int(conf["upload_max_bytes"])


def _clean_name(name: str | None) -> str:
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "file"


def sniff(data: bytes) -> tuple[str, str] | None:
    """The (content type, extension) the bytes really are, or None for anything else."""
    for magic, content_type, extension in MAGIC:
        if data.startswith(magic):
            return content_type, extension
    return None


def _mb(size: int) -> str:
    return f"{size / 1048576:g}"


def check_uploads(files: list[tuple[str, bytes]], *, already: int = 0, field: str = "evidence") -> list[CheckedFile]:
    """Check every (filename, bytes) pair; InvalidData names every bad file, in zh and en."""
    max_files, max_bytes = limits()
    files = [(name, data) for name, data in files if name or data]  # an empty file input sends ("", b"")
    problems = v.ValidationErrors()
    if already + len(files) > max_files:
        left = max(max_files - already, 0)
        problems.add(field, v.FieldError(
            "evidence.too_many", "At most {max} files per case; you can add {left} more.",
            "每个案件最多上传{max}个文件，您还可以上传{left}个。", max=max_files, left=left))
    checked = []
    for name, data in files:
        name = _clean_name(name)
        kind = sniff(data)
        if not data:
            err = v.FieldError("evidence.empty", "“{name}” is empty.", "文件“{name}”是空文件。", name=name)
        elif len(data) > max_bytes:
            err = v.FieldError("evidence.too_large", "“{name}” is larger than {mb} MB.",
                               "文件“{name}”超过{mb} MB。", name=name, mb=_mb(max_bytes))
        elif kind is None:
            err = v.FieldError("evidence.type", "“{name}” is not a PDF, JPEG or PNG file.",
                               "文件“{name}”不是PDF、JPEG或PNG格式，请转换后再上传。", name=name)
        else:
            checked.append(CheckedFile(name, data, *kind))
            continue
        problems.add(field, err)
    if problems:
        raise errors.InvalidData("Some files cannot be accepted.", "部分文件无法接收。", fields=problems.errors)
    return checked


def root() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "evidence"


def path_of(item: Evidence) -> Path:
    return root() / item.path


def count(case: Case) -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.case_id == case.id)) or 0


def list_for(case: Case) -> list[Evidence]:
    return list(db.session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)))


def store(case: Case, checked: list[CheckedFile], uploaded_by: str) -> list[Evidence]:
    """Write checked files, add their rows and a public event, and commit; nothing is kept on error."""
    if not checked:
        return []
    now = clock.local_now()
    folder = root() / str(case.id)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    items = []
    try:
        for f in checked:
            relative = f"{case.id}/{uuid.uuid4().hex}.{f.extension}"
            target = root() / relative
            target.write_bytes(f.data)
            written.append(target)
            items.append(Evidence(case_id=case.id, filename=f.filename, content_type=f.content_type,
                                  size=len(f.data), sha256=hashlib.sha256(f.data).hexdigest(), path=relative,
                                  uploaded_at=now, uploaded_by=uploaded_by))
        db.session.add_all(items)
        db.session.flush()
        record(case, CaseEvent(case_id=case.id, at=now, kind="evidence_added", actor_label=uploaded_by,
                               data={"count": len(items), "ids": [i.id for i in items]}, public=True))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for target in written:
            target.unlink(missing_ok=True)
        raise
    return items


def add_evidence(case: Case, files: list[tuple[str, bytes]], uploaded_by: str = "worker") -> list[Evidence]:
    """Check and store further evidence on an open case."""
    if case.state in FINAL_STATES:
        raise errors.NotAllowed("This case is closed; evidence can no longer be added.",
                                "本案已结束，不能再补充证据。")
    checked = check_uploads(files, already=count(case))
    if not checked:
        raise errors.InvalidData("Choose at least one file.", "请至少选择一个文件。", fields={
            "evidence": v.FieldError("evidence.required", "Choose at least one file.", "请至少选择一个文件。")})
    return store(case, checked, uploaded_by)
