"""What a report covers: period, grouping, the organisations the reader may see, and filters."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organisation, User
from mediation.models.cases import CATEGORIES, CHANNELS
from mediation.services.errors import Forbidden, InvalidData
from mediation.sla import clock
from mediation.validation import FieldError

#: The contract's groupings (DESIGN §8) plus periods for time series.
GROUP_BY = ("tier", "org", "mediator", "category", "channel", "month", "quarter", "year")
PRESETS = ("this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year", "custom")
MAX_DAYS = 366 * 10


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date  #: inclusive
    group_by: str = "tier"
    #: Organisations whose rounds count (the reader's subtree, narrowed by the org filter); None: all.
    org_ids: tuple[int, ...] | None = None
    tier: int | None = None
    category: str | None = None
    mediator_id: int | None = None
    channel: str | None = None
    #: For the header: the organisation the report is about (None: the whole federation).
    org: Organisation | None = field(default=None, compare=False)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min)

    @property
    def end(self) -> datetime:
        """Exclusive end: midnight after date_to (times are naive Beijing time)."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min)


def scope_ids(actor) -> tuple[int, ...] | None:
    """The organisations whose figures the actor may see: all for managers, a subtree for staff."""
    if actor.role in ("manager", "system"):
        return None
    if actor.role in ("chair", "mediator"):
        return tuple(actor.org.descendant_ids())
    raise Forbidden("Reports are for managers, chairs and mediators.", "统计报表仅向管理人员、主任/站长和调解员开放。")


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """Return the first and last day of a named period around `today`."""
    if preset in ("this_month", "last_month"):
        first = today.replace(day=1)
        if preset == "last_month":
            first = (first - timedelta(days=1)).replace(day=1)
        return first, _month_end(first)
    if preset in ("this_quarter", "last_quarter"):
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if preset == "last_quarter":
            first = date(first.year - 1, 10, 1) if first.month == 1 else date(first.year, first.month - 3, 1)
        return first, _month_end(date(first.year, first.month + 2, 1))
    year = today.year - (preset == "last_year")
    return date(year, 1, 1), date(year, 12, 31)


def month_range(month: str) -> tuple[date, date]:
    """"2026-10" → (2026-10-01, 2026-10-31); ValueError otherwise."""
    first = datetime.strptime(month, "%Y-%m").date()
    return first, _month_end(first)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FieldError("date", "Enter a date as YYYY-MM-DD, e.g. 2026-10-01.",
                         "请按YYYY-MM-DD格式填写日期，例如2026-10-01。") from None


def parse_filters(args, actor) -> ReportFilters:
    """Read filters from query arguments (web form or API); InvalidData lists every bad field."""
    errors: dict[str, FieldError] = {}
    scope = scope_ids(actor)
    raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    preset = args.get("period") or ("custom" if raw_from or raw_to else "this_year")
    if preset not in PRESETS:
        errors["period"] = FieldError("choice", "Choose a period from the list.", "请从列表中选择统计期间。")
        preset = "this_year"
    date_from, date_to = preset_range("this_year" if preset == "custom" else preset, clock.today())
    if preset == "custom" or raw_from or raw_to:
        for name in ("from", "to"):
            raw = raw_from if name == "from" else raw_to
            if not raw:
                continue
            try:
                parsed = _date(raw)
            except FieldError as err:
                errors[name] = err
                continue
            if name == "from":
                date_from = parsed
            else:
                date_to = parsed
        if "from" not in errors and "to" not in errors and date_to < date_from:
            errors["to"] = FieldError("range", "The end date is before the start date.", "结束日期早于开始日期。")
        elif (date_to - date_from).days > MAX_DAYS:
            errors["to"] = FieldError("range", "A report covers at most ten years.", "一份报表最多统计十年。")
    group_by = args.get("group_by") or "tier"
    if group_by not in GROUP_BY:
        errors["group_by"] = FieldError("choice", "Group by one of: " + ", ".join(GROUP_BY) + ".",
                                        "分组方式须为以下之一：" + "、".join(GROUP_BY) + "。")
    tier = None
    if args.get("tier"):
        if args["tier"] not in ("1", "2", "3"):
            errors["tier"] = FieldError("choice", "The tier is 1, 2 or 3.", "层级须为1、2或3。")
        else:
            tier = int(args["tier"])
    category = args.get("category") or None
    if category and category not in CATEGORIES:
        errors["category"] = FieldError("choice", "Choose a category from the list.", "请从列表中选择争议类别。")
    channel = args.get("channel") or None
    if channel and channel not in CHANNELS:
        errors["channel"] = FieldError("choice", "Choose a channel from the list.", "请从列表中选择受理渠道。")
    org, org_ids = None, scope
    if args.get("org"):
        org = db.session.scalar(select(Organisation).where(Organisation.code == args["org"].strip()))
        if org is None or (scope is not None and org.id not in scope):
            errors["org"] = FieldError("org", "Choose one of the organisations you may see.",
                                       "请选择您有权查看的组织。")
        else:
            org_ids = tuple(org.descendant_ids())
    elif scope is not None:
        org = actor.org
    mediator_id = None
    if args.get("mediator"):
        mediator = db.session.scalar(select(User).where(User.username == args["mediator"].strip()))
        if mediator is None or (scope is not None and mediator.org_id not in scope):
            errors["mediator"] = FieldError("mediator", "Choose one of the mediators you may see.",
                                            "请选择您有权查看的调解员。")
        else:
            mediator_id = mediator.id
    if errors:
        raise InvalidData("Some filters are not valid; see the fields.", "部分筛选条件有误，请查看各项提示。",
                          errors)
    return ReportFilters(date_from, date_to, group_by, org_ids, tier, category, mediator_id, channel, org)
