"""The desk's case queue: the cases an actor may see, filtered, sorted by next deadline, one page at a time.

One SELECT for the page (scoped by policy.visible_cases_clause, LIMIT/OFFSET through the
(org_id, state, next_due) and (state, next_due) indexes), one COUNT, one grouped query for the
rows' applicants and a fixed number of eager loads for what the rows show, whatever the page
size (no N+1). bench/bench_queue.py times it against the raw SQL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from mediation import validation as v
from mediation.extensions import db
from mediation.models import Case, CaseCategory, Deadline, Organisation, Party
from mediation.models.cases import CATEGORIES, CHANNELS
from mediation.services import policy
from mediation.sla import clock
from workflows.lifecycle import STATES

PER_PAGE = 25
MAX_PER_PAGE = 100
SORTS = ("due", "filed_desc", "filed_asc")
#: The queue badge speaks of the terms the handling organisation must meet, not the worker's
#: limitation period (which next_due leaves out too).
BADGE_EXCLUDED_KINDS = ("limitation",)


@dataclass
class QueueFilters:
    state: str | None = None
    tier: int | None = None
    org: str | None = None
    category: str | None = None
    mediator_id: int | None = None
    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    sort: str = "due"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class QueueRow:
    case: Case
    first_applicant: str | None
    applicant_count: int
    #: "on_time", "warning", "breached", or None when no term is running.
    sla: str | None
    next_deadline: Deadline | None


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int
    filters: QueueFilters
    errors: dict[str, v.FieldError] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _int(raw, low: int, high: int) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def parse_filters(args) -> tuple[QueueFilters, dict[str, v.FieldError]]:
    """Read the filters from query arguments; unknown values are dropped and reported, never fatal."""
    problems = v.ValidationErrors()
    f = QueueFilters()
    f.state = args.get("state") if args.get("state") in STATES else None
    f.tier = _int(args.get("tier"), 1, 3) if args.get("tier") else None
    f.org = (args.get("org") or "").strip() or None
    f.category = args.get("category") if args.get("category") in CATEGORIES else None
    f.mediator_id = _int(args.get("mediator"), 1, 2**31) if args.get("mediator") else None
    f.channel = args.get("channel") if args.get("channel") in CHANNELS else None
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        if args.get(key):
            with problems.field(key):
                setattr(f, attr, v.parse_date(args.get(key)))
    if f.date_from and f.date_to and f.date_from > f.date_to:
        problems.add("to", v.FieldError("date.range", "The end date is before the start date.",
                                        "结束日期早于开始日期。"))
        f.date_to = None
    f.q = (args.get("q") or "").strip()[:100] or None
    f.sort = args.get("sort") if args.get("sort") in SORTS else "due"
    f.page = _int(args.get("page"), 1, 10**6) or 1
    f.per_page = _int(args.get("per_page"), 1, MAX_PER_PAGE) or PER_PAGE
    return f, problems.errors


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(actor, f: QueueFilters) -> list:
    conditions = [policy.visible_cases_clause(actor)]
    if f.state:
        conditions.append(Case.state == f.state)
    if f.tier:
        conditions.append(Case.tier == f.tier)
    if f.org:
        conditions.append(Case.org_id == select(Organisation.id).where(Organisation.code == f.org)
                          .scalar_subquery())
    if f.category:
        conditions.append(exists().where(CaseCategory.case_id == Case.id, CaseCategory.category == f.category))
    if f.mediator_id:
        conditions.append(Case.mediator_id == f.mediator_id)
    if f.channel:
        conditions.append(Case.channel == f.channel)
    if f.date_from:
        conditions.append(Case.filed_at >= datetime.combine(f.date_from, datetime.min.time()))
    if f.date_to:
        conditions.append(Case.filed_at < datetime.combine(f.date_to + timedelta(days=1), datetime.min.time()))
    if f.q:
        pattern = _like(f.q)
        conditions.append(or_(
            Case.number.ilike(pattern, escape="\\"), Case.respondent_name.ilike(pattern, escape="\\"),
            exists().where(Party.case_id == Case.id, Party.name.ilike(pattern, escape="\\"))))
    return conditions


def sla_badge(case: Case, now: datetime) -> str | None:
    """Breached, warning or on time, from the case's deadline rows; None when no term runs."""
    relevant = [d for d in case.deadlines if d.kind not in BADGE_EXCLUDED_KINDS]
    running = set(STATES[case.state].get("timers", []))
    latest: dict[str, Deadline] = {}
    for deadline in relevant:
        if deadline.kind in running and (deadline.kind not in latest or deadline.id > latest[deadline.kind].id):
            latest[deadline.kind] = deadline
    open_rows = [d for d in relevant if d.is_open]
    # A breached term of the state the case is still in stays breached (e.g. acceptance overdue).
    if any(d.due_at <= now for d in open_rows) or any(d.status == "breached" for d in latest.values()):
        return "breached"
    if any(d.status == "warned" or (d.warn_at is not None and d.warn_at <= now) for d in open_rows):
        return "warning"
    return "on_time" if open_rows else None


def _applicants(case_ids: list[int]) -> dict[int, tuple[str, int]]:
    """First applicant's name and the number of applicants of each case, in one grouped query.

    Not as correlated subqueries in the page SELECT: the database evaluates those for every row it
    sorts (every matching case), not only for the page's rows."""
    if not case_ids:
        return {}
    first = (select(Party.case_id, func.min(Party.id).label("first_id"), func.count(Party.id).label("n"))
             .where(Party.case_id.in_(case_ids)).group_by(Party.case_id).subquery())
    rows = db.session.execute(select(first.c.case_id, Party.name, first.c.n)
                              .join(Party, Party.id == first.c.first_id)).all()
    return {case_id: (name, n) for case_id, name, n in rows}


def case_queue(actor, f: QueueFilters, now: datetime | None = None) -> QueuePage:
    """Return one page of the cases `actor` may see that match `f`."""
    now = now or clock.local_now()
    conditions = _conditions(actor, f)
    total = db.session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    order = {"due": (Case.next_due.asc().nulls_last(), Case.id.asc()),
             "filed_desc": (Case.filed_at.desc(), Case.id.desc()),
             "filed_asc": (Case.filed_at.asc(), Case.id.asc())}[f.sort]
    page = min(f.page, max(1, -(-total // f.per_page)))
    query = (select(Case).where(*conditions).order_by(*order)
             .limit(f.per_page).offset((page - 1) * f.per_page)
             .options(selectinload(Case.org), selectinload(Case.mediator), selectinload(Case.category_rows),
                      selectinload(Case.deadlines)))
    cases = db.session.scalars(query).all()
    applicants = _applicants([case.id for case in cases])
    rows = []
    for case in cases:
        name, n = applicants.get(case.id, (None, 0))
        upcoming = [d for d in case.open_deadlines() if d.kind not in BADGE_EXCLUDED_KINDS]
        rows.append(QueueRow(case=case, first_applicant=name, applicant_count=n, sla=sla_badge(case, now),
                             next_deadline=min(upcoming, key=lambda d: d.due_at) if upcoming else None))
    return QueuePage(rows=rows, total=total, page=page, per_page=f.per_page, filters=f)
