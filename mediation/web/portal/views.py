"""Portal pages: landing, filing form and receipt, tracking with evidence, documents and withdrawal."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Case, Document, Organisation
from mediation.models.cases import CATEGORY_LABELS
from mediation.services import errors, evidence, tracking
from mediation.services.filing import file_complaint, validate_complaint
from mediation.services.options import worker_options
from mediation.sla import deadlines as sla_deadlines
from mediation.web import current_lang
from mediation.web.portal import bp, forms
from mediation.web.ratelimit import file_limit, limiter, track_limit
from workflows.lifecycle import FINAL_STATES

MAX_REMEMBERED = 5


def _terms() -> dict:
    conf = current_app.config["MEDIATION"]["sla"]["terms"]
    return {"acceptance": conf["acceptance"]["days"], "mediation": conf["mediation"]["days"],
            "extension": conf["mediation"]["max_extension_days"], "limitation": conf["limitation"]["years"],
            "arbitration": conf["arbitration_acceptance"]["days"]}


@bp.get("/")
def landing():
    return render_template("portal/landing.html", terms=_terms())


def _enterprises(query: str = "") -> list[tuple[Organisation, list[Organisation]]]:
    """Enterprise committees grouped by station, filtered by a name fragment."""
    rows = db.session.scalars(select(Organisation).where(Organisation.kind == "enterprise")
                              .order_by(Organisation.parent_id, Organisation.name)).all()
    q = query.strip().lower()
    groups: dict[int, tuple[Organisation, list]] = {}
    for org in rows:
        if q and q not in org.name.lower() and q not in org.code.lower():
            continue
        groups.setdefault(org.parent_id, (org.parent, []))[1].append(org)
    return list(groups.values())


def _render_form(form: forms.ComplaintForm, status: int = 200, files_lost: bool = False):
    lang = current_lang()
    categories = [(key, en if lang == "en" else zh) for key, (en, zh) in CATEGORY_LABELS.items()]
    max_files, max_bytes = evidence.limits()
    return render_template("portal/file.html", form=form, categories=categories,
                           groups=_enterprises(form.get("org_q")), files_lost=files_lost,
                           max_files=max_files, max_mb=f"{max_bytes / 1048576:g}"), status


def _uploads(name: str = "evidence") -> list[tuple[str, bytes]]:
    return [(f.filename or "", f.read()) for f in request.files.getlist(name)]


@bp.get("/file")
def file_form():
    return _render_form(forms.ComplaintForm())


@bp.post("/file")
@limiter.limit(file_limit, exempt_when=lambda: request.form.get("action", "submit") != "submit")
def file_submit():
    form = forms.from_request(request.form)
    action = request.form.get("action", "submit")
    if action == "add_applicant":
        form.applicant_rows += 1
        return _render_form(form)
    if action == "add_claim":
        form.claim_rows += 1
        return _render_form(form)
    if action == "search_org":
        return _render_form(form)
    lang = current_lang()
    body = forms.to_body(form)
    uploads = _uploads()
    try:
        checked = evidence.check_uploads(uploads)
    except errors.InvalidData as exc:
        forms.add_errors(form, exc.field_messages(lang))
        try:
            validate_complaint(body)
        except errors.InvalidData as more:
            forms.add_errors(form, more.field_messages(lang))
        return _render_form(form, 422, files_lost=bool(uploads))
    try:
        filed = file_complaint(body, channel="online", language=lang)
    except errors.InvalidData as exc:
        forms.add_errors(form, exc.field_messages(lang))
        return _render_form(form, 422, files_lost=bool(checked))
    case = filed.case
    stored = True
    try:
        evidence.store(case, checked, "worker")
    except Exception:  # the case is filed: the worker must still see the code; files can follow
        current_app.logger.exception("evidence for %s could not be stored", case.number)
        stored = False
    _remember(case.number)
    deadline_rows = [tracking.deadline_display(d, lang) for d in tracking.open_deadlines(case)]
    # Rendered in this response and nowhere else: the code is never stored in clear.
    return render_template("portal/receipt.html", case=case, query_code=filed.query_code,
                           deadlines=deadline_rows, evidence_count=len(checked) if stored else 0,
                           evidence_failed=not stored)


def _remember(case_no: str) -> None:
    tracked = [n for n in session.get("tracked", []) if n != case_no]
    session["tracked"] = [case_no, *tracked][:MAX_REMEMBERED]


def _tracked_case(case_no: str):
    """The case if this browser proved its code (the session remembers the number), else None."""
    number = tracking.normalise_case_no(case_no)
    if number not in session.get("tracked", []):
        return None
    return db.session.scalars(select(Case).where(Case.number == number)).first()


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(track_limit, methods=["POST"])
def track_form():
    case_no = (request.values.get("case_no") or "").strip()
    if request.method == "POST":
        case = tracking.find_case(case_no, request.form.get("code"))
        if case is not None:
            _remember(case.number)
            return redirect(url_for("portal.track_case", case_no=case.number))
        return render_template("portal/track_form.html", case_no=case_no, not_found=True), 404
    return render_template("portal/track_form.html", case_no=case_no, not_found=False)


@bp.get("/track/<case_no>")
def track_case(case_no: str):
    case = _tracked_case(case_no)
    if case is None:
        return redirect(url_for("portal.track_form", case_no=case_no))
    lang = current_lang()
    view = tracking.public_view(case, lang)
    choices = tracking.worker_choices(case)
    return render_template("portal/track.html", case=case, view=view, choices=choices, terms=_terms(),
                           facts={t: tracking.decision_facts(case, t, lang) for t in choices},
                           options=worker_options(case, lang) if case.state == "agreed" else [],
                           performance_pending=case.state == "agreed" and case.non_performance_reported_at is None
                           and not tracking.performance_due(case),
                           next_deadline=tracking.deadline_display(sla_deadlines.next_deadline(case), lang),
                           limitation=tracking.deadline_display(tracking.limitation(case), lang),
                           evidence=evidence.list_for(case), can_withdraw=tracking.worker_can_withdraw(case),
                           closed=case.state in FINAL_STATES, max_files=evidence.limits()[0],
                           max_mb=f"{evidence.limits()[1] / 1048576:g}", errors={})


@bp.get("/track/<case_no>/documents/<int:doc_id>.pdf")
def document(case_no: str, doc_id: int):
    case = _tracked_case(case_no)
    if case is None:
        abort(404)
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.case_id != case.id or doc.status != "issued" or doc.served_at is None or not doc.path:
        abort(404)
    path = _document_path(doc.path)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{doc.number or doc.kind}.pdf")


def _document_path(stored: str) -> Path | None:
    data_dir = Path(current_app.config["DATA_DIR"]).resolve()
    for candidate in (Path(stored), data_dir / "documents" / stored, data_dir / stored):
        candidate = candidate.resolve()
        if candidate.is_relative_to(data_dir) and candidate.is_file():
            return candidate
    return None


@bp.post("/track/<case_no>/evidence")
def add_evidence(case_no: str):
    case = _tracked_case(case_no)
    if case is None:
        return redirect(url_for("portal.track_form", case_no=case_no))
    try:
        items = evidence.add_evidence(case, _uploads(), "worker")
    except errors.ServiceError as exc:
        lang = current_lang()
        for message in (exc.field_messages(lang) or {"": exc.message(lang)}).values():
            flash(message, "error")
    else:
        flash(_("%(count)s file(s) added to your case.", count=len(items)), "success")
    return redirect(url_for("portal.track_case", case_no=case.number) + "#evidence")


@bp.route("/track/<case_no>/withdraw", methods=["GET", "POST"])
def withdraw(case_no: str):
    case = _tracked_case(case_no)
    if case is None:
        return redirect(url_for("portal.track_form", case_no=case_no))
    lang = current_lang()
    reason, error, reason_error, status = request.form.get("reason", ""), None, None, 200
    if request.method == "POST":
        # At the version the page showed: a withdrawal confirmed on a stale page is refused.
        error, reason_error, status = _worker_decision(case, "withdraw", "reason", {"reason": reason}, lang)
        if status == 200:
            flash(_("Your application has been withdrawn."), "success")
            return redirect(url_for("portal.track_case", case_no=case.number))
    return render_template("portal/withdraw.html", case=case, reason=reason, error=error,
                           reason_error=reason_error, can_withdraw=tracking.worker_can_withdraw(case)), status


def _worker_decision(case, trigger: str, field: str, data: dict, lang: str):
    """Fire a worker's decision at the page's version; return (page error, field error, status)."""
    try:
        tracking.worker_fire(case, trigger, request.form.get("version"), **data)
    except errors.ServiceError as exc:
        field_error = exc.field_messages(lang).get(field)
        if isinstance(exc, errors.Stale):
            return _stale_message(), field_error, exc.status
        return (exc.message(lang) if field_error is None else None), field_error, exc.status
    return None, None, 200


def _stale_message() -> str:
    return _("Your case changed while this page was open (for example, the mediator recorded a "
             "step). Please check the page again; what you wrote is kept. Confirm again if you "
             "still want this.")


@bp.route("/track/<case_no>/decide/<trigger>", methods=["GET", "POST"])
def decide(case_no: str, trigger: str):
    """Confirm and take one of the worker's decisions: next tier, arbitration, non-performance."""
    case = _tracked_case(case_no)
    if case is None or trigger not in tracking.DECISIONS:
        abort(404)
    lang = current_lang()
    note, error, note_error, status = request.form.get("note", ""), None, None, 200
    if request.method == "POST":
        data = {"note": note} if trigger == "report_non_performance" else {}
        error, note_error, status = _worker_decision(case, trigger, "note", data, lang)
        if status == 200:
            flash(_decided_message(case, trigger), "success")
            return redirect(url_for("portal.track_case", case_no=case.number))
    return render_template("portal/decide.html", case=case, trigger=trigger, note=note, error=error,
                           note_error=note_error, available=trigger in tracking.worker_choices(case),
                           facts=tracking.decision_facts(case, trigger, lang), terms=_terms(),
                           state_label=tracking.state_label(case.state, lang)), status


def _decided_message(case: Case, trigger: str) -> str:
    if trigger == "escalate":
        return _("Your case has been referred to %(org)s.", org=case.org.name)
    if trigger == "hand_to_arbitration":
        return _("Your case has been handed to the labour arbitration commission.")
    return _("Non-performance of the agreement is recorded. Your options are shown below.")


@bp.post("/track/forget")
def forget():
    session.pop("tracked", None)
    flash(_("This device no longer remembers your cases."), "success")
    return redirect(url_for("portal.track_form"))


@bp.errorhandler(429)
def too_many(_exc):
    return render_template("portal/too_many.html"), 429
