"""GET/POST /verify: a document number (and optionally its hash or the file) → genuine, superseded,
altered or unknown. GET /documents/<id>.pdf: a document for staff who may see its case."""
from __future__ import annotations

import re
from pathlib import Path

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from mediation.documents import issuing_org, versions
from mediation.extensions import db
from mediation.models import Document
from mediation.services import policy
from mediation.web import current_lang
from mediation.web.ratelimit import limiter, track_limit
from mediation.web.verify import bp

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def _messages(status: str, replacement: str | None) -> str:
    return {
        "genuine": _("Genuine: this document was issued through this system and is in force."),
        "superseded": _("Superseded: this document was issued through this system but has been replaced by the "
                        "corrected document %(number)s. Rely on the new one.", number=replacement or ""),
        "altered": _("Does not match: the number exists, but the file or hash presented differs from the document "
                     "issued. It may have been altered."),
        "unknown": _("Not found: no issued document has this number. Check the number as printed."),
    }[status]


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(track_limit)
def verify_page():
    form = request.form if request.method == "POST" else request.args
    number = (form.get("number") or "").strip()
    sha256 = (form.get("sha256") or "").strip()
    upload = request.files.get("file") if request.method == "POST" else None
    errors, result = {}, None
    if request.method == "POST" or number:
        if not number:
            errors["number"] = _("Enter the document number printed at the top of the document, e.g. E01-SL-2026-0007.")
        if sha256 and not SHA256.match(sha256):
            errors["sha256"] = _("A SHA-256 hash is 64 characters, digits 0-9 and letters a-f. Leave it empty "
                                 "to check the number only.")
        if upload is not None and upload.filename:
            sha256 = versions.sha256_of(upload.read())
        if not errors:
            status = versions.verify(number, sha256 or None)
            document = versions.lookup(number) if status != "unknown" else None
            replacement = versions.replacement_of(document) if document is not None else None
            result = {"status": status, "document": document, "checked_hash": sha256 or None,
                      "org": issuing_org(document) if document is not None else None,
                      "message": _messages(status, replacement.number if replacement else None)}
    return render_template("verify/verify.html", number=number, sha256=form.get("sha256", ""), errors=errors,
                           result=result, lang=current_lang()), (422 if errors else 200)


@bp.get("/documents/<int:doc_id>.pdf")
def document_pdf(doc_id: int):
    """A case's document for signed-in staff who may see the case; 404 for anyone else."""
    if not getattr(current_user, "is_authenticated", False):
        abort(404)
    document = db.session.get(Document, doc_id)
    if document is None or not document.is_issued or not policy.can_view(current_user, document.case):
        abort(404)
    return send_document(document)


def send_document(document: Document):
    data_dir = Path(current_app.config["DATA_DIR"]).resolve()
    path = (data_dir / document.path).resolve()
    if not path.is_relative_to(data_dir) or not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"{document.number}.pdf")
