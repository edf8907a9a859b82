"""Assemble one report (a JSON-ready dict) from the queries; every renderer takes this dict."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organisation, User
from mediation.models.cases import CATEGORY_LABELS, CHANNEL_LABELS
from mediation.sla import clock
from reports import queries
from reports.filters import ReportFilters
from workflows.lifecycle import ARBITRATION_OUTCOMES, TIMERS

TIER_LABELS = {1: ("Enterprise committees (tier 1)", "企业调委会（第一级）"),
               2: ("Union service stations (tier 2)", "工会服务站（第二级）"),
               3: ("District federation (tier 3)", "总工会调解中心（第三级）")}
UNASSIGNED = ("Unassigned", "未指派")


def rate(numerator: int, denominator: int) -> str | None:
    """A share as a decimal string with four places ("0.6667"); None when the denominator is 0."""
    if not denominator:
        return None
    return str((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "en" else pair[1]


def _money(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _group_keys(f: ReportFilters, keys: list, lang: str) -> dict:
    """Map each raw group key to (public key, label); one query for org or mediator names."""
    if f.group_by == "tier":
        return {k: (k, _pick(TIER_LABELS[k], lang)) for k in keys}
    if f.group_by == "category":
        return {k: (k, _pick(CATEGORY_LABELS[k], lang)) for k in keys}
    if f.group_by == "channel":
        return {k: (k, _pick(CHANNEL_LABELS.get(k, (k, k)), lang)) for k in keys}
    if f.group_by == "org":
        rows = db.session.execute(select(Organisation.id, Organisation.code, Organisation.name)
                                  .where(Organisation.id.in_(keys))).all()
        return {r.id: (r.code, r.name) for r in rows}
    if f.group_by == "mediator":
        rows = db.session.execute(select(User.id, User.username, User.display_name)
                                  .where(User.id.in_([k for k in keys if k is not None]))).all()
        names = {r.id: (r.username, r.display_name or r.username) for r in rows}
        return {k: names.get(k, ("unassigned", _pick(UNASSIGNED, lang))) for k in keys}
    return {k: (k, k) for k in keys}  # periods label themselves


def success_rate(f: ReportFilters, lang: str = "zh") -> dict:
    """The success-rate report of DESIGN §8: overall (cases once) and per group (rounds)."""
    rows = queries.success_by_group(f)
    overall = queries.success_overall(f)  # each case once (DOMAIN §5), whatever its rounds and groups
    concluded, agreed = overall.concluded, overall.agreed
    names = _group_keys(f, [r.key for r in rows], lang)
    groups = [{"key": names[r.key][0], "label": names[r.key][1], "concluded": r.concluded,
               "agreed": int(r.agreed or 0), "rate": rate(int(r.agreed or 0), r.concluded)} for r in rows]
    return {"from": f.date_from.isoformat(), "to": f.date_to.isoformat(), "group_by": f.group_by,
            "overall": {"concluded": concluded, "agreed": agreed, "rate": rate(agreed, concluded)},
            "groups": groups}


def full_report(f: ReportFilters, lang: str = "zh") -> dict:
    """The managers' report: success rate plus volumes, speed, SLA, amounts and arbitration."""
    report = success_rate(f, lang)
    summary = queries.concluded_summary(f)
    received, accepted, pending = queries.volumes(f)
    durations = queries.duration_percentiles(f)
    org = f.org
    report["scope"] = {"org": org.code if org else None,
                       "name": org.name if org else ("All organisations" if lang == "en" else "全部组织")}
    report["generated_at"] = clock.local_now().isoformat(sep=" ")
    report["summary"] = {
        "received": int(received), "accepted": int(accepted), "concluded": summary.concluded,
        "pending": int(pending), "agreed": int(summary.agreed),
        "first_round_agreed": int(summary.first_round_agreed),
        "first_round_share": rate(int(summary.first_round_agreed), summary.concluded),
        "median_days": None if durations.p50 is None else round(float(durations.p50), 1),
        "p90_days": None if durations.p90 is None else round(float(durations.p90), 1),
        "collective": int(summary.collective), "collective_agreed": int(summary.collective_agreed),
        "amount_claimed": _money(summary.amount_claimed), "amount_agreed": _money(summary.amount_agreed),
    }
    report["sla"] = [{"kind": r.kind, "label": _pick((TIMERS[r.kind]["en"], TIMERS[r.kind]["zh"]), lang),
                      "met": int(r.met), "breached": int(r.breached), "rate": rate(int(r.met), r.met + r.breached)}
                     for r in queries.sla_compliance(f)]
    report["arbitration"] = [{"outcome": r.outcome, "cases": r.cases,
                              "label": _pick(ARBITRATION_OUTCOMES.get(r.outcome, ("Pending", "仲裁处理中")), lang)}
                             for r in queries.arbitration_handoffs(f)]
    return report
