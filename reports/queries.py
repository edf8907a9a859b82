"""The report queries: each one SQL aggregate over rounds and cases, portable to SQLite and PostgreSQL.

Success rate (DOMAIN.md §5): rounds ended in the period with outcome agreed ÷ rounds concluded
(agreed + failed + expired); withdrawn and rejected rounds are not concluded. Overall a case counts
once, settled when any of its rounds concluded in the period agreed.
"""
from __future__ import annotations

from sqlalchemy import Float, Integer, and_, case, cast, exists, func, literal, select

from mediation.extensions import db
from mediation.models import Case, CaseCategory, Claim, Deadline, Round
from reports.filters import ReportFilters

CONCLUDED = ("agreed", "failed", "expired")
_AGREED = case((Round.outcome == "agreed", 1), else_=0)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _days_between(later, earlier):
    """Fractional days between two naive timestamps."""
    if _dialect() == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def period_key(column, unit: str):
    """"2026-10", "2026-Q4" or "2026" for a timestamp column."""
    if _dialect() == "postgresql":
        return func.to_char(column, {"month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[unit])
    if unit == "month":
        return func.strftime("%Y-%m", column)
    if unit == "year":
        return func.strftime("%Y", column)
    quarter = (cast(func.strftime("%m", column), Integer) + 2) // 3
    return func.strftime("%Y", column) + "-Q" + cast(quarter, db.String)


def round_conditions(f: ReportFilters, r=Round) -> list:
    """Scope and filters on rounds (organisation subtree, tier, mediator, channel, category)."""
    conds = []
    if f.org_ids is not None:
        conds.append(r.org_id.in_(f.org_ids))
    if f.tier:
        conds.append(r.tier == f.tier)
    if f.mediator_id:
        conds.append(r.mediator_id == f.mediator_id)
    if f.channel:
        conds.append(r.channel == f.channel)
    if f.category:
        conds.append(exists().where(CaseCategory.case_id == r.case_id, CaseCategory.category == f.category))
    return conds


def concluded_conditions(f: ReportFilters, r=Round) -> list:
    return [r.ended_at >= f.start, r.ended_at < f.end, r.outcome.in_(CONCLUDED), *round_conditions(f, r)]


def _case_scope(f: ReportFilters) -> list:
    """Case-level figures count a case when one of its rounds passes the round filters."""
    conds = round_conditions(f)
    if not conds:
        return []
    return [Case.id.in_(select(Round.case_id).where(*conds))]


def success_by_group(f: ReportFilters):
    """Rows (key, concluded, agreed) per group, counting rounds concluded in the period, by key."""
    if f.group_by in ("month", "quarter", "year"):
        key = period_key(Round.ended_at, f.group_by)
    else:
        key = {"tier": Round.tier, "org": Round.org_id, "mediator": Round.mediator_id,
               "channel": Round.channel, "category": CaseCategory.category}[f.group_by]
    stmt = select(key.label("key"), func.count().label("concluded"), func.sum(_AGREED).label("agreed"))
    if f.group_by == "category":  # a case with two categories counts in both groups
        stmt = stmt.select_from(Round).join(CaseCategory, CaseCategory.case_id == Round.case_id)
    return db.session.execute(stmt.where(*concluded_conditions(f)).group_by(key).order_by(key)).all()


def _per_case(f: ReportFilters):
    """One row per case with a round concluded in the period: settled, first-round settled, end."""
    return (select(Round.case_id,
                   func.max(_AGREED).label("settled"),
                   func.max(case((and_(Round.outcome == "agreed", Round.seq == 1), 1), else_=0)).label("first"),
                   func.max(Round.ended_at).label("ended_at"),
                   func.sum(case((Round.outcome == "agreed", Round.amount_agreed), else_=0)).label("amount"))
            .where(*concluded_conditions(f)).group_by(Round.case_id).subquery("per_case"))


def success_overall(f: ReportFilters):
    """Row (concluded, agreed): cases, each counted once (DOMAIN §5)."""
    stmt = select(func.count(func.distinct(Round.case_id)).label("concluded"),
                  func.count(func.distinct(case((Round.outcome == "agreed", Round.case_id)))).label("agreed"))
    return db.session.execute(stmt.where(*concluded_conditions(f))).one()


def concluded_summary(f: ReportFilters):
    """Row over cases concluded in the period: counts, first-round settlements, collective, amounts."""
    per_case = _per_case(f)
    claims = (select(Claim.case_id, func.sum(Claim.amount).label("claimed"))
              .where(Claim.case_id.in_(select(per_case.c.case_id))).group_by(Claim.case_id).subquery("cl"))
    collective = case((Case.is_collective, 1), else_=0)
    stmt = (select(func.count().label("concluded"),
                   func.coalesce(func.sum(per_case.c.settled), 0).label("agreed"),
                   func.coalesce(func.sum(per_case.c.first), 0).label("first_round_agreed"),
                   func.coalesce(func.sum(collective), 0).label("collective"),
                   func.coalesce(func.sum(collective * per_case.c.settled), 0).label("collective_agreed"),
                   func.coalesce(func.sum(claims.c.claimed), 0).label("amount_claimed"),
                   func.coalesce(func.sum(per_case.c.amount), 0).label("amount_agreed"))
            .select_from(per_case).join(Case, Case.id == per_case.c.case_id)
            .outerjoin(claims, claims.c.case_id == per_case.c.case_id))
    return db.session.execute(stmt).one()


def duration_percentiles(f: ReportFilters, points=((1, 2), (9, 10))):
    """Days from filing to conclusion of the cases concluded in the period, at each percentile
    num/den, interpolated like percentile_cont; one window-function query, no rows to Python."""
    per_case = _per_case(f)
    days = (select(_days_between(per_case.c.ended_at, Case.filed_at).label("days"))
            .select_from(per_case).join(Case, Case.id == per_case.c.case_id).subquery("d"))
    ranked = select(days.c.days, func.row_number().over(order_by=days.c.days).label("rn"),
                    func.count().over().label("n")).subquery("r")
    columns = []
    for num, den in points:
        # percentile_cont: position 1 + p(n-1), between rows lo and hi, weight frac/den.
        lo = 1 + (ranked.c.n - 1) * num // den
        hi = 1 + ((ranked.c.n - 1) * num + den - 1) // den
        frac = cast(((ranked.c.n - 1) * num) % den, Float) / den
        v_lo = func.max(case((ranked.c.rn == lo, ranked.c.days)))
        v_hi = func.max(case((ranked.c.rn == hi, ranked.c.days)))
        columns.append((v_lo + (v_hi - v_lo) * func.max(frac)).label(f"p{num * 100 // den}"))
    return db.session.execute(select(*columns).select_from(ranked)).one()


def volumes(f: ReportFilters):
    """Row (received, accepted, pending): cases first received / first accepted in the reader's
    organisations during the period, and cases still open there at its end."""
    conds = round_conditions(f)
    first = (select(Round.case_id, func.min(Round.received_at).label("received"),
                    func.min(Round.accepted_at).label("accepted"))
             .where(*conds, Round.received_at < f.end).group_by(Round.case_id).subquery("first"))
    in_period = lambda col: case((and_(col >= f.start, col < f.end), 1), else_=0)  # noqa: E731
    counts = select(func.coalesce(func.sum(in_period(first.c.received)), 0).label("received"),
                    func.coalesce(func.sum(in_period(first.c.accepted)), 0).label("accepted"))
    received, accepted = db.session.execute(counts).one()
    pending = db.session.scalar(
        select(func.count(func.distinct(Round.case_id)))
        .where(*conds, Round.received_at < f.end, (Round.ended_at.is_(None)) | (Round.ended_at >= f.end)))
    return received, accepted, pending


def sla_compliance(f: ReportFilters):
    """Rows (kind, met, breached) of deadlines falling due in the period, per kind."""
    met = func.sum(case((Deadline.status == "met", 1), else_=0))
    breached = func.sum(case((Deadline.status == "breached", 1), else_=0))
    stmt = (select(Deadline.kind, met.label("met"), breached.label("breached"))
            .where(Deadline.due_at >= f.start, Deadline.due_at < f.end, Deadline.status.in_(("met", "breached")))
            .group_by(Deadline.kind).order_by(Deadline.kind))
    conds = round_conditions(f)
    if conds:
        stmt = stmt.where(Deadline.case_id.in_(select(Round.case_id).where(*conds)))
    return db.session.execute(stmt).all()


def arbitration_handoffs(f: ReportFilters):
    """Rows (outcome, cases) of cases handed to arbitration in the period; outcome "pending" if open."""
    outcome = func.coalesce(Case.arbitration_outcome, literal("pending"))
    stmt = (select(outcome.label("outcome"), func.count().label("cases"))
            .where(Case.handed_to_arbitration_at >= f.start, Case.handed_to_arbitration_at < f.end,
                   *_case_scope(f))
            .group_by(outcome).order_by(outcome))
    return db.session.execute(stmt).all()
