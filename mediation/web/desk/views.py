"""Desk pages outside one case: the queue, registration of walk-in/hotline cases, conflicts, documents."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from mediation.extensions import db
from mediation.models import Document, Organisation
from mediation.models.cases import CATEGORIES, CHANNELS
from mediation.services import assignment, errors, policy
from mediation.services import queue as queue_service
from mediation.services.filing import file_complaint, validate_complaint
from mediation.services.lifecycle import state_label
from mediation.web import current_lang
from mediation.web.desk import bp, helpers
from mediation.web.portal import forms as complaint_forms
from workflows.lifecycle import STATES

#: The channels a desk registers cases from (online ones come through the portal or the API).
DESK_CHANNELS = ("walk_in", "hotline_12351", "chair_reception_day")


@bp.get("/")
def queue():
    lang = current_lang()
    filters, problems = queue_service.parse_filters(request.args)
    page = queue_service.case_queue(current_user, filters)
    orgs = helpers.scope_orgs(current_user)
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang")}
    return render_template(
        "desk/queue.html", page=page, filters=filters, orgs=orgs, mediators=helpers.scope_mediators(orgs),
        states=[(s, state_label(s, lang)) for s in STATES],
        categories=[(c, helpers.category_label(c, lang)) for c in CATEGORIES],
        channels=[(c, helpers.channel_label(c, lang)) for c in CHANNELS],
        problems={k: e.message(lang) for k, e in problems.items()}, args=args, h=helpers, lang=lang,
        state_label=state_label)


def _registrable() -> bool:
    return current_user.role in ("chair", "mediator") and current_user.org.kind != "arbitration"


def _filing_groups(actor) -> list[tuple[Organisation | None, list[Organisation]]]:
    """Where the actor may register a case: their own organisation first, then the enterprises below it
    grouped by station (a station: its own; the federation: every station's)."""
    own = actor.org
    if own.kind == "enterprise":
        return [(None, [own])]
    stations = [own] if own.kind == "station" else sorted(own.children, key=lambda o: o.code)
    return [(None, [own])] + [(station, sorted((c for c in station.children if c.kind == "enterprise"),
                                               key=lambda o: o.code))
                              for station in stations if station.kind == "station"]


def _render_register(form, status: int = 200, channel: str = "walk_in"):
    lang = current_lang()
    return render_template("desk/register.html", form=form, channel=channel,
                           channels=[(c, helpers.channel_label(c, lang)) for c in DESK_CHANNELS],
                           categories=[(c, helpers.category_label(c, lang)) for c in CATEGORIES],
                           org_groups=_filing_groups(current_user), lang=lang), status


@bp.get("/register")
def register_form():
    if not _registrable():
        abort(403)
    form = complaint_forms.ComplaintForm(values={"org": current_user.org.code})
    return _render_register(form)


@bp.post("/register")
def register_submit():
    if not _registrable():
        abort(403)
    form = complaint_forms.from_request(request.form)
    channel = request.form.get("channel", "")
    action = request.form.get("action", "submit")
    if action in ("add_applicant", "add_claim"):
        setattr(form, "applicant_rows" if action == "add_applicant" else "claim_rows",
                (form.applicant_rows if action == "add_applicant" else form.claim_rows) + 1)
        return _render_register(form, channel=channel)
    lang = current_lang()
    body = complaint_forms.to_body(form)
    if channel not in DESK_CHANNELS:
        form.errors["channel"] = _("Choose how the complaint was received.")
        try:
            validate_complaint(body, current_user)
        except errors.InvalidData as exc:
            complaint_forms.add_errors(form, exc.field_messages(lang))
        return _render_register(form, 422, channel=channel)
    try:
        filed = file_complaint(body, channel=channel, actor=current_user, language=lang)
    except errors.InvalidData as exc:
        complaint_forms.add_errors(form, exc.field_messages(lang))
        return _render_register(form, 422, channel=channel)
    # The query code is shown in this response only (only its HMAC is stored): hand it to the worker.
    return render_template("desk/registered.html", case=filed.case, query_code=filed.query_code,
                           channel=helpers.channel_label(channel, lang), lang=lang,
                           state_label=state_label)


@bp.route("/conflicts", methods=["GET", "POST"])
def conflicts():
    values, problems, status = {}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("party_name", "id_number", "employer_name", "relation")}
        try:
            assignment.declare_conflict(current_user, **values)
            values = {}
        except errors.InvalidData as exc:
            problems, status = exc.field_messages(current_lang()), 422
    return render_template("desk/conflicts.html", declarations=assignment.declarations_of(current_user),
                           values=values, problems=problems), status


@bp.get("/documents/<int:doc_id>.pdf")
def document(doc_id: int):
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.status != "issued" or not doc.path or not policy.can_view(current_user, doc.case):
        abort(404)
    root = Path(current_app.config["DATA_DIR"]).resolve()
    path = (root / doc.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", download_name=f"{doc.number or doc.id}.pdf",
                     as_attachment=False, max_age=0)
