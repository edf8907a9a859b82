"""The liaison's pages: handoffs by stage, one case with its package, and the three arbitration actions.

Each action goes through `fire` with the version the page was rendered with, so a case changed in
the meantime is refused as stale rather than overwritten; errors re-render the page with what was typed.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.routing import BuildError

from mediation.documents import display_title
from mediation.extensions import db
from mediation.models import Case, CaseEvent, Document
from mediation.models.cases import CATEGORY_LABELS
from mediation.services import errors, handoff, policy
from mediation.services.lifecycle import available_triggers, fire, state_label, trigger_label
from mediation.services.options import worker_options
from mediation.sla import deadlines
from mediation.web import current_lang
from mediation.web.liaison import bp
from workflows.lifecycle import ARBITRATION_OUTCOMES, FINAL_STATES, TIMERS

#: The page's forms: action in the URL → trigger, and the fields each form posts.
ACTIONS = {
    "receive": ("arbitration_receive", ("arbitration_case_no",)),
    "return": ("arbitration_return", ("instructions", "due")),
    "close": ("arbitration_close", ("outcome",)),
}
ARBITRATION_STATES = ("arbitration", "arbitration_accepted", "arbitration_closed")


def liaison_required(view):
    """Only a logged-in arbitration liaison; others are sent to log in or refused."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            try:
                return current_app.login_manager.unauthorized()
            except BuildError:  # no login page registered (an API-only deployment)
                abort(401)
        if current_user.role != "liaison":
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def _pick(pair: tuple[str, str]) -> str:
    return pair[0] if current_lang() == "en" else pair[1]


@bp.app_template_filter("liaison_state")
def _state_filter(state: str) -> str:
    return state_label(state, current_lang())


def _group(*conditions, order=None, limit: int | None = None) -> list[Case]:
    query = (select(Case).where(policy.visible_cases_clause(current_user), *conditions)
             .options(joinedload(Case.org), selectinload(Case.deadlines), selectinload(Case.parties),
                      selectinload(Case.category_rows))
             .order_by(*(order or (Case.handed_to_arbitration_at.desc(), Case.id.desc()))))
    return list(db.session.scalars(query.limit(limit) if limit else query))


@bp.get("/")
@liaison_required
def index():
    visible = policy.visible_cases_clause(current_user)
    counts = dict(db.session.execute(select(Case.state, func.count()).where(visible).group_by(Case.state)).all())
    open_states = [s for s in counts if s not in ARBITRATION_STATES and s not in FINAL_STATES]
    groups = [
        ("new", _("New handoffs awaiting receipt"), counts.get("arbitration", 0),
         _group(Case.state == "arbitration")),
        ("accepted", _("Accepted by the commission"), counts.get("arbitration_accepted", 0),
         _group(Case.state == "arbitration_accepted")),
        ("delegated", _("Delegated back to mediation (委派调解)"), sum(counts.get(s, 0) for s in open_states),
         _group(Case.state.in_(open_states))),
        ("closed", _("Closed by the commission (latest 20)"), counts.get("arbitration_closed", 0),
         _group(Case.state == "arbitration_closed", order=(Case.closed_at.desc(), Case.id.desc()), limit=20)),
    ]
    return render_template("liaison/index.html", groups=groups, category_label=lambda c: _pick(CATEGORY_LABELS[c]),
                           deadline_of=_deadline_of)


def _deadline_of(case: Case, kind: str):
    rows = [d for d in case.open_deadlines() if d.kind == kind]
    return rows[-1] if rows else None


def _load(case_no: str) -> Case:
    case = db.session.scalars(select(Case).where(Case.number == case_no)).first()
    if case is None or not policy.can_view(current_user, case):
        abort(404)
    return case


def _render_case(case: Case, *, form: dict | None = None, action: str | None = None, error: str | None = None,
                 field_errors: dict | None = None, status: int = 200):
    lang = current_lang()
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.kind.in_(("filed", "transition")))
                                .order_by(CaseEvent.at, CaseEvent.id)).all()
    docs = db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)).all()
    timeline = [(e.at, trigger_label(e.trigger, lang) if e.trigger else _("Filed"), e.actor_label, e.data or {})
                for e in events]
    return render_template(
        "liaison/case.html", case=case, triggers=available_triggers(case, current_user), timeline=timeline,
        documents=[(display_title(d, lang), d) for d in docs], handoffs=handoff.handoff_count(case),
        deadlines=[(TIMERS[d.kind][lang], d, deadlines.basis(d.kind, lang)) for d in case.open_deadlines()],
        options=worker_options(case, lang), outcomes=[(k, _pick(v)) for k, v in ARBITRATION_OUTCOMES.items()],
        category_label=lambda c: _pick(CATEGORY_LABELS[c]),
        outcome_label=_pick(ARBITRATION_OUTCOMES[case.arbitration_outcome]) if case.arbitration_outcome else None,
        form=form or {}, action=action, error=error, field_errors=field_errors or {}), status


@bp.get("/cases/<case_no>")
@liaison_required
def case_page(case_no: str):
    return _render_case(_load(case_no))


@bp.post("/cases/<case_no>/<action>")
@liaison_required
def act(case_no: str, action: str):
    if action not in ACTIONS:
        abort(404)
    case = _load(case_no)
    trigger, fields = ACTIONS[action]
    form = {name: request.form.get(name, "") for name in fields}
    try:
        fire(case, trigger, current_user, version=request.form.get("version", ""), **form)
    except errors.ServiceError as exc:
        db.session.expire_all()  # show the case as it is now (a stale page shows the newer state)
        case = _load(case_no)
        lang = current_lang()
        return _render_case(case, form=form, action=action, error=exc.message(lang),
                            field_errors=exc.field_messages(lang), status=exc.status)
    flash(_("Done: %(action)s. The case is now “%(state)s”.", action=trigger_label(trigger, current_lang()),
            state=state_label(case.state, current_lang())), "success")
    return redirect(url_for("liaison.case_page", case_no=case.number))


@bp.get("/cases/<case_no>/package")
@liaison_required
def package(case_no: str):
    case = _load(case_no)
    path = handoff.current_package(case)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)


@bp.post("/cases/<case_no>/package")
@liaison_required
def rebuild_package(case_no: str):
    case = _load(case_no)
    if handoff.handoff_count(case) < 1:
        abort(404)
    handoff.build_package(case)
    flash(_("The handoff package was rebuilt."), "success")
    return redirect(url_for("liaison.case_page", case_no=case.number))
