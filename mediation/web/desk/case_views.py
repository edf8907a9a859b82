"""The case page and everything fired or recorded from it; each POST re-renders the page on error,
with what the user typed kept and the reason shown beside it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import CaseEvent, Document, MediationSession, Party, Referral, User
from mediation.models.desk import REFERRAL_KINDS
from mediation.services import assignment, disclosure, errors, policy, referrals, sessions
from mediation.services.queue import sla_badge
from mediation.services.lifecycle import available_triggers, fire, state_label, trigger_label
from mediation.sla import clock
from mediation.web import current_lang
from mediation.validation import FieldError
from mediation.web.desk import bp, helpers
from workflows.lifecycle import TRIGGER_NAMES

def _events(case):
    return db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                              .order_by(CaseEvent.at, CaseEvent.id)).all()


def _evidence(case):
    try:
        from mediation.models import Evidence
    except ImportError:
        return []
    return db.session.scalars(select(Evidence).where(Evidence.case_id == case.id).order_by(Evidence.id)).all()


def render_case(case, *, status: int = 200, form: str | None = None, values: dict | None = None,
                problems: dict | None = None, message: str | None = None, revealed: dict | None = None):
    """The case page; `form` names the action form to open with `values` and `problems` shown."""
    lang = current_lang()
    triggers = available_triggers(case, current_user)
    candidates = assignment.candidates(case) if policy.can_assign(current_user, case) else []
    docs = db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)).all()
    return render_template(
        "desk/case.html", case=case, lang=lang, h=helpers, state_label=state_label, trigger_label=trigger_label,
        triggers=[(t, helpers.fire_fields(case, t, lang)) for t in triggers],
        events=_events(case), evidence=_evidence(case), deadlines=helpers.deadline_rows(case, lang),
        documents=docs, candidates=candidates,
        sessions=db.session.scalars(select(MediationSession).where(MediationSession.case_id == case.id)
                                    .order_by(MediationSession.held_at, MediationSession.id)).all(),
        referrals=db.session.scalars(select(Referral).where(Referral.case_id == case.id)
                                     .order_by(Referral.id)).all(),
        referral_kinds=[(k, helpers.referral_label(k, lang)) for k in REFERRAL_KINDS],
        can_record=policy.can_record(current_user, case), can_assign=policy.can_assign(current_user, case),
        can_reveal=policy.can_reveal_id(current_user, case),
        sla=helpers.sla_display(sla_badge(case, clock.local_now()), lang),
        open_form=form, values=values or {}, problems=problems or {}, message=message,
        revealed=revealed or {}), status


@bp.get("/cases/<number>")
def case_page(number: str):
    return render_case(helpers.load_case(number))


def _error_page(case, exc: errors.ServiceError, form: str, values: dict):
    """Re-render after a refused action: the newest case, the typed input kept, the reason shown."""
    lang = current_lang()
    db.session.expire_all()
    case = helpers.load_case(case.number)
    if isinstance(exc, errors.Stale):
        message = _("This case has been changed by someone else. Please reload it before acting.") + " " + _("The page below shows the case as it is now; what you typed is kept.")
    else:
        message = exc.message(lang)
    return render_case(case, status=exc.status, form=form, values=values, problems=exc.field_messages(lang),
                       message=message)


def _done(case, text: str):
    flash(text, "success")
    return redirect(url_for("desk.case_page", number=case.number, lang=request.args.get("lang")))


@bp.post("/cases/<number>/fire/<trigger>")
def fire_trigger(number: str, trigger: str):
    case = helpers.load_case(number)
    if trigger not in TRIGGER_NAMES:
        return redirect(url_for("desk.case_page", number=number))
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    version = request.form.get("version")
    if not request.form.get("confirm"):
        exc = errors.InvalidData("Tick the box to confirm.", "请勾选确认后再提交。",
                                 fields={"confirm": _confirm_error()})
        return _error_page(case, exc, trigger, values)
    data = {k: v for k, v in values.items() if k not in ("version", "confirm", "mediator_id")}
    try:
        if trigger == "accept":
            mediator = db.session.get(User, int(values["mediator_id"])) if values.get("mediator_id", "").isdigit() \
                else None
            assignment.accept_and_assign(case, current_user, mediator, version=version)
        else:
            fire(case, trigger, current_user, version=version, **data)
    except errors.ServiceError as exc:
        return _error_page(case, exc, trigger, values)
    return _done(case, _("Done: %(action)s.", action=trigger_label(trigger, current_lang())))


def _confirm_error():
    return FieldError("confirm.required", "Tick the box to confirm.", "请勾选确认后再提交。")


@bp.post("/cases/<number>/sessions")
def add_session(number: str):
    case = helpers.load_case(number)
    fields = ("held_at", "place", "attendees", "statements", "outcome")
    values = {k: request.form.get(k, "") for k in fields}
    try:
        sessions.record_session(case, current_user, **values)
    except errors.ServiceError as exc:
        return _error_page(case, exc, "session", values)
    return _done(case, _("The session record has been added."))


@bp.post("/cases/<number>/assign")
def assign(number: str):
    case = helpers.load_case(number)
    values = {k: request.form.get(k, "") for k in ("mediator_id", "version")}
    # Only ids that can exist (32-bit); anything else is "no such mediator", answered by the service.
    raw_id = values["mediator_id"]
    mediator = db.session.get(User, int(raw_id)) if raw_id.isdigit() and len(raw_id) <= 9 else None
    try:
        assignment.assign(case, mediator, current_user, version=values["version"] or None)
    except errors.ServiceError as exc:
        return _error_page(case, exc, "assign", values)
    return _done(case, _("The mediator has been assigned."))


@bp.post("/cases/<number>/referrals")
def add_referral(number: str):
    case = helpers.load_case(number)
    values = {k: request.form.get(k, "") for k in ("kind", "note")}
    try:
        referrals.refer(case, current_user, values["kind"], values["note"])
    except errors.ServiceError as exc:
        return _error_page(case, exc, "referral", values)
    return _done(case, _("The referral has been recorded."))


@bp.post("/cases/<number>/referrals/<int:referral_id>/outcome")
def referral_outcome(number: str, referral_id: int):
    case = helpers.load_case(number)
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.case_id != case.id:
        return redirect(url_for("desk.case_page", number=number))
    values = {"outcome": request.form.get("outcome", "")}
    try:
        referrals.record_outcome(referral, current_user, values["outcome"])
    except errors.ServiceError as exc:
        return _error_page(case, exc, f"referral-{referral_id}", values)
    return _done(case, _("The outcome of the referral has been recorded."))


@bp.post("/cases/<number>/notes")
def add_note(number: str):
    case = helpers.load_case(number)
    values = {"note": request.form.get("note", "")}
    try:
        sessions.add_note(case, current_user, values["note"])
    except errors.ServiceError as exc:
        return _error_page(case, exc, "note", values)
    return _done(case, _("The note has been added."))


@bp.post("/cases/<number>/parties/<int:party_id>/reveal")
def reveal(number: str, party_id: int):
    case = helpers.load_case(number)
    party = db.session.get(Party, party_id)
    try:
        if party is None:
            raise errors.NotFound("No such party.", "当事人不存在。")
        full = disclosure.reveal_id(case, party, current_user, request.form.get("purpose", ""))
    except errors.ServiceError as exc:
        return _error_page(case, exc, "", {})
    # Shown in this response only; never cached in the session or a URL.
    response = render_case(case, revealed={party.id: full})
    return response[0], response[1], {"Cache-Control": "no-store"}
