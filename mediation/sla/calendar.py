"""Working-day calendar and term computation for mediation deadlines.

Counting follows 民事诉讼法 art. 85: the day a term begins is not counted; a term
whose last day is a rest day ends on the next working day. Working days skip
Saturdays, Sundays and statutory holidays but include adjusted working weekend
days (调休) published by the State Council.

A year's schedule comes from, in order: (a) ``configure()``, (b) the
``chinese_calendar`` package, (c) a provisional calendar built from the holidays
fixed by 全国年节及纪念日放假办法 (as amended 2024): 元旦, 春节 (eve + 3 days),
清明, 劳动节 (2 days), 端午, 中秋, 国庆 (3 days) -- weekends only, no 调休.
Terms that consulted a provisional year are flagged so callers can warn.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from lunardate import LunarDate

WORKING = "working"
CALENDAR = "calendar"
MIN_YEAR, MAX_YEAR = 1900, 2099

_config: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
_working: dict[int, bool] = {}        # ordinal -> is working day, filled a year at a time


def _check_year(year: int) -> int:
    if not isinstance(year, int) or isinstance(year, bool):
        raise TypeError(f"year must be an int, got {type(year).__name__}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year {year} outside supported range {MIN_YEAR}-{MAX_YEAR}")
    return year


def _as_date(value) -> date:
    if isinstance(value, date):
        return value if type(value) is date else date(value.year, value.month, value.day)
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise TypeError(f"expected a date or 'YYYY-MM-DD' string, got {value!r}")


def configure(schedules: dict | None) -> None:
    """Replace the configured schedules ({year: {"holidays": [...], "workdays": [...]}})."""
    parsed: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
    for raw_year, spec in (schedules or {}).items():
        year = _check_year(int(raw_year))
        spec = spec or {}
        rest = frozenset(_as_date(d) for d in spec.get("holidays") or ())
        work = frozenset(_as_date(d) for d in spec.get("workdays") or ())
        stray = sorted(d for d in rest | work if d.year != year)
        if stray:
            raise ValueError(f"schedule for {year} lists dates of another year: {stray}")
        if rest & work:
            raise ValueError(f"schedule for {year} lists dates as both holiday and workday: "
                             f"{sorted(rest & work)}")
        parsed[year] = (rest, work)
    _config.clear()
    _config.update(parsed)
    _working.clear()


@functools.lru_cache(maxsize=None)
def _package_covers(year: int) -> bool:
    # The package raises NotImplementedError outside its data range; probe once per year.
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
        return True
    except NotImplementedError:
        return False


def schedule_source(year: int) -> str:
    _check_year(year)
    if year in _config:
        return "config"
    return "package" if _package_covers(year) else "provisional"


def schedule_known(year: int) -> bool:
    return schedule_source(year) != "provisional"


def _lunar(year: int, month: int, day: int) -> date:
    ld = LunarDate(year, month, day)
    # lunardate >= 0.3 renamed toSolarDate (now deprecated) to to_solar_date.
    return ld.to_solar_date() if hasattr(ld, "to_solar_date") else ld.toSolarDate()


@functools.lru_cache(maxsize=None)
def _statutory(year: int) -> tuple[date, ...]:
    new_year = _lunar(year, 1, 1)
    eve = new_year - timedelta(days=1)  # 12th lunar month has 29 or 30 days
    qingming = [d for d, name in chinese_calendar.get_solar_terms(
        date(year, 4, 1), date(year, 4, 30)) if name == "清明"]
    days = {date(year, 1, 1), eve, *(new_year + timedelta(days=i) for i in range(3)),
            *qingming, date(year, 5, 1), date(year, 5, 2),
            _lunar(year, 5, 5), _lunar(year, 8, 15),
            date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)}
    return tuple(sorted(days))


def statutory_holidays(year: int) -> list[date]:
    """Holidays fixed by law (provisional rule) for ``year``, sorted."""
    return list(_statutory(_check_year(year)))


def _load(year: int) -> None:
    source = schedule_source(year)
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    if source == "package":
        for o in range(first, last + 1):
            _working[o] = chinese_calendar.is_workday(date.fromordinal(o))
    else:
        if source == "config":
            rest, work = _config[year]
        else:
            rest, work = frozenset(_statutory(year)), frozenset()
        for o in range(first, last + 1):
            d = date.fromordinal(o)
            _working[o] = d in work or (d.weekday() < 5 and d not in rest)


def _is_working(o: int) -> bool:
    w = _working.get(o)
    if w is None:
        _load(_check_year(date.fromordinal(o).year))
        w = _working[o]
    return w


def is_working_day(day: date) -> bool:
    if not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return _is_working(day.toordinal())


@dataclass(frozen=True)
class Term:
    end: date
    provisional_years: tuple[int, ...]  # sorted years whose provisional calendar was consulted

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


def _provisional_between(lo: int, hi: int) -> tuple[int, ...]:
    # Examined days always form one contiguous range [lo, hi] of ordinals.
    if lo > hi:
        return ()
    years = range(date.fromordinal(lo).year, date.fromordinal(hi).year + 1)
    return tuple(y for y in years if schedule_source(y) == "provisional")


def _validate(start, days, unit) -> None:
    if not isinstance(start, date):
        raise TypeError(f"start must be a date, got {type(start).__name__}")
    if not isinstance(days, int) or isinstance(days, bool):
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    if unit not in (WORKING, CALENDAR):
        raise ValueError(f"unit must be {WORKING!r} or {CALENDAR!r}, got {unit!r}")


def _postpone(o: int) -> int:
    while not _is_working(o):
        o += 1
    return o


def compute_term(start: date, days: int, unit: str) -> Term:
    """End of a term of ``days`` units beginning on ``start`` (start not counted)."""
    _validate(start, days, unit)
    s = start.toordinal()
    if unit == CALENDAR or days == 0:
        first = s + days
        end = _postpone(first)
    else:
        first, end, left = s + 1, s, days
        while left:
            end += 1
            if _is_working(end):
                left -= 1
    return Term(date.fromordinal(end), _provisional_between(first, end))


def term_end(start: date, days: int, unit: str) -> date:
    return compute_term(start, days, unit).end


def compute_years_term(start: date, years: int) -> Term:
    """Limitation period: same month/day ``years`` later (29 Feb -> 28 Feb), then postponed."""
    _validate(start, years, CALENDAR)
    year = start.year + years
    try:
        target = start.replace(year=year)
    except ValueError:  # 29 February in a common year
        target = date(year, 2, 28)
    first = target.toordinal()
    end = _postpone(first)
    return Term(date.fromordinal(end), _provisional_between(first, end))


def compute_days_before(due: date, days: int, unit: str) -> Term:
    """The day ``days`` units before ``due`` (working: ``days`` working days back)."""
    _validate(due, days, unit)
    d = due.toordinal()
    if unit == CALENDAR:
        return Term(date.fromordinal(d - days), ())  # no calendar consulted
    o, left = d, days
    while left:
        o -= 1
        if _is_working(o):
            left -= 1
    return Term(date.fromordinal(o), _provisional_between(o, d - 1))


def years_status(years) -> list[dict]:
    out = []
    for y in years:
        source = schedule_source(int(y))
        out.append({"year": int(y), "source": source, "known": source != "provisional"})
    return out
